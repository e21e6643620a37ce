import hmac
import json

from odoo import http
from odoo.http import request

STOP_WORDS = {"STOP", "STOPSMS", "ARRET", "UNSUBSCRIBE"}


class FideliteSmsGateway(http.Controller):
    """Callbacks of the HTTP SMS gateway: delivery receipts and members' replies (STOP)."""

    def _check_token(self, token):
        companies = request.env["res.company"].sudo().search([("fidelite_sms_webhook_token", "!=", False)])
        for company in companies:
            if hmac.compare_digest(company.fidelite_sms_webhook_token, token or ""):
                return company
        return None

    def _payload(self):
        try:
            return json.loads(request.httprequest.get_data() or b"{}")
        except ValueError:
            return {}

    @http.route(
        "/fidelite_campaigns/sms/status/<string:token>", type="http", auth="public", methods=["POST"], csrf=False
    )
    def sms_status(self, token, **kwargs):
        if not self._check_token(token):
            return request.make_json_response({"error": "forbidden"}, status=403)
        payload = self._payload()
        reference, status = payload.get("reference") or payload.get("uuid"), payload.get("status")
        trackers = request.env["sms.tracker"].sudo().search([("sms_uuid", "=", reference)])
        if status in ("delivered", "sent"):
            trackers._action_update_from_sms_state("sent")
        elif status in ("failed", "undelivered", "rejected"):
            trackers._action_update_from_sms_state("error", failure_type="sms_server")
            request.env["fidelite.chain.trace"].sudo().search([("sms_uuid", "=", reference)]).write(
                {"state": "failed", "skip_reason": "error", "note": status}
            )
        return request.make_json_response({"ok": True})

    @http.route(
        "/fidelite_campaigns/sms/inbound/<string:token>", type="http", auth="public", methods=["POST"], csrf=False
    )
    def sms_inbound(self, token, **kwargs):
        company = self._check_token(token)
        if not company:
            return request.make_json_response({"error": "forbidden"}, status=403)
        payload = self._payload()
        text = (payload.get("text") or "").strip().upper()
        number = payload.get("from") or payload.get("number")
        if number and text in STOP_WORDS:
            env = request.env(su=True)
            blacklist = env["phone.blacklist"].with_company(company).add(number, message="STOP")[:1]
            partners = env["res.partner"].search([("phone_sanitized", "=", blacklist.number)])
            partners._fidelite_set_consent("sms", False, "form", note="STOP")
        return request.make_json_response({"ok": True})
