import json

import requests

from odoo.tests import HttpCase

from ..services import partner_api
from .ledger_common import LedgerAssertions, make_loyalty_program

API = "/fidelite/api/v1"


class PartnerApiCase(HttpCase, LedgerAssertions):
    """A partner merchant of a program, its keys, and a member's card, called over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env, name="Cœur de ville", fidelite_point_value=0.05)
        cls.merchant = cls.env["fidelite.partner.merchant"].create(
            {
                "name": "Librairie du Centre",
                "partner_id": cls.env["res.partner"].create({"name": "Librairie du Centre SARL"}).id,
                "program_id": cls.program.id,
                "points_per_unit": 1.0,
                "issue_point_value": 0.04,
                "redeem_point_value": 0.05,
            }
        )
        cls.key, _record = partner_api.new_key(cls.merchant, "till", partner_api.SCOPES)
        cls.earn_only_key, _record = partner_api.new_key(cls.merchant, "earn only", ("earn",))
        cls.member = cls.env["res.partner"].create({"name": "Maëlle Roux"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "CV0000001"}
        )

    def call(self, method, path, body=None, key=None, idempotency_key=None, raw=None, headers=None, session=None):
        if session is None:
            self.env.flush_all()  # the server's request reads the database, not this test's cache
        headers = dict(headers or {})
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        if session is None:
            response = self.url_open(f"{API}{path}", data=data, headers=headers, method=method, allow_redirects=False)
        else:  # from another thread, inside allow_requests()
            response = session.request(method, self.base_url() + API + path, data=data, headers=headers, timeout=60)
        return response.status_code, response.json()

    def new_session(self):
        session = requests.Session()
        session.cookies.update(self.opener.cookies)
        return session

    def earn(self, amount, idempotency_key, card="CV0000001", **kwargs):
        return self.call("POST", "/earn", {"card": card, "amount": amount}, idempotency_key=idempotency_key, **kwargs)

    def burn(self, points, idempotency_key, card="CV0000001", **kwargs):
        return self.call("POST", "/burn", {"card": card, "points": points}, idempotency_key=idempotency_key, **kwargs)
