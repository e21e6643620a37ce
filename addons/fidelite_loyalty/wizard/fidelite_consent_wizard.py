from odoo import fields, models

from ..models.fidelite_consent import CHANNELS, SOURCES


class FideliteConsentWizard(models.TransientModel):
    _name = "fidelite.consent.wizard"
    _description = "Record a member's marketing consent"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, readonly=True)
    channel = fields.Selection(CHANNELS, required=True, default="email")
    granted = fields.Boolean(string="Consents", default=True)
    source = fields.Selection(SOURCES, string="Given", required=True, default="backoffice")
    note = fields.Char(
        string="Note or proof",
        help="How the member gave it (signed form, e-mail, call): required to record a consent again after the "
        "member withdrew it.",
    )

    def action_apply(self):
        self.ensure_one()
        self.partner_id._fidelite_set_consent(self.channel, self.granted, self.source, self.note)
        return {"type": "ir.actions.act_window_close"}
