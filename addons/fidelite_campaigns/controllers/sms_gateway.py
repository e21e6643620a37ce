import hmac
import json

from odoo import http
from odoo.http import request

STOP_WORDS = {"STOP", "STOPSMS", "ARRET", "UNSUBSCRIBE"}


class FideliteSmsGateway(http.Controller):
    """Callbacks of the HTTP SMS gateway: delivery receipts and members' replies (STOP)."""

    def _check_token(self, token):
        """The company whose webhook token ``token`` is (the gateway's shared secret), or None.

        Compared in constant time; no token configured means no callback is accepted.
        """
        # public route: the tokens are only readable by the superuser
        companies = request.env["res.company"].sudo().search([("fidelite_sms_webhook_token", "!=", False)])
        given = (token or "").encode()
        found = None
        for company in companies:
            if hmac.compare_digest(company.fidelite_sms_webhook_token.encode(), given):
                found = company
        return found

    def _payload(self):
        try:
            return json.loads(request.httprequest.get_data() or b"{}")
        except ValueError:
            return {}

    @http.route(
        "/fidelite_campaigns/sms/status/<string:token>", type="http", auth="public", methods=["POST"], csrf=False
    )
    def sms_status(self, token, **kwargs):
        """A delivery receipt: ``{"reference": <the sms uuid>, "status": "delivered" | "failed" | ...}``.

        403 without the company's token. A receipt without a reference, or whose reference is
        no SMS of that company, changes nothing and is answered 200 ``{"ok": true, "ignored": ...}``
        (a gateway retries what is not answered 2xx).
        """
        company = self._check_token(token)
        if not company:
            return request.make_json_response({"error": "forbidden"}, status=403)
        payload = self._payload()
        if not isinstance(payload, dict):
            payload = {}
        reference, status = payload.get("reference") or payload.get("uuid"), payload.get("status")
        if not reference or not isinstance(reference, str):
            return request.make_json_response({"ok": True, "ignored": "no reference"})
        # public route authenticated by the token: the receipt only touches that company's SMS
        env = request.env(su=True)
        traces = env["fidelite.chain.trace"].search([("sms_uuid", "=", reference), ("company_id", "=", company.id)])
        trackers = env["sms.tracker"].search([("sms_uuid", "=", reference)])
        if not traces and not trackers:
            return request.make_json_response({"ok": True, "ignored": "unknown reference"})
        if status in ("delivered", "sent"):
            trackers._action_update_from_sms_state("sent")
        elif status in ("failed", "undelivered", "rejected"):
            trackers._action_update_from_sms_state("error", failure_type="sms_server")
            traces.write({"state": "failed", "skip_reason": "error", "note": status})
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
