import json

from odoo.http import request, route

from ..services import member_export
from .portal import FidelitePortal

MAX_REASON = 2000


class FidelitePortalPrivacy(FidelitePortal):
    """Download my data, ask to be forgotten."""

    @route("/my/fidelite/privacy", type="http", auth="user", website=True)
    def portal_my_fidelite_privacy(self, **kw):
        partner = self._fidelite_partner()
        requests = request.env["fidelite.erasure.request"].search([("partner_id", "=", partner.id)])
        values = self._fidelite_values("fidelite_privacy", erasure_requests=requests, sent=kw.get("sent"))
        return request.render("fidelite_portal.portal_my_fidelite_privacy", values)

    @route("/my/fidelite/privacy/export.<any(json,csv):fmt>", type="http", auth="user", website=True)
    def portal_my_fidelite_export(self, fmt, **kw):
        data = member_export.collect(self._fidelite_partner())
        if fmt == "json":
            body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
            mimetype = "application/json"
        else:
            body = member_export.to_csv(data)
            mimetype = "text/csv"
        return request.make_response(
            body,
            headers=[
                ("Content-Type", f"{mimetype}; charset=utf-8"),
                ("Content-Disposition", f'attachment; filename="my-loyalty-data.{fmt}"'),
                ("Cache-Control", "no-store"),
            ],
        )

    @route("/my/fidelite/privacy/erase", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_erase(self, reason=None, confirm=None, **kw):
        if not confirm:
            return request.redirect("/my/fidelite/privacy")
        reason = (reason or "").strip()[:MAX_REASON]
        # portal route: the member files a request and a task for a manager, records they do not read
        request.env["fidelite.erasure.request"].sudo()._fidelite_request(self._fidelite_partner(), reason)
        return request.redirect("/my/fidelite/privacy?sent=1")
