from datetime import datetime, timedelta

from odoo.tests import tagged

from ..services import pressure
from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestPressure(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls._member("Alice Pressure")
        cls.bruno = cls._member("Bruno Pressure")
        cls.Rule = cls.env["fidelite.pressure.rule"]

    def _sms_chain(self, partners, **values):
        return self._chain([{"action": "sms", "sms_body": "Offer"}], domain=f"[('id', 'in', {partners.ids})]", **values)

    def test_sms_cap_per_year_across_chains(self):
        self.Rule.create({"name": "3 SMS a year", "channel": "sms", "max_messages": 3, "period_days": 365})
        for week in range(5):
            chain, _steps = self._sms_chain(self.alice, name=f"Operation {week}")
            chain.action_start()
            self._run(chain, self.t0 + timedelta(weeks=week))
        traces = self.env["fidelite.chain.trace"].search([("partner_id", "=", self.alice.id)], order="id")
        self.assertEqual(traces.mapped("state"), ["sent"] * 3 + ["skipped"] * 2)
        self.assertEqual(traces[3:].mapped("skip_reason"), ["pressure", "pressure"])
        # A year later the budget is back
        chain, _steps = self._sms_chain(self.alice, name="Next year")
        chain.action_start()
        self._run(chain, self.t0 + timedelta(days=366))
        self.assertEqual(self._traces(chain).state, "sent")

    def test_cap_across_channels_and_priority(self):
        self.Rule.create({"name": "2 a week", "channel": "all", "max_messages": 2, "period_days": 7})
        low, _steps = self._chain([{}], domain=f"[('id', '=', {self.alice.id})]", name="Low", priority=1)
        high, _steps = self._sms_chain(self.alice, name="High", priority=50)
        mid, _steps = self._chain(
            [{"action": "postal", "letter_text": "Letter"}],
            domain=f"[('id', '=', {self.alice.id})]",
            name="Mid",
            priority=20,
        )
        (low | high | mid).action_start()
        self._run(low | high | mid, self.t0)
        self.assertEqual(self._traces(high).state, "sent")
        self.assertEqual(self._traces(mid).state, "sent")
        self.assertEqual(self._traces(low).state, "skipped", "the least important chain gives way")
        self.assertEqual(self._traces(low).skip_reason, "pressure")

    def test_transactional_outside_budget_and_consent(self):
        self.Rule.create({"name": "none", "channel": "all", "max_messages": 0, "period_days": 7})
        self.bruno._fidelite_set_consent("email", False, "form")
        chain, _steps = self._chain([{}], domain=f"[('id', '=', {self.bruno.id})]", transactional=True)
        chain.action_start()
        self._run(chain, self.t0)
        trace = self._traces(chain)
        self.assertEqual(trace.state, "sent")
        self.assertFalse(trace.marketing)

    def test_fallback_channel_when_exhausted(self):
        self.Rule.create({"name": "1 SMS a year", "channel": "sms", "max_messages": 1, "period_days": 365})
        first, _steps = self._sms_chain(self.alice | self.bruno, name="First")
        first.action_start()
        self._run(first, self.t0)
        self.bruno._fidelite_set_consent("email", False, "form")
        second, _steps = self._chain(
            [{"action": "sms", "sms_body": "Offer", "fallback_channel": "email", "mail_template_id": self.template.id}],
            domain=f"[('id', 'in', {(self.alice | self.bruno).ids})]",
            name="Second",
        )
        second.action_start()
        self._run(second, self.t0 + timedelta(days=1))
        alice = self._traces(second, partner_id=self.alice.id)
        self.assertEqual((alice.state, alice.channel, alice.fallback), ("sent", "email", True))
        self.assertTrue(alice.mail_mail_id)
        bruno = self._traces(second, partner_id=self.bruno.id)
        self.assertEqual((bruno.state, bruno.skip_reason), ("skipped", "pressure"))

    def test_quiet_hours_postpone(self):
        self.company.write({"fidelite_quiet_start": 20.0, "fidelite_quiet_end": 9.0, "fidelite_quiet_sunday": True})
        chain, _steps = self._sms_chain(self.alice)
        chain.action_start()
        saturday_night = datetime(2026, 3, 7, 21, 30)  # 22:30 in Paris
        self._run(chain, saturday_night)
        trace = self._traces(chain)
        self.assertEqual(trace.state, "scheduled")
        # Sunday is quiet too: Monday 9:00 in Paris is 8:00 UTC
        self.assertEqual(trace.scheduled_at, datetime(2026, 3, 9, 8, 0))
        self._run(chain, datetime(2026, 3, 9, 8, 0))
        self.assertEqual(trace.state, "sent")
        self.assertIsNone(pressure.quiet_until(self.company, "email", saturday_night), "e-mails are not held")

    def test_consent_blacklist_and_stop(self):
        carla = self._member("Carla Noconsent", consents=("email",))
        dan = self._member("Dan Blacklisted")
        emma = self._member("Emma Nophone", phone=False)
        self.env["phone.blacklist"].add(dan.phone)
        self.alice._fidelite_set_consent("sms", False, "form", note="STOP")
        chain, _steps = self._sms_chain(carla | dan | emma | self.alice | self.bruno)
        chain.action_start()
        self._run(chain, self.t0)
        reasons = {t.partner_id: (t.state, t.skip_reason) for t in self._traces(chain)}
        self.assertEqual(reasons[carla], ("skipped", "no_consent"))
        self.assertEqual(reasons[dan], ("skipped", "blacklisted"))
        self.assertEqual(reasons[emma], ("skipped", "no_address"))
        self.assertEqual(reasons[self.alice], ("skipped", "no_consent"))
        self.assertEqual(reasons[self.bruno], ("sent", False))

    def test_email_blacklist(self):
        self.env["mail.blacklist"]._add(self.bruno.email)
        chain, _steps = self._chain([{}], domain=f"[('id', 'in', {(self.alice | self.bruno).ids})]")
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(self._traces(chain, partner_id=self.bruno.id).skip_reason, "blacklisted")
        self.assertEqual(self._traces(chain, partner_id=self.alice.id).state, "sent")
        # Unsubscribing after a message shows in the chain's figures
        self.env["mail.blacklist"]._add(self.alice.email)
        self.assertEqual(chain.unsubscribe_rate, 100.0)
