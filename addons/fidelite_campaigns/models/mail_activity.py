from odoo import fields, models

from .fidelite_chain_step import CALL_OUTCOMES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    fidelite_trace_id = fields.Many2one("fidelite.chain.trace", string="Chain step", index="btree_not_null")
    fidelite_call_outcome = fields.Selection(CALL_OUTCOMES, string="Call result")

    def _action_done(self, feedback=False, attachment_ids=None):
        complained = self.env["res.partner"]
        for activity in self.filtered("fidelite_trace_id"):
            # a call done: its result goes to the chain's trace, which only the server writes
            trace = activity.fidelite_trace_id.sudo()
            trace.call_outcome = activity.fidelite_call_outcome or "no_answer"
            if activity.fidelite_call_outcome == "complained":
                complained |= trace.partner_id
        if complained:
            # A member who complained about the call objects to calls: the phone consent is withdrawn
            self.env["res.partner"]._fidelite_withdraw([("id", "in", complained.ids)], ["phone"], "complaint")
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
