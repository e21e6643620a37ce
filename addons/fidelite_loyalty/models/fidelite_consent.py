from odoo import api, fields, models
from odoo.exceptions import UserError

CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("postal", "Postal mail"), ("phone", "Phone")]
SOURCES = [
    ("pos", "At the till"),
    ("portal", "Portal"),
    ("import", "Import"),
    ("form", "Form"),
    ("backoffice", "Back office"),
]


class FideliteConsent(models.Model):
    """One marketing consent given or withdrawn, on one channel. Never changed: the history stays."""

    _name = "fidelite.consent"
    _description = "Marketing consent"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    channel = fields.Selection(CHANNELS, required=True, index=True)
    granted = fields.Boolean(string="Consents", help="Unticked: the member withdrew their consent.")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, readonly=True)
    source = fields.Selection(SOURCES, string="Given", required=True, default="backoffice")
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user, ondelete="set null", readonly=True
    )
    note = fields.Char()
    company_id = fields.Many2one(related="partner_id.company_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        # The proof of a consent is when the server received it and who was logged in: a date or
        # an author sent by the client (portal form, RPC, import) is never taken
        now = fields.Datetime.now()
        vals_list = [{**vals, "date": now, "user_id": self.env.uid} for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A consent is never changed: record the member's new choice instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The consent history is kept: record the member's new choice instead."))
