from datetime import date, datetime

import pytz

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..services import member_stats, rules
from .ledger_common import LedgerCase

PARIS = pytz.timezone("Europe/Paris")


def at(*args):
    return PARIS.localize(datetime(*args))


@tagged("post_install", "-at_install")
class TestRules(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.food = Category.create({"name": "Épicerie"})
        cls.coffee = Category.create({"name": "Café", "parent_id": cls.food.id})
        cls.beans = cls.env["product.product"].create({"name": "Beans", "categ_id": cls.coffee.id})
        cls.mug = cls.env["product.product"].create({"name": "Mug"})
        cls.member.write({"birthdate": date(1990, 3, 12)})
        cls.member.sudo().fidelite_member_since = date(2024, 5, 3)
        cls.tuesday_17h = at(2026, 3, 10, 17, 0)  # Tuesday 10 March 2026

    def rule(self, **values):
        return self.env["fidelite.rule"].create({"name": "Test rule", "program_id": self.program.id, **values})

    def basket(self, moment=None, products=None, amount=30.0, untaxed=25.0):
        products = products if products is not None else self.beans
        return rules.make_basket(self.member, self.card, products, amount, untaxed, moment or self.tuesday_17h)

    def fires(self, rule, basket=None):
        return rules.evaluate(rule, basket or self.basket()).fired

    def test_order_conditions(self):
        incl = self.rule(minimum_amount=28)
        excl = self.rule(minimum_amount=28, amount_tax_mode="excl")
        self.assertTrue(self.fires(incl))
        self.assertFalse(self.fires(excl), "25 € tax excluded is below 28 €")
        by_category = self.rule(product_category_ids=[Command.set(self.food.ids)])
        self.assertTrue(self.fires(by_category), "beans are in Café, under Épicerie")
        self.assertFalse(self.fires(by_category, self.basket(products=self.mug)))
        by_product = self.rule(product_ids=[Command.set(self.mug.ids)])
        self.assertFalse(self.fires(by_product))

    def test_time_windows(self):
        happy = self.rule(
            weekday_ids=[Command.set(self.env.ref("fidelite_loyalty.weekday_1").ids)], hour_from=16, hour_to=18
        )
        self.assertTrue(self.fires(happy))
        self.assertFalse(self.fires(happy, self.basket(at(2026, 3, 10, 18, 0))), "18:00 is the end")
        self.assertFalse(self.fires(happy, self.basket(at(2026, 3, 11, 17, 0))), "a Wednesday")
        season = self.rule(date_from=date(2026, 3, 1), date_to=date(2026, 3, 10))
        self.assertTrue(self.fires(season))
        self.assertFalse(self.fires(season, self.basket(at(2026, 3, 11, 9, 0))))

    def test_birthdays_and_anniversary(self):
        day = self.rule(special_date="birthday_day")
        week = self.rule(special_date="birthday_week")
        month = self.rule(special_date="birthday_month")
        self.assertFalse(self.fires(day))  # 10 March, birthday on the 12th
        self.assertTrue(self.fires(day, self.basket(at(2026, 3, 12, 10, 0))))
        self.assertTrue(self.fires(week), "9-15 March is the birthday's week")
        self.assertFalse(self.fires(week, self.basket(at(2026, 3, 17, 10, 0))))
        self.assertTrue(self.fires(month))
        household = self.rule(special_date="household_birthday_week")
        self.assertFalse(self.fires(household))
        self.env["fidelite.dependant"].create(
            {"partner_id": self.member.id, "first_name": "Léo", "relation": "child", "birthdate": date(2019, 3, 14)}
        )
        outcome = rules.evaluate(household, self.basket())
        self.assertTrue(outcome.fired)
        self.assertIn("Léo", outcome.reasons[0][1])
        anniversary = self.rule(special_date="anniversary_month")
        self.assertTrue(self.fires(anniversary, self.basket(at(2026, 5, 20, 10, 0))))
        self.assertFalse(self.fires(anniversary, self.basket(at(2024, 5, 20, 10, 0))), "not the enrolment itself")

    def test_leap_day_birthday(self):
        self.member.birthdate = date(2000, 2, 29)
        day = self.rule(special_date="birthday_day")
        self.assertTrue(self.fires(day, self.basket(at(2026, 2, 28, 10, 0))))
        self.assertTrue(self.fires(day, self.basket(at(2028, 2, 29, 10, 0))))
        self.assertFalse(self.fires(day, self.basket(at(2028, 2, 28, 10, 0))))

    def test_member_figures_over_a_window(self):
        company = self.env.company
        member_stats.add(self.env, self.member, company, date(2026, 2, 20), 120, 100, 2)
        member_stats.add(self.env, self.member, company, date(2026, 3, 1), 60, 50, 1)
        member_stats.add(self.env, self.member, company, date(2025, 6, 1), 900, 750, 9)  # outside 90 days
        loyal = self.rule(kpi="visits", kpi_value=3, kpi_window_days=90)
        big = self.rule(kpi="average_basket", kpi_value=61)
        lapsing = self.rule(kpi="revenue", kpi_operator="<", kpi_value=100, kpi_window_days=14)
        self.assertTrue(self.fires(loyal))
        self.assertFalse(self.fires(big), "180 € over 3 visits is 60 € a basket")
        self.assertTrue(self.fires(lapsing), "only 60 € in the last 14 days")

    def test_combined_rules_and_bonus(self):
        self.program.write({"fidelite_tier_ids": [Command.create({"name": "Membre", "threshold": 0})]})
        self.card.sudo().with_context(fidelite_ledger_post=True).fidelite_tier_id = self.program.fidelite_tier_ids
        self.rule(name="Tuesday", weekday_ids=[Command.set(self.env.ref("fidelite_loyalty.weekday_1").ids)])
        self.rule(
            name="Members with coffee",
            tier_ids=[Command.set(self.program.fidelite_tier_ids.ids)],
            product_category_ids=[Command.set(self.coffee.ids)],
            effect="add",
            value=15,
        )
        self.rule(name="Big basket", minimum_amount=100, value=3)
        multiplier, extra, outcomes = rules.bonus(self.program, self.basket())
        self.assertEqual((multiplier, extra), (2.0, 15.0))
        self.assertEqual([o.fired for o in outcomes], [True, True, False])

    def test_bad_rules_are_refused(self):
        for values, message in (
            ({"value": 1}, "has no effect"),
            ({"effect": "add", "value": 0}, "has no effect"),
            ({"minimum_amount": -5}, "cannot be negative"),
            ({"hour_from": 18, "hour_to": 16}, "the hours"),
            ({"date_from": date(2026, 5, 1), "date_to": date(2026, 4, 1)}, "ends before it starts"),
        ):
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.rule(**values)

    def test_simulation_explains_each_rule(self):
        self.rule(name="Double Tuesday", weekday_ids=[Command.set(self.env.ref("fidelite_loyalty.weekday_1").ids)])
        self.rule(name="Birthday month", special_date="birthday_month", effect="add", value=50)
        wizard = (
            self.env["fidelite.rule.simulation"]
            .with_user(self.manager)
            .create(
                {
                    "program_id": self.program.id,
                    "partner_id": self.member.id,
                    "amount": 40,
                    "moment": "2026-03-10 16:30:00",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Give a basket"):
            wizard.copy({"amount": 0}).action_simulate()
        wizard.with_context(tz="Europe/Paris").action_simulate()
        self.assertIn("Double Tuesday", wizard.result)
        self.assertIn("Multiplier 2.0, points added 50.0", wizard.result)
        self.assertIn("birthday on 1990-03-12", wizard.result)

    def test_till_preview_matches_the_rules_for_the_basket(self):
        self.rule(name="Double from 25 €", minimum_amount=25)
        self.rule(
            name="Ten more for coffee", product_category_ids=[Command.set(self.coffee.ids)], effect="add", value=10
        )
        # the till's RPC (who may call it, for which session) is in tests/attacks/test_pos_rpc.py
        program, member = self.program.with_user(self.clerk), self.member.with_user(self.clerk)
        beans, mug = self.beans.with_user(self.clerk), self.mug.with_user(self.clerk)
        preview = rules.preview(program, member, beans, 30.0, 25.0, self.tuesday_17h)
        bonus = preview[self.program.id]
        self.assertEqual((bonus["multiplier"], bonus["extra"]), (2.0, 10.0))
        self.assertEqual(sorted(bonus["rules"]), ["Double from 25 €", "Ten more for coffee"])
        small = rules.preview(program, member, mug, 10.0, 8.0, self.tuesday_17h)
        self.assertEqual((small[self.program.id]["multiplier"], small[self.program.id]["extra"]), (1.0, 0.0))
