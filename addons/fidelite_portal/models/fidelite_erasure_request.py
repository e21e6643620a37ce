from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import erasure

STATES = [("requested", "Requested"), ("done", "Anonymised"), ("refused", "Refused")]


class FideliteErasureRequest(models.Model):
    """A member asked, on the portal, to be forgotten; a Fidélité manager approves or refuses it.

    Approving anonymises the member: their personal data, household and portal account go, their
    cards and points movements stay (the ledger's totals do not change).
    """

    _name = "fidelite.erasure.request"
    _description = "Member's erasure request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="restrict")
    member_number = fields.Char(readonly=True)
    date = fields.Datetime(string="Requested on", required=True, default=fields.Datetime.now, readonly=True)
    reason = fields.Text(string="Member's message")
    state = fields.Selection(STATES, default="requested", required=True, index=True, tracking=True)
    processed_date = fields.Datetime(string="Processed on", readonly=True)
    processed_by_id = fields.Many2one("res.users", string="Processed by", readonly=True)
    company_id = fields.Many2one(related="partner_id.company_id", store=True)

    @api.depends("partner_id", "member_number")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "Erasure of %s", request.member_number or request.partner_id.name or request.id
            )

    @api.model
    def _fidelite_request(self, partner, reason=None):
        """The member's request from the portal: one open request at a time, a task for the managers.

        Called on the model the portal route raised: a member reads neither requests nor managers."""
        Request = self
        partner = partner.with_env(self.env)
        existing = Request.search([("partner_id", "=", partner.id), ("state", "=", "requested")], limit=1)
        if existing:
            return existing
        request = Request.create(
            {"partner_id": partner.id, "member_number": partner.fidelite_member_number, "reason": reason}
        )
        managers = self.env.ref("fidelite_loyalty.group_fidelite_manager").user_ids.filtered(
            lambda user: user.active and not user.share
        )
        for manager in managers[:1] or self.env.ref("base.user_admin"):
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Member asks to be forgotten"),
                note=self.env._("Check that nothing must be kept (open orders, disputes), then approve or refuse."),
                user_id=manager.id,
            )
        return request

    def _check_manager(self):
        if not self.env.user.has_group("fidelite_loyalty.group_fidelite_manager"):
            raise UserError(self.env._("Only a Fidélité manager can process an erasure request."))

    def action_approve(self):
        self._check_manager()
        for request in self:
            if request.state != "requested":
                raise UserError(self.env._("This request was processed already."))
            # the member's data lies in records no manager may write (e-mails, SMS, the ledger's reasons)
            erasure.anonymise(request.partner_id.sudo())
            request.write({"state": "done", "processed_date": fields.Datetime.now(), "processed_by_id": self.env.uid})
            request.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_refuse(self):
        self._check_manager()
        self.filtered(lambda request: request.state == "requested").write(
            {"state": "refused", "processed_date": fields.Datetime.now(), "processed_by_id": self.env.uid}
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True
