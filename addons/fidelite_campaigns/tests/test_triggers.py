from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.services import ledger

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestTriggers(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls._member("Alice Trigger")
        cls.bruno = cls._member("Bruno Trigger")
        cls.chloe = cls._member("Chloe Trigger")
        cls.gift_program = cls.env["loyalty.program"].create({"name": "Gift cards", "program_type": "gift_card"})

    def _gift_card(self, partner, amount, code):
        card = self.env["loyalty.card"].create({"program_id": self.gift_program.id, "partner_id": partner.id})
        card.code = code
        ledger.post(card, amount, "earn", key=f"test-sale-{code}", date=self.t0 - timedelta(days=30))
        return card

    def _spend(self, card, amount, when):
        return ledger.post(card, -amount, "redeem", key=f"test-spend-{card.code}-{when}", date=when)

    def test_gift_card_nearly_empty(self):
        chain, _steps = self._chain([{}], trigger="gift_card_low", trigger_amount=15.0, reentry="always")
        chain.action_start()
        alice_card = self._gift_card(self.alice, 50.0, "GC-ALICE")
        bruno_card = self._gift_card(self.bruno, 50.0, "GC-BRUNO")
        chloe_card = self._gift_card(self.chloe, 10.0, "GC-CHLOE")
        self._run(chain, self.t0)
        self.assertFalse(chain.participant_ids, "no spend yet")
        self._spend(alice_card, 40.0, self.t0 + timedelta(minutes=10))  # 50 -> 10: under 15
        self._spend(bruno_card, 20.0, self.t0 + timedelta(minutes=20))  # 50 -> 30: still above
        self._spend(chloe_card, 5.0, self.t0 + timedelta(minutes=30))  # 10 -> 5: was already under
        self._run(chain, self.t0 + timedelta(hours=1))
        self.assertEqual(chain.participant_ids.partner_id, self.alice)
        move = self.env["fidelite.points.move"].search([("card_id", "=", alice_card.id), ("points", "<", 0)])
        self.assertEqual(chain.participant_ids.entry_key, f"giftcard:{move.id}")
        self.assertEqual(self._traces(chain).state, "sent", "the chain's first e-mail goes to Alice")
        self._spend(bruno_card, 20.0, self.t0 + timedelta(hours=2))  # 30 -> 10
        self._run(chain, self.t0 + timedelta(hours=3))
        self.assertEqual(chain.participant_ids.partner_id, self.alice | self.bruno)
        self._run(chain, self.t0 + timedelta(hours=4))
        self.assertEqual(len(chain.participant_ids), 2, "one entry per spend")

    def test_survey_answered(self):
        survey = self.env["survey.survey"].create({"title": "Your last visit"})
        other = self.env["survey.survey"].create({"title": "Our new store"})
        chain, _steps = self._chain([{}], trigger="survey_answered", trigger_survey_id=survey.id)
        chain.action_start()
        self._run(chain, self.t0)
        answers = {}
        for partner, answered in [(self.alice, survey), (self.bruno, other), (self.chloe, survey)]:
            answers[partner] = answered._create_answer(partner=partner, check_attempts=False)
        answers[self.alice]._mark_done()
        answers[self.bruno]._mark_done()
        # Chloe started the survey but did not finish it
        for answer in (answers[self.alice], answers[self.bruno]):
            answer.end_datetime = self.t0 + timedelta(minutes=15)
        self._run(chain, self.t0 + timedelta(hours=1))
        self.assertEqual(chain.participant_ids.partner_id, self.alice, "this survey only, answered to the end")
        self.assertEqual(chain.participant_ids.entry_key, f"survey:{answers[self.alice].id}")

    def test_several_triggers_on_one_chain(self):
        """A birthday (a date) and a gift card running low (an event) both bring members in."""
        self.alice.birthdate = date(1990, 3, 2)
        self.bruno.birthdate = date(1990, 3, 2)
        chain, _steps = self._chain(
            [{}],
            triggers=[{"kind": "birthday"}, {"kind": "gift_card_low", "amount": 15.0}],
            reentry="always",
        )
        self.assertEqual(set(chain.trigger_ids.mapped("timing")), {"date", "event"})
        chain.action_start()
        bruno_card = self._gift_card(self.bruno, 50.0, "GC-BRUNO2")
        chloe_card = self._gift_card(self.chloe, 50.0, "GC-CHLOE2")
        self._spend(bruno_card, 45.0, self.t0 - timedelta(hours=2))
        self._spend(chloe_card, 45.0, self.t0 - timedelta(hours=1))
        self._run(chain, self.t0)
        entries = {p.partner_id: p.entry_key for p in chain.participant_ids}
        self.assertEqual(set(entries), {self.alice, self.bruno, self.chloe})
        self.assertEqual(entries[self.alice], "bday:2026")
        self.assertTrue(entries[self.chloe].startswith("giftcard:"))
        self.assertEqual(len(chain.participant_ids), 3, "Bruno, brought by both, enters once")
        self.assertEqual(len(self._traces(chain, state="sent")), 3)

    def test_trigger_names_and_problems(self):
        chain = self.env["fidelite.chain"].create(
            {
                "name": "Triggers",
                "trigger_ids": [
                    Command.create({"kind": "last_visit", "days": 30}),
                    Command.create({"kind": "gift_card_low", "amount": 0}),
                    Command.create({"kind": "fixed_date"}),
                ],
            }
        )
        self.assertEqual(chain.trigger_ids[0].display_name, "30 days after the last visit")
        self.env["fidelite.chain.step"].create(
            {"chain_id": chain.id, "name": "Hello", "mail_template_id": self.template.id}
        )
        with self.assertRaisesRegex(UserError, "gift card trigger needs a balance.*fixed date trigger needs a date"):
            chain.action_start()
