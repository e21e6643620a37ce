"""Attacks on the consent history: a consent's date is the server's, whatever the client sends."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.fidelite_portal.tests.common import PortalMembersCase


class TestAttackConsentDates(PortalMembersCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_portal"

    def _assert_now(self, consent, before):
        self.assertTrue(consent, "the consent was recorded")
        self.assertGreaterEqual(consent.date, before.replace(microsecond=0))
        self.assertLessEqual(consent.date, fields.Datetime.now() + timedelta(seconds=5))

    def test_attack_consent_backdated_by_portal_rpc(self):
        """A portal member creates a consent through JSON-RPC with a back-dated date: recorded with now."""
        partner = self.user_a.partner_id
        before = fields.Datetime.now()
        self.login(self.user_a)
        for posted in ("2001-01-01 00:00:00", "2099-12-31 23:59:59"):
            with self.subTest(posted=posted):
                consent_id = self.make_jsonrpc_request(
                    "/web/dataset/call_kw/fidelite.consent/create",
                    {
                        "model": "fidelite.consent",
                        "method": "create",
                        "args": [
                            {
                                "partner_id": partner.id,
                                "channel": "sms",
                                "granted": True,
                                "source": "portal",
                                "user_id": self.user_a.id,
                                "date": posted,
                            }
                        ],
                        "kwargs": {},
                    },
                )
                consent = self.env["fidelite.consent"].browse(consent_id)
                self._assert_now(consent, before)
                self.assertNotEqual(consent.date, datetime.fromisoformat(posted))

    def test_attack_consent_backdated_in_back_office(self):
        """A back-office user records a withdrawal dated in the past, or someone else as its author: refused."""
        user = new_test_user(self.env, login="fid_consent_clerk", groups="fidelite_loyalty.group_fidelite_user")
        partner = self.user_a.partner_id
        before = fields.Datetime.now()
        consent = (
            self.env(user=user)["fidelite.consent"]
            .create(
                {
                    "partner_id": partner.id,
                    "channel": "email",
                    "granted": False,
                    "source": "backoffice",
                    "date": "2010-05-05 10:00:00",
                    "user_id": self.env.ref("base.user_admin").id,
                }
            )
            .sudo()
        )
        self._assert_now(consent, before)
        self.assertEqual(consent.user_id, user)
        # the wizard's context cannot bring a date either
        wizard = (
            self.env(user=user)["fidelite.consent.wizard"]
            .with_context(default_date="2010-05-05 10:00:00")
            .create({"partner_id": partner.id, "channel": "sms", "granted": True})
        )
        wizard.action_apply()
        latest = self.env["fidelite.consent"].search(
            [("partner_id", "=", partner.id), ("channel", "=", "sms")], order="id desc", limit=1
        )
        self._assert_now(latest, before)
