"""Attacks on the SMS gateway's delivery-receipt webhook, over real HTTP."""

import json

from odoo.tests import HttpCase

from odoo.addons.fidelite_campaigns.tests.common import CampaignCase

TOKEN = "gateway-shared-secret-1234"


class TestAttackSmsWebhook(HttpCase, CampaignCase):
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_campaigns"

    def setUp(self):
        super().setUp()
        self.company.fidelite_sms_webhook_token = TOKEN
        members = self._member("Alice Webhook") | self._member("Bruno Webhook")
        sms_chain, _steps = self._chain(
            [{"action": "sms", "sms_body": "Offer"}], domain=f"[('id', 'in', {members.ids})]"
        )
        mail_chain, _steps = self._chain([{}], domain=f"[('id', 'in', {members.ids})]")
        for chain in (sms_chain, mail_chain):
            chain.action_start()
            self._run(chain, self.t0)
        self.sms_traces = self._traces(sms_chain)
        self.mail_traces = self._traces(mail_chain)
        self.traces = self.sms_traces | self.mail_traces
        self.assertEqual(len(self.sms_traces), 2)
        self.assertTrue(all(self.sms_traces.mapped("sms_uuid")))
        self.assertFalse(any(self.mail_traces.mapped("sms_uuid")))
        self.before = self._states()
        self.assertNotIn("failed", [state for state, _note in self.before.values()])

    def _states(self):
        self.traces.invalidate_recordset()
        return {trace.id: (trace.state, trace.note) for trace in self.traces}

    def _receipt(self, token, payload):
        return self.url_open(
            f"/fidelite_campaigns/sms/status/{token}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )

    def test_attack_sms_receipt_without_token(self):
        reference = self.sms_traces[0].sms_uuid
        for token in ("guess", TOKEN[:-1], "é" * 8):
            response = self._receipt(token, {"reference": reference, "status": "failed"})
            self.assertEqual(response.status_code, 403, token)
        self.assertEqual(self._states(), self.before)

    def test_attack_sms_receipt_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other shop", "fidelite_sms_webhook_token": "other-token-98"})
        self.assertTrue(other)
        response = self._receipt("other-token-98", {"reference": self.sms_traces[0].sms_uuid, "status": "failed"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["ignored"], "unknown reference")
        self.assertEqual(self._states(), self.before)

    def test_attack_sms_receipt_without_reference(self):
        for payload in ({"status": "failed"}, {"reference": "", "status": "failed"}, {"reference": None}, [1, 2]):
            response = self._receipt(TOKEN, payload)
            self.assertEqual(response.status_code, 200, payload)
            self.assertEqual(response.json()["ignored"], "no reference", payload)
        self.assertEqual(self._states(), self.before, "no trace (e-mail ones included) marked failed")

    def test_attack_sms_receipt_unknown_reference(self):
        response = self._receipt(TOKEN, {"reference": "00000000-not-an-sms", "status": "failed"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["ignored"], "unknown reference")
        self.assertEqual(self._states(), self.before)

    def test_attack_sms_receipt_known_reference_is_recorded(self):
        failed, kept = self.sms_traces[0], self.sms_traces[1]
        response = self._receipt(TOKEN, {"reference": failed.sms_uuid, "status": "undelivered"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"ok": True})
        after = self._states()
        self.assertEqual(after[failed.id], ("failed", "undelivered"))
        self.assertEqual(
            {k: v for k, v in after.items() if k != failed.id}, {k: v for k, v in self.before.items() if k != failed.id}
        )
        self.assertEqual(after[kept.id], self.before[kept.id])
