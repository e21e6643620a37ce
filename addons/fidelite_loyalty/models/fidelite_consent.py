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
# Where the member gives their consent themselves: after a withdrawal, only these (or a back-office
# user writing the proof in the note) may record a new consent, never an import or a job
MEMBER_SOURCES = ("pos", "portal", "form")


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
        for vals in vals_list:
            if vals.get("granted"):
                self._check_can_grant(vals)
        # The proof of a consent is when the server received it and who was logged in: a date or
        # an author sent by the client (portal form, RPC, import) is never taken
        now = fields.Datetime.now()
        vals_list = [{**vals, "date": now, "user_id": self.env.uid} for vals in vals_list]
        return super().create(vals_list)

    def _fidelite_member_sources(self):
        return MEMBER_SOURCES

    def _check_can_grant(self, vals):
        """A consent given again after a withdrawal comes from the member, or from the back office with its proof."""
        source = vals.get("source") or "backoffice"
        if source in self._fidelite_member_sources() or (source == "backoffice" and (vals.get("note") or "").strip()):
            return
        latest = self.search(
            [("partner_id", "=", vals.get("partner_id")), ("channel", "=", vals.get("channel"))],
            order="date desc, id desc",
            limit=1,
        )
        if latest and not latest.granted:
            raise UserError(
                self.env._(
                    "This member withdrew their consent: only they can give it again, or record it from the back "
                    "office with its proof in the note."
                )
            )

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A consent is never changed: record the member's new choice instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The consent history is kept: record the member's new choice instead."))
