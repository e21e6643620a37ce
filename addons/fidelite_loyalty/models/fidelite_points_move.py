from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

MOVE_TYPES = [
    ("earn", "Earned"),
    ("redeem", "Redeemed"),
    ("expire", "Expired"),
    ("adjust", "Adjustment"),
    ("transfer_in", "Transfer in"),
    ("transfer_out", "Transfer out"),
    ("reversal", "Reversal"),
]
ORIGINS = [
    ("pos", "Point of Sale"),
    ("sale", "Sales order"),
    ("manual", "Manual"),
    ("api", "API"),
    ("system", "System"),
]
# Columns no UPDATE may touch, whoever runs it (the ORM refuses any write already).
PROTECTED_COLUMNS = ("card_id", "points", "balance_after", "move_type", "date", "idempotency_key", "expiry_date")


class FidelitePointsMove(models.Model):
    _name = "fidelite.points.move"
    _description = "Loyalty points movement"
    _order = "date desc, id desc"
    _rec_names_search = ["card_id", "partner_id", "reason", "idempotency_key"]

    card_id = fields.Many2one("loyalty.card", string="Card", required=True, index=True, ondelete="restrict")
    # Company, program and type are never searched alone (a few values each): no index, which
    # every movement would have to update
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Member", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", string="Company", required=True)
    points = fields.Float(required=True, digits=(16, 2))
    balance_after = fields.Float(string="Balance after", digits=(16, 2), readonly=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", required=True)
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    origin = fields.Selection(ORIGINS, required=True, default="system")
    pos_order_id = fields.Many2one("pos.order", string="POS order", index="btree_not_null", ondelete="set null")
    sale_order_id = fields.Many2one("sale.order", string="Sales order", index="btree_not_null", ondelete="set null")
    store_id = fields.Many2one("pos.config", string="Store", index="btree_not_null", ondelete="set null")
    outlet_id = fields.Many2one("fidelite.outlet", string="Outlet", index="btree_not_null", ondelete="restrict")
    merchant_id = fields.Many2one(
        "fidelite.partner.merchant", string="Partner merchant", index="btree_not_null", ondelete="restrict"
    )
    purchase_amount = fields.Float(
        string="Purchase amount", digits=(16, 2), help="What the member paid, when the movement comes with a purchase."
    )
    user_id = fields.Many2one("res.users", string="User", ondelete="set null")
    reason = fields.Char()
    idempotency_key = fields.Char(string="Idempotency key", readonly=True, copy=False)
    expiry_date = fields.Date(string="Expires on", index="btree_not_null")
    reversed_move_id = fields.Many2one("fidelite.points.move", string="Reverses", index="btree_not_null")
    reversal_ids = fields.One2many("fidelite.points.move", "reversed_move_id", string="Reversals")
    lot_move_id = fields.Many2one(
        "fidelite.points.move",
        string="Lot",
        index="btree_not_null",
        help="For an expiry or a transfer: the earning whose remaining points it concerns.",
    )

    _idempotency_key_unique = models.Constraint(
        "UNIQUE(idempotency_key)",
        "This operation was already recorded on the card.",
    )

    def init(self):
        """Refuse, in the database too, any change to a movement's amounts and any deletion."""
        columns = SQL(", ").join(SQL.identifier(column) for column in PROTECTED_COLUMNS)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION fidelite_points_move_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'fidelite.points.move is append-only: post a reversal instead'
                        USING ERRCODE = 'restrict_violation';
                END;
                $$ LANGUAGE plpgsql;
                DROP TRIGGER IF EXISTS fidelite_points_move_append_only ON fidelite_points_move;
                CREATE TRIGGER fidelite_points_move_append_only
                    BEFORE DELETE OR UPDATE OF %s ON fidelite_points_move
                    FOR EACH ROW EXECUTE FUNCTION fidelite_points_move_append_only();
                """,
                columns,
            )
        )

    @api.depends("card_id", "move_type", "points")
    def _compute_display_name(self):
        types = dict(self._fields["move_type"]._description_selection(self.env))
        for move in self:
            move.display_name = f"{move.card_id.code} · {types.get(move.move_type)} {move.points:+g}"

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # The ledger inserts movements itself, with the card's new balance (services/ledger_rows.py)
        raise UserError(self.env._("Points movements are posted by Fidélité's ledger only: use Adjust points."))

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A points movement cannot be modified: post a reversal with a reason instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A points movement cannot be deleted: post a reversal with a reason instead."))

    def action_fidelite_reverse(self):
        """Open the adjustment wizard to reverse this movement."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fidelite.points.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.card_id.id, "default_reversed_move_id": self.id},
        }
