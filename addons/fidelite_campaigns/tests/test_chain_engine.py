from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..services import scheduler
from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestChainEngine(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls._member("Alice Martin")
        cls.bruno = cls._member("Bruno Petit")
        cls.chloe = cls._member("Chloe Durand")

    def test_segment_entry_delay_and_children(self):
        segment = self._segment(self.alice | self.bruno)
        chain, (first, second) = self._chain(
            [{"delay": 0}, {"parent": 0, "delay": 3, "action": "sms", "sms_body": "Hello {{ object.name }}"}],
            segment_id=segment.id,
        )
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(chain.participant_ids.partner_id, self.alice | self.bruno, "the segment, not Chloe")
        sent = self._traces(chain, step_id=first.id)
        self.assertEqual(set(sent.mapped("state")), {"sent"})
        self.assertTrue(all(sent.mail_mail_id), "an e-mail queued for each member")
        self.assertIn("We miss you, Alice Martin", sent.mail_mail_id.mapped("subject"))
        waiting = self._traces(chain, step_id=second.id)
        self.assertEqual(waiting.mapped("state"), ["scheduled"] * 2)
        self.assertEqual(chain.participant_ids.current_step_id, first, "the last step run")
        Participant = self.env["fidelite.chain.participant"]
        self.assertEqual(Participant.search([("current_step_id", "=", first.id)]), chain.participant_ids)
        self.assertEqual(waiting[0].scheduled_at, self.t0 + timedelta(days=3))
        self._run(chain, self.t0 + timedelta(days=2))
        self.assertEqual(waiting.mapped("state"), ["scheduled"] * 2, "not before the delay")
        self._run(chain, self.t0 + timedelta(days=3))
        self.assertEqual(waiting.mapped("state"), ["sent"] * 2)
        self.assertEqual(
            sorted(self.env["sms.sms"].search([("uuid", "in", waiting.mapped("sms_uuid"))]).mapped("body")),
            ["Hello Alice Martin", "Hello Bruno Petit"],
        )
        self.assertEqual(set(chain.participant_ids.mapped("state")), {"done"})
        self.assertEqual(chain.participant_ids.current_step_id, second)
        self.assertFalse(Participant.search([("current_step_id", "=", first.id)]))
        # Entering again adds nobody (re-entry: once)
        self._run(chain, self.t0 + timedelta(days=4))
        self.assertEqual(len(chain.participant_ids), 2)

    def test_domain_target(self):
        chain, _steps = self._chain([{}], domain=f"[('id', '=', {self.chloe.id})]")
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(chain.participant_ids.partner_id, self.chloe)

    def test_birthday_trigger(self):
        self.alice.birthdate = date(1990, 3, 2)
        self.bruno.birthdate = date(1985, 7, 14)
        chain, _steps = self._chain([{}], trigger="birthday", reentry="yearly")
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(chain.participant_ids.partner_id, self.alice)
        self.assertEqual(chain.participant_ids.entry_key, "bday:2026")
        self._run(chain, self.t0 + timedelta(hours=5))
        self.assertEqual(len(chain.participant_ids), 1, "once on the day")
        self._run(chain, self.t0.replace(year=2027))
        self.assertEqual(len(chain.participant_ids), 2, "again the next year")

    def test_last_visit_and_no_purchase_triggers(self):
        Kpi = self.env["fidelite.member.kpi"]
        Kpi.create({"partner_id": self.alice.id, "company_id": self.company.id, "last_visit": date(2026, 2, 20)})
        Kpi.create({"partner_id": self.bruno.id, "company_id": self.company.id, "last_visit": date(2025, 6, 1)})
        after_visit, _steps = self._chain([{}], trigger="last_visit", trigger_days=10)
        idle, _steps = self._chain([{}], trigger="no_purchase", trigger_days=180)
        (after_visit | idle).action_start()
        self._run(after_visit | idle, self.t0)
        self.assertEqual(after_visit.participant_ids.partner_id, self.alice)
        self.assertEqual(idle.participant_ids.partner_id, self.bruno)

    def test_enrolment_trigger_and_every_time_reentry(self):
        chain, _steps = self._chain([{"action": "wait", "delay": 1}], trigger="enrolment", reentry="always")
        chain.action_start()
        with self.subTest("members enrolled before the chain started do not enter"):
            self._run(chain, self.t0)
        newcomer = self._member("Denis Newcomer")
        newcomer.fidelite_member_since = self.t0.date()
        self._run(chain, self.t0 + timedelta(hours=1))
        self.assertIn(newcomer, chain.participant_ids.partner_id)
        count = len(chain.participant_ids)
        self._run(chain, self.t0 + timedelta(hours=2))
        self.assertEqual(len(chain.participant_ids), count, "the same event never enters twice")

    def test_reward_redeemed_trigger(self):
        chain, _steps = self._chain([{}], trigger="reward_redeemed", reentry="always")
        chain.action_start()
        self._run(chain, self.t0)
        self.assertFalse(chain.participant_ids)
        program = self.env["loyalty.program"].create({"name": "Club", "program_type": "loyalty"})
        card = self.env["loyalty.card"].create({"program_id": program.id, "partner_id": self.bruno.id})
        reward = program.reward_ids[:1] or self.env["loyalty.reward"].create(
            {"program_id": program.id, "reward_type": "discount", "discount": 5, "required_points": 10}
        )
        self.env["fidelite.reward.redemption"].create(
            {
                "reward_id": reward.id,
                "card_id": card.id,
                "partner_id": self.bruno.id,
                "company_id": self.company.id,
                "channel": "backoffice",
                "date": self.t0 + timedelta(minutes=30),
            }
        )
        self._run(chain, self.t0 + timedelta(hours=1))
        self.assertEqual(chain.participant_ids.partner_id, self.bruno)

    def test_branches_on_email_outcomes(self):
        segment = self._segment(self.alice | self.bruno | self.chloe)
        chain, (mail, opened, not_opened, clicked) = self._chain(
            [
                {},
                {"parent": 0, "delay": 2, "condition": "opened", "action": "wait"},
                {"parent": 0, "delay": 2, "condition": "not_opened", "action": "sms", "sms_body": "Did you see it?"},
                {"parent": 0, "delay": 2, "condition": "clicked", "action": "wait"},
            ],
            segment_id=segment.id,
        )
        chain.action_start()
        self._run(chain, self.t0)
        first = self._traces(chain, step_id=mail.id)
        by_partner = {t.partner_id: t for t in first}
        by_partner[self.alice].mailing_trace_id.set_opened()
        by_partner[self.bruno].mailing_trace_id.set_opened()
        by_partner[self.bruno].mailing_trace_id.set_clicked()
        self._run(chain, self.t0 + timedelta(days=2))
        taken = {
            step: self._traces(chain, step_id=step.id, state=state).partner_id
            for step, state in [(opened, "done"), (not_opened, "sent"), (clicked, "done")]
        }
        self.assertEqual(taken[opened], self.alice | self.bruno)
        self.assertEqual(taken[not_opened], self.chloe)
        self.assertEqual(taken[clicked], self.bruno)
        self.assertEqual(
            self._traces(chain, step_id=clicked.id, state="cancelled").mapped("skip_reason"), ["branch", "branch"]
        )
        self.assertEqual(by_partner[self.bruno].outcome, "clicked")

    def test_bounced_branch(self):
        chain, (mail, bounced) = self._chain(
            [
                {},
                {
                    "parent": 0,
                    "delay": 1,
                    "condition": "bounced",
                    "action": "postal",
                    "letter_text": "Dear {{ object.name }}",
                },
            ],
            domain=f"[('id', '=', {self.alice.id})]",
        )
        chain.action_start()
        self._run(chain, self.t0)
        self._traces(chain, step_id=mail.id).mailing_trace_id.set_bounced()
        self._run(chain, self.t0 + timedelta(days=1))
        letter = self._traces(chain, step_id=bounced.id)
        self.assertEqual(letter.state, "sent")
        self.assertIn(b"Dear Alice Martin", __import__("base64").b64decode(letter.postal_batch_id.csv_file))

    def test_purchase_branches(self):
        category = self.env["product.category"].create({"name": "Groceries"})
        product = self.env["product.product"].create({"name": "Coffee", "list_price": 30.0, "categ_id": category.id})
        chain, (letter, bought, not_bought) = self._chain(
            [
                {"action": "postal", "letter_text": "Come back"},
                {"parent": 0, "condition": "purchased", "condition_days": 21, "action": "wait"},
                {
                    "parent": 0,
                    "condition": "not_purchased",
                    "condition_days": 21,
                    "action": "sms",
                    "sms_body": "-10% for you",
                },
            ],
            domain=f"[('id', 'in', {[self.alice.id, self.bruno.id]})]",
            conversion_days=21,
        )
        chain.action_start()
        self._run(chain, self.t0)
        order = self.env["sale.order"].create(
            {"partner_id": self.alice.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})]}
        )
        order.action_confirm()
        order.date_order = self.t0 + timedelta(days=5)
        self._run(chain, self.t0 + timedelta(days=20))
        self.assertEqual(self._traces(chain, step_id=bought.id).mapped("state"), ["scheduled"] * 2, "window not over")
        self._run(chain, self.t0 + timedelta(days=21))
        self.assertEqual(self._traces(chain, step_id=bought.id, state="done").partner_id, self.alice)
        self.assertEqual(self._traces(chain, step_id=not_bought.id, state="sent").partner_id, self.bruno)
        chain.action_update_results()
        letter_trace = self._traces(chain, step_id=letter.id, partner_id=self.alice.id)
        self.assertTrue(letter_trace.converted)
        self.assertAlmostEqual(letter_trace.attributed_revenue, order.amount_total)
        self.assertAlmostEqual(chain.revenue, order.amount_total)
        self.assertGreater(chain.cost, 0)

    def test_call_outcome_branch(self):
        manager = self.env["res.users"].create({"name": "Store manager", "login": "store_manager_campaign"})
        self.bruno.user_id = manager
        chain, (call, interested, no_answer) = self._chain(
            [
                {"action": "phone", "call_note": "Offer the new card"},
                {
                    "parent": 0,
                    "condition": "call_outcome",
                    "call_outcome": "interested",
                    "action": "points",
                    "points": 50,
                },
                {
                    "parent": 0,
                    "condition": "call_outcome",
                    "call_outcome": "no_answer",
                    "action": "sms",
                    "sms_body": "We tried to call",
                },
            ],
            domain=f"[('id', '=', {self.bruno.id})]",
        )
        chain.action_start()
        self._run(chain, self.t0)
        trace = self._traces(chain, step_id=call.id)
        self.assertEqual(trace.activity_id.user_id, manager, "the member's salesperson calls")
        self._run(chain, self.t0 + timedelta(days=1))
        self.assertEqual(self._traces(chain, step_id=no_answer.id).state, "scheduled", "waits for the agent")
        trace.activity_id.fidelite_call_outcome = "no_answer"
        trace.activity_id.action_done()
        self.assertEqual(trace.call_outcome, "no_answer")
        self._run(chain, self.t0 + timedelta(days=2))
        self.assertEqual(self._traces(chain, step_id=no_answer.id).state, "sent")
        self.assertEqual(self._traces(chain, step_id=interested.id).state, "cancelled")

    def test_complaint_rate(self):
        chain, (call,) = self._chain(
            [{"action": "phone", "call_note": "Remind the service"}],
            domain=f"[('id', 'in', {[self.alice.id, self.bruno.id]})]",
        )
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(chain.complaint_rate, 0)
        trace = self._traces(chain, step_id=call.id, partner_id=self.alice.id)
        trace.activity_id.fidelite_call_outcome = "complained"
        trace.activity_id.action_done()
        chain.invalidate_recordset(["complaint_rate"])
        self.assertEqual(chain.complaint_rate, 50.0, "one member of the two called complained")

    def test_points_step_through_the_ledger(self):
        program = self.env["loyalty.program"].create({"name": "Club", "program_type": "loyalty"})
        card = self.env["loyalty.card"].create({"program_id": program.id, "partner_id": self.alice.id})
        chain, _steps = self._chain(
            [{"action": "points", "points": 25}], domain=f"[('id', 'in', {[self.alice.id, self.bruno.id]})]"
        )
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(card.points, 25)
        self.assertEqual(self._traces(chain, partner_id=self.alice.id).points_move_id.points, 25)
        self.assertEqual(self._traces(chain, partner_id=self.bruno.id).skip_reason, "no_card")

    def test_pause_and_resume(self):
        chain, (_first, second) = self._chain([{}, {"parent": 0, "delay": 1}], domain=f"[('id', '=', {self.alice.id})]")
        chain.action_start()
        self._run(chain, self.t0)
        chain.action_pause()
        self._run(chain, self.t0 + timedelta(days=2))
        later = self._traces(chain, step_id=second.id)
        self.assertEqual(later.state, "scheduled", "a paused chain sends nothing")
        chain.action_resume()
        self._run(chain, self.t0 + timedelta(days=3))
        self.assertEqual(later.state, "sent")

    def test_edit_running_chain(self):
        chain, (_first, second, third) = self._chain(
            [{}, {"parent": 0, "delay": 2}, {"parent": 1, "delay": 2}], domain=f"[('id', '=', {self.alice.id})]"
        )
        chain.action_start()
        self._run(chain, self.t0)
        waiting = self._traces(chain, step_id=second.id)
        second.delay = 10
        self.assertEqual(waiting.scheduled_at, self.t0 + timedelta(days=2), "the participant keeps its plan")
        second.unlink()
        self.assertEqual(waiting.state, "cancelled")
        self.assertEqual(waiting.skip_reason, "step_removed")
        participant = chain.participant_ids
        self.assertEqual(participant.state, "done")
        self.assertEqual(participant.end_reason, "Step removed from the chain")
        self.assertFalse(third.exists(), "its sub-steps go with it")

    def test_dry_run_sends_nothing(self):
        self.bruno._fidelite_set_consent("sms", False, "form")
        chain, _steps = self._chain(
            [{}, {"parent": 0, "delay": 3, "action": "sms", "sms_body": "Hi {{ object.name }}"}],
        )
        mails_before = self.env["mail.mail"].search_count([])
        wizard = self.env["fidelite.chain.dry.run"].create(
            {"chain_id": chain.id, "partner_id": self.bruno.id, "start": self.t0}
        )
        plan = wizard._plan()
        self.assertEqual(len(plan), 2)
        self.assertIn("2026-03-02 10:00:00", plan[0])
        self.assertIn("We miss you, Bruno Petit", plan[0])
        self.assertIn("2026-03-05 10:00:00", plan[1])
        self.assertIn("No consent", plan[1])
        self.assertIn("Bruno Petit", wizard.result)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertFalse(chain.participant_ids)

    def test_variant_split_is_stable(self):
        members = self.env["res.partner"]
        for index in range(60):
            members |= self._member(f"Member {index}", consents=("email",))
        chain, (_first, variant_a, variant_b) = self._chain(
            [
                {"action": "wait"},
                {"parent": 0, "delay": 1, "variant_name": "A", "variant_share": 50},
                {"parent": 0, "delay": 7, "variant_name": "B", "variant_share": 50},
            ],
            domain=f"[('id', 'in', {members.ids})]",
        )
        chain.action_start()
        self._run(chain, self.t0)
        group_a = self._traces(chain, step_id=variant_a.id).partner_id
        group_b = self._traces(chain, step_id=variant_b.id).partner_id
        self.assertEqual(group_a | group_b, members, "everyone gets one variant")
        self.assertFalse(group_a & group_b)
        self.assertTrue(15 < len(group_a) < 45, "about half each")
        for partner in members:
            expected = "A" if scheduler.stable_bucket("variant", chain.id, partner.id) < 5000 else "B"
            self.assertEqual(partner in group_a, expected == "A")

    def test_control_group_gets_nothing(self):
        members = self.env["res.partner"]
        for index in range(40):
            members |= self._member(f"Member {index}", consents=("email",))
        chain, _steps = self._chain([{}], domain=f"[('id', 'in', {members.ids})]", control_share=25)
        chain.action_start()
        self._run(chain, self.t0)
        control = chain.participant_ids.filtered("is_control")
        self.assertTrue(control, "some members are held out")
        self.assertEqual(set(control.mapped("state")), {"control"})
        self.assertFalse(self._traces(chain).filtered(lambda t: t.partner_id in control.partner_id))
        self.assertEqual(len(self._traces(chain, state="sent")), 40 - len(control))
        self.assertEqual(chain.control_count, len(control))

    def test_chain_that_can_never_fire(self):
        chain = self.env["fidelite.chain"].create(
            {"name": "Empty", "trigger_ids": [Command.create({"kind": "points_expiry", "days": 0})]}
        )
        with self.assertRaisesRegex(UserError, "no first step.*number of days"):
            chain.action_start()
        chain, _steps = self._chain([{}], triggers=[])
        with self.assertRaisesRegex(UserError, "no entry trigger"):
            chain.action_start()
        chain, _steps = self._chain([{"action": "sms"}])
        with self.assertRaisesRegex(UserError, "nothing to send"):
            chain.action_start()

    def test_template_missing_a_field(self):
        # (Odoo refuses to save an e-mail template that cannot be rendered; SMS texts and letters
        # are checked when the chain starts)
        chain, _steps = self._chain(
            [{"action": "sms", "sms_body": "Your points: {{ object.fidelite_pointz }}"}, {"action": "postal"}]
        )
        with self.assertRaisesRegex(UserError, "object.fidelite_pointz.*step Step 2 has nothing to send"):
            chain.action_start()
        chain, _steps = self._chain([{"action": "postal", "letter_text": "Dear {{ object.title_name }}"}])
        with self.assertRaisesRegex(UserError, r"Step 1 uses “object.title_name” \(letter\), a field contacts do not"):
            chain.action_start()
        no_subject = self.template.copy({"subject": False})
        chain, _steps = self._chain([{"action": "sms", "sms_body": "Hi", "fallback_channel": "email"}])
        chain.step_ids.mail_template_id = no_subject
        with self.assertRaisesRegex(UserError, "e-mail template of step Step 1 has no subject"):
            chain.action_start()
        self.assertEqual(chain.state, "draft")
        # Fields and properties of contacts are fine
        chain, _steps = self._chain([{"action": "sms", "sms_body": "{{ object.name }}: {{ object.email_formatted }}"}])
        chain.action_start()
        self.assertEqual(chain.state, "running")
