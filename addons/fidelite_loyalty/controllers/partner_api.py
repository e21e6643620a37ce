"""HTTP routes of the partner merchants' API (``services/partner_api.py`` does the work).

Plain REST with JSON bodies, ``Authorization: Bearer <key>`` and ``Idempotency-Key`` headers,
as a merchant's till or web shop expects; described by ``api/openapi.json``.
"""

import json
from pathlib import Path

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..services import partner_api
from ..services.partner_api import ApiError

OPENAPI = Path(__file__).resolve().parent.parent / "api" / "openapi.json"
BASE = "/fidelite/api/v1"


class PartnerApi(http.Controller):
    def _env(self):
        # partner API: the caller is a merchant's key, not a user; what it may do is checked by
        # authenticate (key, scope, limits) and by the merchant's program in each operation
        return request.env(user=SUPERUSER_ID)

    def _answer(self, status, body):
        return request.make_json_response(body, status=status)

    def _answer_text(self, status, text):
        """Send an answer already serialized (the one recorded with an earn or burn)."""
        return request.make_response(text, headers=[("Content-Type", "application/json; charset=utf-8")], status=status)

    def _error(self, error):
        response = self._answer(error.status, error.body())
        if error.retry_after:
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    def _merchant(self, scope):
        return partner_api.authenticate(self._env(), request.httprequest.headers.get("Authorization"), scope)

    @http.route(f"{BASE}/openapi.json", type="http", auth="none", methods=["GET"], csrf=False, save_session=False)
    def openapi(self):
        return request.make_response(
            OPENAPI.read_bytes(), headers=[("Content-Type", "application/json"), ("Cache-Control", "max-age=3600")]
        )

    @http.route(
        f"{BASE}/cards/<string:identifier>",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=False,  # counts the call (the key's limits), records a failed look-up
    )
    def card(self, identifier):
        try:
            merchant, key_id = self._merchant("lookup")
            return self._answer(200, partner_api.lookup(merchant, identifier, key_id))
        except ApiError as error:
            return self._error(error)

    @http.route(
        f"{BASE}/earn", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False
    )
    def earn(self):
        return self._operation("earn")

    @http.route(
        f"{BASE}/burn", type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False
    )
    def burn(self):
        return self._operation("burn")

    def _operation(self, operation):
        try:
            merchant, key_id = self._merchant(operation)
            try:
                payload = json.loads(request.httprequest.get_data() or b"null")
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError(422, "invalid_request", "The body is not valid JSON.") from error
            status, text = partner_api.call(
                merchant, operation, request.httprequest.headers.get("Idempotency-Key"), payload, key_id
            )
            return self._answer_text(status, text)
        except ApiError as error:
            return self._error(error)
