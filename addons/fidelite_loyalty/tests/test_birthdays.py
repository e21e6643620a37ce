from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..services import birthdays
from .ledger_common import LedgerCase, make_loyalty_program


@tagged("post_install", "-at_install")
class TestBirthdays(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {"fidelite_birthday_reward": "points", "fidelite_birthday_points": 50, "fidelite_birthday_household": True}
        )
        cls.member.birthdate = date(1990, 3, 12)
        cls.child = cls.env["fidelite.dependant"].create(
            {"partner_id": cls.member.id, "first_name": "Léo", "relation": "child", "birthdate": date(2019, 3, 12)}
        )

    def test_once_per_person_and_year(self):
        events = birthdays.run(self.env, date(2026, 3, 12))
        self.assertEqual(len(events), 2, "the member and the child")
        self.assertEqual(
            set(events.mapped("person_key")),
            {f"partner:{self.member.id}", birthdays.person_key(self.member, self.child)},
        )
        self.assert_balance(self.card, 100, history=True)
        self.assertFalse(birthdays.run(self.env, date(2026, 3, 12)), "a rerun gives nothing more")
        self.env["loyalty.card"]._cron_fidelite_birthdays()  # today is not their birthday
        self.assert_balance(self.card, 100)
        self.assertEqual(len(birthdays.run(self.env, date(2027, 3, 12))), 2, "next year again")
        self.assertIn("Happy birthday, Léo!", self.moves(self.card).mapped("reason"))

    def test_days_before_and_blocked_cards(self):
        self.program.fidelite_birthday_days_before = 7
        self.assertFalse(birthdays.run(self.env, date(2026, 3, 12)))
        events = birthdays.run(self.env, date(2026, 3, 5))
        self.assertEqual(events.mapped("birthday"), [date(2026, 3, 12)] * 2)
        self.card._fidelite_set_state("blocked", "fraud")
        self.assertFalse(birthdays.run(self.env, date(2027, 3, 5)), "a blocked card gets nothing")

    def test_leap_day(self):
        self.member.birthdate = date(2000, 2, 29)
        self.program.fidelite_birthday_household = False
        self.assertEqual(len(birthdays.run(self.env, date(2027, 2, 28))), 1)
        self.assertFalse(birthdays.run(self.env, date(2028, 2, 28)), "in a leap year, on the 29th")
        self.assertEqual(len(birthdays.run(self.env, date(2028, 2, 29))), 1)

    def test_coupon_reward(self):
        coupons = self.env["loyalty.program"].create({"name": "Birthday coffee", "program_type": "coupons"})
        with self.assertRaisesRegex(ValidationError, "choose the coupon program"), self.env.cr.savepoint():
            self.program.fidelite_birthday_reward = "coupon"
        self.program.write(
            {
                "fidelite_birthday_reward": "coupon",
                "fidelite_birthday_coupon_program_id": coupons.id,
                "fidelite_birthday_household": False,
            }
        )
        event = birthdays.run(self.env, date(2026, 3, 12))
        coupon = event.coupon_id
        self.assertEqual((coupon.program_id, coupon.partner_id, coupon.points), (coupons, self.member, 1))
        self.assertEqual(coupon.expiration_date, date(2026, 3, 12) + timedelta(days=30))

    def test_each_program_celebrates_once(self):
        """A member of two programs is celebrated by each, once a year whatever card they hold."""
        other = make_loyalty_program(
            self.env,
            name="Second club",
            fidelite_birthday_reward="points",
            fidelite_birthday_points=20,
            fidelite_birthday_household=True,
        )
        other_card = self.env["loyalty.card"].create({"program_id": other.id, "partner_id": self.member.id})
        events = birthdays.run(self.env, date(2026, 3, 12))
        self.assertEqual(len(events), 4, "the member and the child, in each program")
        self.assertEqual(set(events.card_id.ids), {self.card.id, other_card.id})
        self.assertFalse(birthdays.run(self.env, date(2026, 3, 12)))
