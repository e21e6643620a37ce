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

    @api.constrains("fidelite_card_prefix")
    def _check_fidelite_card_prefix(self):
        for company in self:
            prefix = company.fidelite_card_prefix or ""
            if not (prefix.isdigit() and 2 <= len(prefix) <= 6):
                raise ValidationError(self.env._("The card number prefix must be 2 to 6 digits, e.g. 299."))
