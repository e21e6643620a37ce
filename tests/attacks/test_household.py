"""Attacks on the household: unlimited members, removed and re-added children, rewritten birth dates."""

from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.fidelite_loyalty.services import birthdays
from odoo.addons.fidelite_portal.tests.common import PREFIX_DEFAULT, PortalMembersCase

BIRTHDAY = date(2019, 3, 12)
PARTY = date(2026, 3, 12)


class TestAttackHousehold(PortalMembersCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a = cls.user_a.partner_id
        cls.program.write(
            {"fidelite_birthday_reward": "points", "fidelite_birthday_points": 50, "fidelite_birthday_household": True}
        )

    def _household(self):
        return self.env["fidelite.dependant"].search([("partner_id", "=", self.partner_a.id)])

    def _balance(self):
        self.card_a.invalidate_recordset(["points"])
        return self.card_a.points

    def test_attack_dependant_seventh_refused(self):
        """Seven children through the portal form, then through RPC: the 7th is refused, in French too."""
        self.login(self.user_a)
        for index in range(6):
            response = self.post_form(
                f"{PREFIX_DEFAULT}/household/add",
                first_name=f"Enfant {index}",
                relation="child",
                birthdate="2015-01-01",
            )
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._household()), 6)
        response = self.post_form(
            f"{PREFIX_DEFAULT}/household/add", first_name="Septième", relation="child", birthdate="2015-01-01"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 6 household members", response.text)
        self.assertEqual(len(self._household()), 6)
        # straight through the ORM (JSON-RPC), as the portal member
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env(user=self.user_a)["fidelite.dependant"].create(
                {"partner_id": self.partner_a.id, "first_name": "Septième", "relation": "child"}
            )
        self.assertEqual(len(self._household()), 6)
        # the message is French for a French member
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaisesRegex(ValidationError, "au plus 6 membres du foyer"), self.env.cr.savepoint():
            self.env(user=self.user_a, context={"lang": "fr_FR"})["fidelite.dependant"].create(
                {"partner_id": self.partner_a.id, "first_name": "Septième", "relation": "child"}
            )
        # the limit is the company's setting
        (self.partner_a.company_id or self.env.company).fidelite_max_dependants = 7
        self.env(user=self.user_a)["fidelite.dependant"].create(
            {"partner_id": self.partner_a.id, "first_name": "Septième", "relation": "child"}
        )
        self.assertEqual(len(self._household()), 7)

    def test_attack_dependant_removed_and_readded_for_birthdays(self):
        """Delete a child and add them again (and other names) on the portal: one reward per person and year."""
        self.login(self.user_a)
        self.post_form(f"{PREFIX_DEFAULT}/household/add", first_name="Léa", relation="child", birthdate="2019-03-12")
        before = self._balance()
        self.assertEqual(len(birthdays.run(self.env, PARTY)), 1, "Léa's birthday")
        self.assertEqual(self._balance(), before + 50)
        for name in ("Léa", " LEA ", "Lea"):
            with self.subTest(name=name):
                self.post_form(f"{PREFIX_DEFAULT}/household/{self._household().id}/remove")
                self.assertFalse(self._household())
                self.post_form(
                    f"{PREFIX_DEFAULT}/household/add", first_name=name, relation="child", birthdate="2019-03-12"
                )
                self.assertEqual(len(self._household()), 1)
                self.assertFalse(birthdays.run(self.env, PARTY), "no second reward this year")
                self.assertEqual(self._balance(), before + 50)
        # churning new names: at most the household limit of rewards a year
        for index in range(8):
            self.post_form(f"{PREFIX_DEFAULT}/household/{self._household().id}/remove")
            self.post_form(
                f"{PREFIX_DEFAULT}/household/add", first_name=f"Clone {index}", relation="child", birthdate="2019-03-12"
            )
            birthdays.run(self.env, PARTY)
        rewarded = self.env["fidelite.birthday"].search_count(
            [("partner_id", "=", self.partner_a.id), ("year", "=", 2026), ("person_key", "=like", "dependant:%")]
        )
        self.assertEqual(rewarded, 6)
        self.assertEqual(self._balance(), before + 6 * 50)
        # next year, the child is celebrated again
        self.assertEqual(len(birthdays.run(self.env, date(2027, 3, 12))), 1)

    def test_attack_portal_changes_set_birthdate(self):
        """A portal member rewrites a child's birth date to today's: refused (form and RPC); a manager may."""
        child = self.env["fidelite.dependant"].create(
            {"partner_id": self.partner_a.id, "first_name": "Hugo", "relation": "child", "birthdate": BIRTHDAY}
        )
        self.login(self.user_a)
        response = self.post_form(
            f"{PREFIX_DEFAULT}/household/{child.id}/save", first_name="Hugo", relation="child", birthdate="2019-12-07"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be changed once set", response.text)
        child.invalidate_recordset()
        self.assertEqual(child.birthdate, BIRTHDAY)
        for value in ("2019-12-07", False):
            with self.subTest(value=value), self.assertRaises(UserError), self.env.cr.savepoint():
                self.env(user=self.user_a)["fidelite.dependant"].browse(child.id).write({"birthdate": value})
        child.invalidate_recordset()
        self.assertEqual(child.birthdate, BIRTHDAY)
        # nor can a back-office user who is not a Fidélité manager
        clerk = new_test_user(self.env, login="fid_household_clerk", groups="fidelite_loyalty.group_fidelite_user")
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env(user=clerk)["fidelite.dependant"].browse(child.id).write({"birthdate": "2019-12-07"})
        # a Fidélité manager corrects it, and the member's chatter says so
        manager = new_test_user(
            self.env, login="fid_household_manager", groups="fidelite_loyalty.group_fidelite_manager", name="Mona Ger"
        )
        self.env(user=manager)["fidelite.dependant"].browse(child.id).write({"birthdate": date(2019, 3, 13)})
        self.assertEqual(child.birthdate, date(2019, 3, 13))
        note = self.partner_a.message_ids[:1]
        self.assertIn("Hugo", note.body)
        self.assertIn("2019-03-12", note.body)
        self.assertIn("Mona Ger", note.body)
        # a date typed for the first time is fine
        baby = self.env(user=self.user_a)["fidelite.dependant"].create(
            {"partner_id": self.partner_a.id, "first_name": "Bébé", "relation": "child"}
        )
        baby.write({"birthdate": date(2025, 1, 1)})
        self.assertEqual(baby.birthdate, date(2025, 1, 1))
