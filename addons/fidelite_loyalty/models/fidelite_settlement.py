from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import settlement


class FideliteSettlement(models.Model):
    """A partner merchant's monthly statement: points issued at its rate, less points redeemed."""

    _name = "fidelite.settlement"
    _description = "Partner merchant statement"
    _order = "date_from desc, merchant_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    merchant_id = fields.Many2one(
        "fidelite.partner.merchant", string="Partner merchant", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Period start", required=True)
    date_to = fields.Date(string="Period end", required=True)
    points_issued = fields.Float(string="Points issued", digits=(16, 2), readonly=True)
    points_redeemed = fields.Float(string="Points redeemed", digits=(16, 2), readonly=True)
    issue_point_value = fields.Float(string="Value of a point issued", digits=(16, 4), readonly=True)
    redeem_point_value = fields.Float(string="Value of a point redeemed", digits=(16, 4), readonly=True)
    amount_issued = fields.Monetary(string="Owed by the merchant", readonly=True)
    amount_redeemed = fields.Monetary(string="Owed to the merchant", readonly=True)
    balance = fields.Monetary(
        compute="_compute_balance", store=True, help="Positive: the merchant pays the programme; negative: it is paid."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")], default="draft", required=True, readonly=True
    )
    account_move_id = fields.Many2one("account.move", string="Journal entry", readonly=True, copy=False)
    move_ids = fields.Many2many("fidelite.points.move", compute="_compute_move_ids", string="Movements")

    _month_unique = models.Constraint("UNIQUE(merchant_id, date_from)", "A merchant has one statement per month.")

    @api.depends("merchant_id.name", "date_from")
    def _compute_name(self):
        for statement in self:
            month = statement.date_from.strftime("%Y-%m") if statement.date_from else ""
            statement.name = f"{month} {statement.merchant_id.name or ''}".strip()

    @api.depends("amount_issued", "amount_redeemed")
    def _compute_balance(self):
        for statement in self:
            statement.balance = statement.amount_issued - statement.amount_redeemed

    def _compute_move_ids(self):
        Move = self.env["fidelite.points.move"]
        for statement in self:
            statement.move_ids = Move.search(
                [
                    ("merchant_id", "=", statement.merchant_id.id),
                    ("date", ">=", statement.date_from),
                    ("date", "<", fields.Date.add(statement.date_to, days=1)),
                ]
            )

    def action_recompute(self):
        for statement in self:
            if statement.state != "draft":
                raise UserError(self.env._("A confirmed statement is not computed again."))
            values = settlement.statement_values(statement.merchant_id, statement.date_from, statement.date_to)
            statement.write(values)

    def action_confirm(self):
        """Confirm the statement; with a settlement journal, post its journal entry."""
        for statement in self.filtered(lambda s: s.state == "draft"):
            company = statement.company_id
            move = self.env["account.move"]
            if company.fidelite_settlement_journal_id:
                # manager's button: the journal entry goes to accounting, which a Fidélité manager may not write
                move = settlement.post_entry(statement.sudo())
            statement.write({"state": "confirmed", "account_move_id": move.id})

    def action_view_account_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.account_move_id.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_fidelite_settlements(self):
        # cron: the statements of every merchant of every company
        settlement.create_last_month(self.sudo().env)
