from datetime import timedelta

from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    fidelite_retries = fields.Integer(string="Retries", default=0, readonly=True)
    fidelite_retry_at = fields.Datetime(string="Retry on", readonly=True, index="btree_not_null")

    def _split_by_api(self):
        """Send each company's SMS through the gateway it chose (Odoo's default is always IAP)."""
        for company, records in self.grouped(lambda sms: sms._get_sms_company()).items():
            api = company._get_sms_api_class()(self.env)
            # SMS sending: the gateway's address and secrets are the company's settings, which the
            # sender (a user, the queue's cron) may not read
            api._set_company(company.sudo())
            yield api, records

    def _handle_call_result_hook(self, results):
        """A gateway that failed (timeout, 5xx, fault) gets the message again later, with the same uuid."""
        res = super()._handle_call_result_hook(results)
        failed_uuids = {result["uuid"] for result in results if result["state"] == "server_error"}
        sent_uuids = {result["uuid"] for result in results if result["state"] in ("success", "processing")}
        now = fields.Datetime.now()
        for sms in self.filtered(lambda s: s.uuid in failed_uuids):
            company = sms._get_sms_company().sudo()
            if sms.fidelite_retries < company.fidelite_sms_max_retries:
                wait = max(company.fidelite_sms_backoff, 1) * 60 * (2**sms.fidelite_retries)
                sms.write({"fidelite_retry_at": now + timedelta(seconds=wait), "to_delete": False})
            else:
                sms.fidelite_retry_at = False
        traces = self.env["fidelite.chain.trace"].sudo().search([("sms_uuid", "in", list(failed_uuids | sent_uuids))])
        for trace in traces:
            if trace.sms_uuid in sent_uuids:
                trace.note = False
            elif not self.filtered(lambda s, t=trace: s.uuid == t.sms_uuid).fidelite_retry_at:
                trace.write({"state": "failed", "skip_reason": "error", "note": self.env._("The SMS gateway failed")})
        return res

    @api.model
    def _cron_fidelite_retry(self):
        """Send again the SMS whose gateway failed, once their backoff has passed."""
        due = self.search(
            [
                ("state", "=", "error"),
                ("failure_type", "=", "sms_server"),
                ("fidelite_retry_at", "!=", False),
                ("fidelite_retry_at", "<=", fields.Datetime.now()),
            ],
            limit=500,
        )
        for sms in due:
            sms.write({"fidelite_retries": sms.fidelite_retries + 1, "fidelite_retry_at": False})
        for company, records in due.grouped(lambda s: s._get_sms_company()).items():
            records.with_company(company)._send(unlink_failed=False, unlink_sent=True, raise_exception=False)
        return len(due)
