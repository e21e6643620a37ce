from odoo import api, fields, models

from ..services.partner_api import NEW_KEY_CONTEXT


class FidelitePartnerMerchantKeyWizard(models.TransientModel):
    """Shows a new API key once: the secret is never stored, only its hash (on the key).

    The dialog opened by *New API key* carries the secret in its action's context, which only
    the manager who created the key receives; the record itself holds no secret, so re-opening
    or reading it (by anyone) shows none.
    """

    _name = "fidelite.partner.merchant.key.wizard"
    _description = "New partner API key"

    key_id = fields.Many2one("fidelite.partner.merchant.key", required=True, readonly=True, ondelete="cascade")
    secret = fields.Char(string="API key", compute="_compute_secret")

    @api.depends_context(NEW_KEY_CONTEXT)
    def _compute_secret(self):
        key_id, _sep, secret = str(self.env.context.get(NEW_KEY_CONTEXT) or "").partition(":")
        for wizard in self:
            wizard.secret = secret if key_id == str(wizard.key_id.id) else False
