from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    fidelite_expiry_policy = fields.Selection(
        [
            ("never", "Never"),
            ("months", "Months after earning"),
            ("end_of_next_year", "End of the following year"),
        ],
        string="Points expire",
        default="never",
        required=True,
        help="When the points earned on this program's cards expire. Each earning expires on its "
        "own date; spending uses the points that expire first.",
    )
    fidelite_expiry_months = fields.Integer(string="Validity (months)", default=12)

    @api.constrains("fidelite_expiry_policy", "fidelite_expiry_months")
    def _check_fidelite_expiry_months(self):
        for program in self:
            if program.fidelite_expiry_policy == "months" and program.fidelite_expiry_months <= 0:
                raise ValidationError(
                    self.env._("Points of %s must stay valid at least one month.", program.display_name)
                )

    def _fidelite_expiry_date(self, earned_on):
        """The date points earned on ``earned_on`` expire (False: never): usable until the day before."""
        self.ensure_one()
        if self.fidelite_expiry_policy == "months":
            return earned_on + relativedelta(months=self.fidelite_expiry_months)
        if self.fidelite_expiry_policy == "end_of_next_year":
            return earned_on.replace(year=earned_on.year + 2, month=1, day=1)
        return False
