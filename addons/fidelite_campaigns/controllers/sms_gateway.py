import hmac
import json
import re
import unicodedata

from odoo import http
from odoo.http import request

# A reply withdraws the SMS consent when, in capitals without accents, punctuation or spaces, it is one
# of these ("Stop.", "stop sms", "ARRÊT"), or starts with STOP or ARRET as a word ("STOP merci")
STOP_WORDS = {"STOP", "STOPSMS", "STOPPUB", "ARRET", "ARRETSMS", "DESABONNER", "DESINSCRIRE", "UNSUBSCRIBE"}
STOP_FIRST_WORDS = {"STOP", "ARRET"}


def is_stop(text):
    """Whether an SMS reply asks to stop the messages (STOP and its French variants)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[A-Z]+", plain)
    return bool(words) and ("".join(words) in STOP_WORDS or words[0] in STOP_FIRST_WORDS)


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
        text = payload.get("text") or ""
        number = payload.get("from") or payload.get("number")
        if number and is_stop(text):
            # su: the gateway is no user; the STOP blacklists the number, which withdraws the SMS and
            # call consents of its contacts (``phone.blacklist``), recorded as an SMS STOP
            env = request.env(su=True, context=dict(request.env.context, fidelite_consent_source="sms_stop"))
            blacklist = env["phone.blacklist"].with_company(company).add(number, message=text[:64])[:1]
            partners = env["res.partner"]._fidelite_withdraw(
                [("phone_sanitized", "=", blacklist.number)], ["sms"], "sms_stop", note=text[:64]
            )
            return request.make_json_response({"ok": True, "stopped": len(partners)})
        return request.make_json_response({"ok": True})
