import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services import ledger, tiers
from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestTiers(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {
                "fidelite_tier_window_months": 12,
                "fidelite_tier_grace_months": 3,
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Privilège", "threshold": 200, "multiplier": 1.5, "entry_points": 20}),
                    Command.create({"name": "Prestige", "threshold": 500, "multiplier": 2}),
                ],
            }
        )
        cls.membre, cls.privilege, cls.prestige = cls.program.fidelite_tier_ids.sorted("threshold")
        cls.today = fields.Date.context_today(cls.program)

    def test_bad_tier_configuration_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "must start at 0"), self.env.cr.savepoint():
            self.env["loyalty.program"].create(
                {
                    "name": "No base",
                    "program_type": "loyalty",
                    "fidelite_tier_ids": [Command.create({"name": "Gold", "threshold": 100})],
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env["fidelite.tier"].create({"name": "Twin", "program_id": self.program.id, "threshold": 200})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.env.cr.savepoint():
            self.env["fidelite.tier"].create(
                {"name": "Odd", "program_id": self.program.id, "threshold": 50, "multiplier": -1}
            )

    def test_upgrade_as_soon_as_reached_with_welcome_points(self):
        ledger.post(self.card, 150, "earn")
        tiers.promote(self.card)
        self.assertEqual(self.card.fidelite_tier_id, self.membre)
        ledger.post(self.card, 60, "earn")
        history = tiers.promote(self.card)
        self.assertEqual(self.card.fidelite_tier_id, self.privilege)
        self.assertEqual(
            (history.old_tier_id, history.new_tier_id, history.change), (self.membre, self.privilege, "upgrade")
        )
        self.assertEqual(history.qualifying_value, 210)
        self.assert_balance(self.card, 230)  # 210 earned + 20 welcome points
        self.assertFalse(tiers.promote(self.card), "no second welcome")
        self.assert_balance(self.card, 230)
        self.assertEqual(self.card.fidelite_tier_review_date, self.today + relativedelta(months=12))

    def test_only_the_window_counts_and_reversals_lower_it(self):
        ledger.post(self.card, 400, "earn", date=fields.Datetime.now() - relativedelta(months=14))
        earn = ledger.post(self.card, 250, "earn")
        ledger.reverse(earn, "Refund", points=100)
        self.assertEqual(tiers.qualifying_value(self.card), 150)
        tiers.promote(self.card)
        self.assertEqual(self.card.fidelite_tier_id, self.membre)

    def test_review_grace_then_downgrade(self):
        ledger.post(self.card, 250, "earn", date=fields.Datetime.now() - relativedelta(months=11))
        tiers.promote(self.card, today=self.today - relativedelta(months=11))
        self.assertEqual(self.card.fidelite_tier_id, self.privilege)
        review_day = self.today + relativedelta(months=1)  # the earning left the window
        self.assertEqual(self.card.fidelite_tier_review_date, review_day)
        grace = tiers.review(self.card, review_day)
        self.assertEqual(grace.change, "grace")
        self.assertEqual(self.card.fidelite_tier_id, self.privilege, "kept during the grace period")
        self.assertEqual(self.card.fidelite_tier_grace_until, review_day + relativedelta(months=3))
        end_of_grace = review_day + relativedelta(months=3)
        down = tiers.review(self.card, end_of_grace)
        self.assertEqual((down.change, self.card.fidelite_tier_id), ("downgrade", self.membre))
        self.assertFalse(self.card.fidelite_tier_grace_until)
        self.assertEqual(self.card.fidelite_tier_history_ids.mapped("change"), ["downgrade", "grace", "upgrade"])

    def test_review_cron_keeps_a_member_who_still_qualifies(self):
        ledger.post(self.card, 520, "earn")
        tiers.promote(self.card)
        self.assertEqual(self.card.fidelite_tier_id, self.prestige)
        self.card.sudo().with_context(fidelite_ledger_post=True).fidelite_tier_review_date = self.today
        self.env["loyalty.card"]._cron_fidelite_review_tiers()
        self.assertEqual(self.card.fidelite_tier_id, self.prestige)
        self.assertEqual(self.card.fidelite_tier_history_ids[0].change, "renewal")
        self.assertEqual(self.card.fidelite_tier_review_date, self.today + relativedelta(months=12))
        self.env["loyalty.card"]._cron_fidelite_review_tiers()
        self.assertEqual(len(self.card.fidelite_tier_history_ids), 2, "a rerun the same day does nothing")
