from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    fidelite_card_prefix = fields.Char(
        string="Card number prefix",
        default="299",
        help="First digits of the EAN-13 numbers of the cards printed for this company. "
        "200 to 299 are reserved by GS1 for in-store use.",
    )

    # partner merchants' settlement
    fidelite_settlement_journal_id = fields.Many2one(
        "account.journal",
        string="Settlement journal",
        check_company=True,
        help="Confirming a partner merchant's statement posts its journal entry here.",
    )
    fidelite_settlement_account_id = fields.Many2one(
        "account.account",
        string="Settlement clearing account",
        check_company=True,
        help="The account of the points the merchants owe and are owed, against their receivable and payable.",
    )

    # segmentation
    fidelite_kpi_invoices = fields.Boolean(
        string="Count invoices in members' figures",
        help="Posted customer invoices and credit notes that come from no POS order and no sales order "
        "add to the members' figures (revenue, visits, categories), as purchases without a store.",
    )
    fidelite_abc_a_share = fields.Float(string="Class A: revenue share (%)", default=65.0)
    fidelite_abc_b_share = fields.Float(string="Classes A and B: revenue share (%)", default=90.0)
    fidelite_new_days = fields.Integer(
        string="New for (days)", default=90, help="A member is new, or won back, for this many days."
    )
    fidelite_at_risk_factor = fields.Float(
        string="At risk after (times their rhythm)",
        default=2.0,
        help="A member is at risk when away longer than this many times their usual days between visits.",
    )
    fidelite_rhythm_days = fields.Integer(
        string="Rhythm of one-visit members (days)",
        default=60,
        help="The days between visits assumed for members who came only once.",
    )
    fidelite_lapsed_days = fields.Integer(string="Lapsed after (days)", default=180)
    fidelite_lost_days = fields.Integer(string="Lost after (days)", default=365)

    # household
    fidelite_max_dependants = fields.Integer(
        string="Household members per member",
        default=6,
        help="How many household members (spouse, children...) a member may register, each with a birthday reward.",
    )

    @api.constrains(
        "fidelite_abc_a_share",
        "fidelite_abc_b_share",
        "fidelite_new_days",
        "fidelite_at_risk_factor",
        "fidelite_rhythm_days",
        "fidelite_lapsed_days",
        "fidelite_lost_days",
    )
    def _check_fidelite_segmentation(self):
        for company in self:
            if not 0 < company.fidelite_abc_a_share < company.fidelite_abc_b_share <= 100:
                raise ValidationError(
                    self.env._("The revenue share of class A must be above 0 and below the one of classes A and B.")
                )
            if (
                min(company.fidelite_new_days, company.fidelite_rhythm_days) <= 0
                or company.fidelite_at_risk_factor <= 1
            ):
                raise ValidationError(
                    self.env._("Days must be positive, and 'at risk' must be more than once the usual rhythm.")
                )
            if not 0 < company.fidelite_lapsed_days < company.fidelite_lost_days:
                raise ValidationError(self.env._("A member is lapsed before being lost: set fewer days for lapsed."))

    @api.constrains("fidelite_max_dependants")
    def _check_fidelite_max_dependants(self):
        if any(company.fidelite_max_dependants < 0 for company in self):
            raise ValidationError(self.env._("The number of household members per member cannot be negative."))

    @api.constrains("fidelite_card_prefix")
    def _check_fidelite_card_prefix(self):
        for company in self:
            prefix = company.fidelite_card_prefix or ""
            if not (prefix.isdigit() and 2 <= len(prefix) <= 6):
                raise ValidationError(self.env._("The card number prefix must be 2 to 6 digits, e.g. 299."))
