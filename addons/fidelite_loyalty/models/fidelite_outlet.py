from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import network

KINDS = [
    ("store", "Store"),
    ("popup", "Pop-up store"),
    ("partner", "Partner merchant"),
    ("online", "Online shop"),
]


class FideliteOutlet(models.Model):
    """A place where members earn and spend points: a store (its till), a pop-up store open
    between two dates, a partner merchant calling the API, or the online shop.

    Opening or closing an outlet changes where the card is accepted, never the members, their
    cards or their points. Movements posted at an outlet carry it, which gives its figures and
    the share of the rewards' cost it bears.
    """

    _name = "fidelite.outlet"
    _description = "Loyalty outlet"
    _order = "company_id, sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False)
    code = fields.Char(help="A short code for reports and statements.")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(KINDS, required=True, default="store")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    pos_config_id = fields.Many2one(
        "pos.config", string="Point of Sale", index="btree_not_null", check_company=True, ondelete="restrict"
    )
    merchant_id = fields.Many2one(
        "fidelite.partner.merchant", string="Partner merchant", index="btree_not_null", ondelete="cascade"
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        check_company=True,
        index="btree_not_null",
        help="Sales orders of this team earn and burn at this outlet: for the online shop, the "
        "website's sales team (eCommerce gives it to the orders placed on the website).",
    )
    date_start = fields.Date(string="Opens on", help="Empty: open since always.")
    date_end = fields.Date(string="Closes after", help="Last day of trading; empty: no planned closing.")
    state = fields.Selection(
        [("planned", "Not open yet"), ("open", "Open"), ("closed", "Closed")],
        compute="_compute_state",
        search="_search_state",
    )
    program_ids = fields.Many2many(
        "loyalty.program",
        string="Programs",
        compute="_compute_program_ids",
        help="The programs whose cards are accepted here today.",
    )

    _pos_config_unique = models.UniqueIndex(
        "(pos_config_id) WHERE pos_config_id IS NOT NULL", "A point of sale belongs to one outlet only."
    )
    _team_unique = models.UniqueIndex("(team_id) WHERE team_id IS NOT NULL", "A sales team belongs to one outlet only.")
    _merchant_unique = models.UniqueIndex(
        "(merchant_id) WHERE merchant_id IS NOT NULL", "A partner merchant has one outlet."
    )

    @api.constrains("date_start", "date_end", "kind")
    def _check_dates(self):
        for outlet in self:
            if outlet.date_start and outlet.date_end and outlet.date_end < outlet.date_start:
                raise ValidationError(self.env._("%s closes before it opens.", outlet.name))
            if outlet.kind == "popup" and not (outlet.date_start and outlet.date_end):
                raise ValidationError(self.env._("A pop-up store needs its opening and closing dates."))

    @api.depends("date_start", "date_end", "active")
    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for outlet in self:
            outlet.state = network.outlet_state(outlet, today)

    def _search_state(self, operator, value):
        today = fields.Date.context_today(self)
        if operator not in ("=", "in"):
            return NotImplemented
        values = {value} if operator == "=" else set(value)
        domains = {
            "open": [
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", today),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
            ],
            "planned": [("date_start", ">", today)],
            "closed": [("date_end", "<", today)],
        }
        result = []
        for state in values:
            domain = domains.get(state)
            if domain:
                result = ["|", *result, *domain] if result else domain
        return result or [("id", "=", False)]

    def _compute_program_ids(self):
        for outlet in self:
            outlet.program_ids = network.programs_at(outlet)

    def action_close_today(self):
        """Close the outlet tonight: members keep their cards and points."""
        today = fields.Date.context_today(self)
        for outlet in self:
            outlet.date_end = max(today, outlet.date_start) if outlet.date_start else today
