from odoo import api, models


class LoyaltyMail(models.Model):
    _inherit = "loyalty.mail"

    # The ledger caches whether a program has "when reaching N points" mails
    # (loyalty.program._fidelite_has_points_reach_mail): any change to a mail clears it.

    @api.model_create_multi
    def create(self, vals_list):
        mails = super().create(vals_list)
        self.env.registry.clear_cache()
        return mails

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
