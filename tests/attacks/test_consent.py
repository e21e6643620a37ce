"""Attacks on consent: a member withdraws, every job runs, nothing reaches them.

Each unsubscribe path (Odoo's unsubscribe link and one-click unsubscribe over HTTP, the portal
consent page over HTTP, SMS STOP replies to the gateway webhook, the e-mail and phone blacklists)
is followed by every job: the nightly newsletter sync, a chain step due for the member and a
newsletter send. The member gets 0 ``mail.mail``/``mailing.trace``/``sms.sms``, their subscription
stays opted out and the withdrawal is in their consent history with its source. A member who did
not withdraw goes through the same jobs and is reached: the jobs did run.
"""

import json
from datetime import timedelta
from urllib.parse import urlparse

from odoo import Command, http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user

from odoo.addons.fidelite_campaigns.tests.common import CampaignCase


class ConsentAttackCase(CampaignCase, HttpCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_campaigns"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sudo().fidelite_sms_webhook_token = "consent-webhook-token"
        cls.list = cls.env["mailing.list"].create({"name": "Club newsletter", "is_public": True})
        cls.control = cls._member("Olga Control")
        cls.runs = 0

    def _subscribed_member(self, name, member=None):
        """A member with every consent, in a segment whose list the nightly sync filled."""
        member = member or self._member(name)
        segment = self._segment(member | self.control)
        segment.mailing_list_id = self.list
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        self.assertFalse(self._subscription(member).opt_out, "the sync subscribed the consenting member")
        return member

    def _subscription(self, member):
        email = member.email_normalized
        return self.list.subscription_ids.filtered(lambda sub: sub.contact_id.email_normalized == email)

    def _newsletter(self):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Our news",
                "body_html": "<p>News of the club</p>",
                "email_from": "club@comptoirs.example",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.set(self.list.ids)],
            }
        )

    def _messages_to(self, member, channel):
        if channel == "email":
            email = member.email_normalized
            return {
                "mail.mail": self.env["mail.mail"].search_count([("email_to", "ilike", email)]),
                "mailing.trace": self.env["mailing.trace"].search_count([("email", "=", email)]),
            }
        number = member.phone_sanitized
        return {
            "sms.sms": self.env["sms.sms"].search_count(["|", ("partner_id", "=", member.id), ("number", "=", number)]),
            "mailing.trace": self.env["mailing.trace"].search_count([("sms_number", "=", number)]),
        }

    def _run_every_job(self, member, channel):
        """The nightly sync, a chain step due for the member on ``channel`` and a newsletter send on it."""
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        subscription = self._subscription(member)
        if channel == "email" or subscription:
            self.assertTrue(subscription.opt_out, "the nightly sync keeps (or puts) the member who withdrew opted out")
        ConsentAttackCase.runs += 1
        step = {"action": "email"} if channel == "email" else {"action": "sms", "sms_body": "Our offer"}
        chain, _steps = self._chain(
            [step], domain=f"[('id', 'in', {(member | self.control).ids})]", name=f"Offer {self.runs}"
        )
        chain.action_start()
        self._run(chain, self.t0 + timedelta(days=self.runs))
        member_trace = self._traces(chain, partner_id=member.id)
        self.assertEqual(member_trace.state, "skipped", "the chain step skips the member who withdrew")
        self.assertEqual(self._traces(chain, partner_id=self.control.id).state, "sent", "the chain step did run")
        if channel == "email":
            self._newsletter().action_send_mail()
        else:
            self.env["mailing.mailing"].create(
                {
                    "subject": "Our SMS news",
                    "mailing_type": "sms",
                    "body_plaintext": "News of the club",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": f"[('id', 'in', {(member | self.control).ids})]",
                }
            ).action_send_sms()
        self.assertTrue(all(self._messages_to(self.control, channel).values()), "the jobs reached the control member")
        return member_trace

    def _assert_withdrawn(self, member, channel, source, subscription=True):
        self.assertEqual(self._messages_to(member, channel), dict.fromkeys(self._messages_to(member, channel), 0))
        if subscription:
            self.assertTrue(self._subscription(member).opt_out, "the subscription stays opted out")
        latest = member.fidelite_consent_ids.filtered(lambda c: c.channel == channel)[:1]
        self.assertEqual((latest.granted, latest.source), (False, source), "the withdrawal is in the consent history")
        self.assertFalse(member[f"fidelite_consent_{channel}"])

    # ------------------------------------------------------------------ e-mail
    def _unsubscribe_link(self, member, one_click=False):
        mailing = self._newsletter()
        contact = self._subscription(member).contact_id
        url = (
            mailing._get_unsubscribe_oneclick_url(member.email, contact.id)
            if one_click
            else mailing._get_unsubscribe_url(member.email, contact.id).replace("/confirm_unsubscribe", "/unsubscribe")
        )
        parsed = urlparse(url)
        path = f"{parsed.path}?{parsed.query}"
        response = self.url_open(path, data={"List-Unsubscribe": "One-Click"}) if one_click else self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()

    def test_attack_unsubscribe_link_then_nightly_sync_resubscribes(self):
        member = self._subscribed_member("Mia Unsubscribe")
        self._unsubscribe_link(member)
        self.assertTrue(self._subscription(member).opt_out, "Odoo's link opted the member out")
        self._run_every_job(member, "email")
        self._assert_withdrawn(member, "email", "mailing_unsubscribe")

    def test_attack_one_click_unsubscribe_then_jobs_send(self):
        member = self._subscribed_member("Noe Oneclick")
        self._unsubscribe_link(member, one_click=True)
        self._run_every_job(member, "email")
        self._assert_withdrawn(member, "email", "mailing_unsubscribe")

    def test_attack_portal_withdrawal_then_jobs_send(self):
        user = new_test_user(self.env, login="fid_consent_portal", groups="base.group_portal", name="Paula Portal")
        member = user.partner_id
        member.write(
            {
                "email": "paula.portal@members.example",
                "phone": "+33 6 98 765432",
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        member._fidelite_enrol()
        for channel in ("email", "sms", "postal", "phone"):
            member._fidelite_set_consent(channel, True, "form")
        self._subscribed_member("Paula Portal", member=member)
        self.authenticate(user.login, user.login)
        response = self.url_open(
            "/my/fidelite/consents",
            data={"csrf_token": http.Request.csrf_token(self), "consent_sms": "1", "consent_postal": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self._run_every_job(member, "email")
        self._assert_withdrawn(member, "email", "portal")
        self.assertEqual(member.fidelite_consent_ids.filtered(lambda c: c.channel == "email")[:1].user_id, user)

    def test_attack_email_blacklist_then_jobs_send(self):
        member = self._subscribed_member("Eva Blacklist")
        self.env["mail.blacklist"]._add(member.email)
        trace = self._run_every_job(member, "email")
        self.assertEqual(trace.skip_reason, "blacklisted")
        self._assert_withdrawn(member, "email", "email_blacklist")
        # Taking the address off the blacklist gives nothing back: only the member can
        self.env["mail.blacklist"]._remove(member.email)
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        self.assertFalse(member.fidelite_consent_email)
        self.assertTrue(self._subscription(member).opt_out)

    def test_attack_bouncing_address_then_jobs_send(self):
        member = self._subscribed_member("Bea Bounce")
        mailing = self._newsletter()
        traces = self.env["mailing.trace"].create(
            [
                {"trace_type": "mail", "trace_status": "bounce", "email": member.email_normalized,
                 "mass_mailing_id": mailing.id, "model": "mailing.contact",
                 "res_id": self._subscription(member).contact_id.id}
                for _bounce in range(5)
            ]
        )  # fmt: skip
        self.env.flush_all()
        for weeks, trace in enumerate(traces):
            self.env.cr.execute(
                "UPDATE mailing_trace SET write_date = NOW() - make_interval(weeks => %s) WHERE id = %s",
                [weeks, trace.id],
            )
        self.env["mailing.trace"].invalidate_model(["write_date"])
        member.message_bounce = 4  # Odoo's bounce routing counts the fifth
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": member.email_normalized,
                "bounced_partner": member,
                "bounced_msg_ids": [],
                "bounced_message": self.env["mail.message"],
                "body": "",
                "email_from": "MAILER-DAEMON@members.example",
                "to": "bounce@comptoirs.example",
                "message_id": "<bounce-5@members.example>",
            },
        )
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", member.email_normalized)]))
        self.env["mailing.trace"].browse(traces.ids).unlink()  # only what the jobs send is counted below
        self._run_every_job(member, "email")
        self._assert_withdrawn(member, "email", "bounce")

    # ------------------------------------------------------------------ SMS and phone
    def _inbound(self, text, number, token="consent-webhook-token"):
        response = self.url_open(
            f"/fidelite_campaigns/sms/inbound/{token}",
            data=json.dumps({"from": number, "text": text}),
            headers={"Content-Type": "application/json"},
        )
        self.env.invalidate_all()
        return response

    def test_attack_sms_stop_variants_then_jobs_send(self):
        for index, text in enumerate(["STOP", "Stop.", "ARRET", "Arrêt", "stop sms", "STOP merci"]):
            with self.subTest(text=text):
                member = self._member(f"Sam Stop {index}")
                wrong = self._inbound(text, member.phone, token="not-the-token")
                self.assertEqual(wrong.status_code, 403)
                self.assertTrue(member.fidelite_consent_sms, "a forged reply changes nothing")
                response = self._inbound(text, member.phone)
                self.assertEqual(response.status_code, 200)
                trace = self._run_every_job(member, "sms")
                self.assertIn(trace.skip_reason, ("no_consent", "blacklisted"))
                self._assert_withdrawn(member, "sms", "sms_stop", subscription=False)
                self.assertTrue(member.fidelite_consent_email, "a STOP withdraws the SMS, not the e-mails")

    def test_sms_reply_that_is_no_stop_changes_nothing(self):
        member = self._member("Theo Thanks")
        self.assertEqual(self._inbound("Merci, à samedi", member.phone).status_code, 200)
        self.assertTrue(member.fidelite_consent_sms)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", member.phone_sanitized)]))

    def test_attack_call_complaint_then_next_call(self):
        member = self._member("Carl Complaint")
        chain, _steps = self._chain([{"action": "phone", "call_note": "Offer"}], domain=f"[('id', '=', {member.id})]")
        chain.action_start()
        self._run(chain, self.t0)
        activity = self._traces(chain).activity_id
        activity.fidelite_call_outcome = "complained"
        activity.action_done()
        self.env.invalidate_all()
        latest = member.fidelite_consent_ids.filtered(lambda c: c.channel == "phone")[:1]
        self.assertEqual((latest.granted, latest.source), (False, "complaint"))
        again, _steps = self._chain(
            [{"action": "phone", "call_note": "Offer"}], domain=f"[('id', '=', {member.id})]", name="Again"
        )
        again.action_start()
        self._run(again, self.t0 + timedelta(days=1))
        self.assertEqual((self._traces(again).state, self._traces(again).skip_reason), ("skipped", "no_consent"))
        self.assertFalse(self._traces(again).activity_id)

    def test_attack_phone_blacklist_then_jobs_send(self):
        member = self._member("Pia Phone")
        self.env["phone.blacklist"].add(member.phone)
        trace = self._run_every_job(member, "sms")
        self.assertEqual(trace.skip_reason, "blacklisted")
        self._assert_withdrawn(member, "sms", "phone_blacklist", subscription=False)
        self.assertFalse(member.fidelite_consent_phone, "a blacklisted number withdraws the calls too")

    # ------------------------------------------------------------------ no job gives consent back
    def test_attack_job_regrants_withdrawn_consent(self):
        member = self._subscribed_member("Jo Regrant")
        self._unsubscribe_link(member)
        with self.assertRaises(UserError):
            member._fidelite_set_consent("email", True, "import")
        with self.assertRaises(UserError):
            member._fidelite_set_consent("email", True, "backoffice")  # no proof
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        self.assertTrue(self._subscription(member).opt_out)
        self.assertEqual(member.fidelite_consent_ids[:1].source, "mailing_unsubscribe")
        # The member (here on the portal) gives it again, after the opt-out: the sync follows
        member._fidelite_set_consent("email", True, "portal")
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        self.assertFalse(self._subscription(member).opt_out)

    def test_attack_backoffice_ticks_subscription_back(self):
        member = self._subscribed_member("Vic Backoffice")
        self._unsubscribe_link(member)
        self._subscription(member).opt_out = False  # a list user, not the member
        self.assertFalse(member.fidelite_consent_email, "ticking a list back is no consent")
        self._run_every_job(member, "email")
        self._assert_withdrawn(member, "email", "mailing_unsubscribe")

    def test_member_ticks_list_back_on_mailing_page(self):
        member = self._subscribed_member("Rita Resubscribe")
        self._unsubscribe_link(member)
        mailing = self._newsletter()
        contact = self._subscription(member).contact_id
        self.make_jsonrpc_request(
            "/mailing/list/update",
            {
                "mailing_id": mailing.id,
                "document_id": contact.id,
                "email": member.email,
                "hash_token": mailing._generate_mailing_recipient_token(contact.id, member.email),
                "lists_optin_ids": self.list.ids,
            },
        )
        self.env.invalidate_all()
        latest = member.fidelite_consent_ids.filtered(lambda c: c.channel == "email")[:1]
        self.assertEqual((latest.granted, latest.source), (True, "mailing_subscribe"))
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        self.assertFalse(self._subscription(member).opt_out, "the member's own choice stands")

    def test_backoffice_regrant_with_proof(self):
        member = self._member("Lou Proof")
        self.env["mail.blacklist"]._add(member.email)
        member._fidelite_set_consent("email", True, "backoffice", note="Signed form no. 4411")
        self.assertTrue(member.fidelite_consent_email)

    # ------------------------------------------------------------------ transactional chains and budget
    def test_attack_transactional_chain_reaches_blacklisted(self):
        member = self._member("Tia Transactional")
        self.env["mail.blacklist"]._add(member.email)
        chain, _steps = self._chain(
            [{}], domain=f"[('id', 'in', {(member | self.control).ids})]", transactional=True, name="Receipts"
        )
        chain.action_start()
        self._run(chain, self.t0)
        self.assertEqual(
            (self._traces(chain, partner_id=member.id).state, self._traces(chain, partner_id=member.id).skip_reason),
            ("skipped", "blacklisted"),
        )
        self.assertEqual(self._traces(chain, partner_id=self.control.id).state, "sent")
        self.assertEqual(self._messages_to(member, "email")["mail.mail"], 0)

    def test_attack_transactional_chain_carries_coupon(self):
        program = self.env["loyalty.program"].create({"name": "Coupon test", "program_type": "coupons"})
        chain, _steps = self._chain([{}], transactional=True, name="Receipts")
        with self.assertRaises(ValidationError):
            self.env["fidelite.chain.step"].create(
                {"chain_id": chain.id, "name": "Coupon", "action": "coupon", "coupon_program_id": program.id}
            )
        offer, _steps = self._chain([{"action": "coupon", "coupon_program_id": program.id}], name="Offer")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            offer.transactional = True
        self.assertEqual(chain.step_ids.mapped("action"), ["email"])

    def test_attack_newsletter_outside_pressure_budget(self):
        self.env["fidelite.pressure.rule"].create(
            {"name": "1 e-mail a week", "channel": "email", "max_messages": 1, "period_days": 7}
        )
        first = self._member("Ada Budget")
        second = self._member("Ben Budget")
        segment = self._segment(first | second | self.control)
        segment.mailing_list_id = self.list
        self.env["fidelite.segment"]._cron_sync_mailing_lists()
        now = self.env.cr.now().replace(tzinfo=None)
        # A chain's e-mail uses Ada's budget: the newsletter leaves her out
        chain, _steps = self._chain([{}], domain=f"[('id', '=', {first.id})]", name="Chain first")
        chain.action_start()
        self._run(chain, now)
        self.assertEqual(self._traces(chain).state, "sent")
        self._newsletter().action_send_mail()
        self.assertEqual(self._messages_to(first, "email")["mailing.trace"], 1, "only the chain's e-mail")
        self.assertEqual(self._messages_to(second, "email")["mailing.trace"], 1, "Ben got the newsletter")
        # The newsletter used Ben's budget: the chain's e-mail leaves him out
        later, _steps = self._chain([{}], domain=f"[('id', '=', {second.id})]", name="Chain after")
        later.action_start()
        self._run(later, now + timedelta(hours=1))
        self.assertEqual((self._traces(later).state, self._traces(later).skip_reason), ("skipped", "pressure"))
