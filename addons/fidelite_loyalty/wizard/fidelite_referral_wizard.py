from odoo import fields, models


class FideliteReferralWizard(models.TransientModel):
    _name = "fidelite.referral.wizard"
    _description = "Record who referred a new customer"

    partner_id = fields.Many2one("res.partner", string="New customer", required=True, readonly=True)
    code = fields.Char(string="Referral code", required=True)

    def action_apply(self):
        self.ensure_one()
        self.partner_id.fidelite_apply_referral_code(self.code)
        return {"type": "ir.actions.act_window_close"}
