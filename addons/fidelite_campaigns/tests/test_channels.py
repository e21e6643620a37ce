import base64
import io
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo.tests import tagged

from .common import CampaignCase
from .gateways import HttpSmsGateway, SmtpSink, SoapSmsGateway


@tagged("post_install", "-at_install")
class TestChannels(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls._member("Alice Channel")
        cls.bruno = cls._member("Bruno Channel")
        cls.members = cls.alice | cls.bruno
        cls.company.write({"fidelite_sms_backoff": 0.05, "fidelite_sms_attempts": 3})

    def _sms_run(self, body="Your offer, {{ object.name }}"):
        chain, _steps = self._chain([{"action": "sms", "sms_body": body}], domain=f"[('id', 'in', {self.members.ids})]")
        chain.action_start()
        self._run(chain, self.t0)
        traces = self._traces(chain)
        sms = self.env["sms.sms"].search([("uuid", "in", traces.mapped("sms_uuid"))])
        self.assertEqual(len(sms), 2)
        return traces, sms

    def test_email_reaches_smtp_server(self):
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        self.env["ir.mail_server"].create(
            {"name": "Sink", "smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_encryption": "none"}
        )
        chain, _steps = self._chain([{}], domain=f"[('id', 'in', {self.members.ids})]")
        chain.action_start()
        self._run(chain, self.t0)
        mails = self._traces(chain).mail_mail_id
        with patch.object(type(self.env["ir.mail_server"]), "_disable_send", return_value=False):
            mails.send()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(sorted(rcpt for m in sink.messages for rcpt in m["to"]), sorted(self.members.mapped("email")))
        data = next(m["data"] for m in sink.messages if self.alice.email in m["to"])
        self.assertIn("We miss you, Alice Channel", data)
        self.assertIn("/mail/track/", data, "the open pixel of Odoo's mailing traces")
        self.assertEqual(set(self._traces(chain).mailing_trace_id.mapped("trace_status")), {"sent"})

    def test_http_gateway_with_retries(self):
        gateway = HttpSmsGateway().start()
        self.addCleanup(gateway.stop)
        self.company.write(
            {
                "fidelite_sms_gateway": "http",
                "fidelite_sms_url": gateway.url,
                "fidelite_sms_auth_header": "Bearer s3cret",
            }
        )
        traces, sms = self._sms_run()
        gateway.failures = ["error", "error"]  # the first message needs three attempts
        sms.send(unlink_sent=False)
        self.assertEqual(set(sms.mapped("state")), {"pending"}, "accepted, waiting for the delivery receipt")
        self.assertEqual(len(gateway.requests), 4)
        self.assertEqual(sorted(gateway.accepted), sorted(sms.mapped("uuid")), "each message once")
        request = gateway.requests[-1]
        self.assertEqual(request["headers"]["Idempotency-Key"], request["payload"]["reference"])
        self.assertEqual(
            {text for _number, text in gateway.accepted.values()},
            {"Your offer, Alice Channel", "Your offer, Bruno Channel"},
        )
        self.assertEqual(set(traces.mapped("state")), {"sent"})

    def test_http_gateway_down_then_back(self):
        gateway = HttpSmsGateway().start()
        self.addCleanup(gateway.stop)
        self.company.write(
            {
                "fidelite_sms_gateway": "http",
                "fidelite_sms_url": gateway.url,
                "fidelite_sms_auth_header": "Bearer s3cret",
            }
        )
        traces, sms = self._sms_run()
        gateway.failures = ["error"] * 6  # every attempt of both messages fails
        sms.send(unlink_sent=False)
        self.assertEqual(set(sms.mapped("state")), {"error"})
        self.assertTrue(all(sms.mapped("fidelite_retry_at")), "kept for a later retry")
        self.assertEqual(set(traces.mapped("state")), {"sent"}, "not lost: still on its way")
        self.assertFalse(gateway.accepted)
        sms.write({"fidelite_retry_at": self.t0})
        self.assertEqual(self.env["sms.sms"]._cron_fidelite_retry(), 2)
        self.assertEqual(sorted(gateway.accepted), sorted(sms.mapped("uuid")))
        self.assertEqual(set(sms.mapped("fidelite_retries")), {1})

    def test_http_gateway_timeout_is_not_duplicated(self):
        gateway = HttpSmsGateway().start()
        self.addCleanup(gateway.stop)
        self.company.write(
            {
                "fidelite_sms_gateway": "http",
                "fidelite_sms_url": gateway.url,
                "fidelite_sms_auth_header": "Bearer s3cret",
                "fidelite_sms_timeout": 10,
            }
        )
        _traces, sms = self._sms_run()
        gateway.failures = ["slow"]  # the gateway takes the first message, but answers too late
        sms.send(unlink_sent=False)
        self.assertEqual(set(sms.mapped("state")), {"pending"}, "accepted, waiting for the delivery receipt")
        self.assertEqual(len(gateway.requests), 3, "the timed-out message was sent again...")
        self.assertEqual(len(gateway.accepted), 2, "...and the gateway kept it once (same reference)")

    def test_soap_gateway_with_fault(self):
        gateway = SoapSmsGateway().start()
        self.addCleanup(gateway.stop)
        self.company.write({"fidelite_sms_gateway": "soap", "fidelite_sms_wsdl": gateway.wsdl_url})
        _traces, sms = self._sms_run(body="Soap for {{ object.name }}")
        gateway.failures = ["error"]
        sms.send(unlink_sent=False)
        self.assertEqual(set(sms.mapped("state")), {"pending"}, "accepted, waiting for the delivery receipt")
        self.assertEqual(len(gateway.requests), 3, "a fault, then the retry, then the second message")
        self.assertIn(b"SendSms", gateway.requests[0]["body"])
        self.assertEqual(sorted(gateway.accepted), sorted(sms.mapped("uuid")))
        self.assertIn(("Soap for Bruno Channel"), {text for _number, text in gateway.accepted.values()})

    def test_phone_activity_and_postal_batch(self):
        chain, (call, letter) = self._chain(
            [
                {"action": "phone", "call_note": "Invite to the private sale"},
                {"action": "postal", "letter_text": "Dear {{ object.name }}"},
            ],
            domain=f"[('id', 'in', {self.members.ids})]",
        )
        self.bruno.street = False
        chain.action_start()
        self._run(chain, self.t0)
        calls = self._traces(chain, step_id=call.id)
        self.assertEqual(len(calls.activity_id), 2)
        letters = self._traces(chain, step_id=letter.id)
        self.assertEqual(
            self._traces(chain, step_id=letter.id, partner_id=self.bruno.id).skip_reason, "invalid_address"
        )
        batch = letters.postal_batch_id
        self.assertEqual(batch.letter_count, 1)
        content = base64.b64decode(batch.csv_file).decode()
        self.assertIn("Alice Channel;1 rue de la Paix", content)
        self.assertNotIn("Bruno", content)
        pdf = PdfReader(io.BytesIO(base64.b64decode(batch.pdf_file)))
        self.assertEqual(len(pdf.pages), 1, "one page per letter")
        text = pdf.pages[0].extract_text()
        self.assertIn("Dear Alice Channel", text)
        self.assertIn("1 rue de la Paix", text)
        self.assertIn("75002 Paris", text)
        self.assertTrue(batch.pdf_filename.endswith(".pdf"))

    def test_postal_addresses_validated(self):
        self.company.country_id = self.env.ref("base.fr")
        us = self.env.ref("base.us")
        carla = self._member("Carla Postal")
        dora = self._member("Dora Postal", country_id=us.id, zip="10001", city="New York", street="5th Avenue")
        eric = self._member("Eric Postal", zip="Paris")
        fanny = self._member("Fanny Postal", country_id=us.id, zip="10001", city="New York", street="5th Avenue")
        fanny.state_id = self.env.ref("base.state_us_27")
        chain, _steps = self._chain(
            [{"action": "postal", "letter_text": "Dear {{ object.name }},\n\nA gift awaits you."}],
            domain=f"[('id', 'in', {(carla | dora | eric | fanny).ids})]",
        )
        chain.action_start()
        self._run(chain, self.t0)
        reasons = {t.partner_id: (t.state, t.skip_reason) for t in self._traces(chain)}
        self.assertEqual(reasons[carla], ("sent", False))
        self.assertEqual(reasons[dora], ("skipped", "invalid_address"), "the United States need a state")
        self.assertEqual(reasons[eric], ("skipped", "invalid_address"), "a postcode without digits")
        self.assertEqual(reasons[fanny], ("sent", False))
        batch = self._traces(chain, state="sent").postal_batch_id
        self.assertEqual(batch.letter_count, 2)
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(base64.b64decode(batch.pdf_file))).pages]
        self.assertEqual(len(pages), 2)
        fanny_page = next(page for page in pages if "Fanny Postal" in page)
        self.assertIn("United States", fanny_page, "abroad, the country is printed")
        self.assertIn("A gift awaits you.", fanny_page)
