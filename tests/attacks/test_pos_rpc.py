"""Attacks over JSON-RPC on the till's entry points: the bonus preview and referral codes."""

from odoo.tests import new_test_user

from odoo.addons.fidelite_loyalty.tests.ledger_common import make_loyalty_program
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class RpcCase(TestPointOfSaleHttpCommon):
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"

    def _call(self, login, model, method, args):
        """``(result, None)`` or ``(None, error)`` of a ``call_kw`` as ``login`` (password = login)."""
        self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": args, "kwargs": {}},
            },
        )
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        if "error" in answer:
            return None, answer["error"]["data"]
        return answer["result"], None


class TestAttackBonusPreview(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        cls.program = make_loyalty_program(env, name="Till club")
        cls.other_program = make_loyalty_program(env, name="Other shop club")
        other_config = env["pos.config"].create({"name": "Other shop"})
        cls.other_program.pos_config_ids = other_config
        Rule = env["fidelite.rule"]
        Rule.create(
            {
                "name": "10 points from 25 €",
                "program_id": cls.program.id,
                "minimum_amount": 25,
                "effect": "add",
                "value": 10,
            }
        )
        Rule.create(
            {
                "name": "Secret VIP rule",
                "program_id": cls.program.id,
                "minimum_amount": 5000,
                "effect": "multiply",
                "value": 5,
            }
        )
        Rule.create({"name": "Other shop bonus", "program_id": cls.other_program.id, "effect": "add", "value": 99})
        cls.member = env["res.partner"].create({"name": "Lou Preview"})
        cls.card = env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "2990000000460"}
        )
        cls.product = cls.whiteboard_pen.product_variant_id
        cls.clerk = new_test_user(cls.env, login="fid_clerk", groups="base.group_user")
        cls.other_cashier = new_test_user(cls.env, login="fid_cashier2", groups="point_of_sale.group_pos_user")

    def setUp(self):
        super().setUp()
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.till_session = self.main_pos_config.current_session_id
        self.till_session.set_opening_control(0, "")
        self.assertEqual((self.till_session.state, self.till_session.user_id), ("opened", self.pos_user))
        self.pos_user.password = "pos_user"

    def _preview(self, login, session_id=None, programs=None):
        programs = programs if programs is not None else (self.program | self.other_program).ids
        args = [session_id or self.till_session.id, programs, self.member.id, self.product.ids, 30.0, 25.0]
        return self._call(login, "loyalty.program", "fidelite_pos_bonus_preview", args)

    def assertRefused(self, outcome):
        result, error = outcome
        self.assertIsNone(result)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError", error)
        self.assertIn("cashier of an open session", error["message"])

    def test_attack_preview_without_pos_rights(self):
        self.assertRefused(self._preview("fid_clerk"))

    def test_attack_preview_pos_user_without_an_open_session(self):
        self.assertRefused(self._preview("fid_cashier2"))
        self.assertRefused(self._preview("fid_cashier2", session_id=999999))

    def test_attack_preview_of_a_closed_session(self):
        self.till_session.sudo().write({"state": "closing_control"})
        self.assertRefused(self._preview("pos_user"))

    def test_attack_preview_answers_the_cashier_with_the_till_programs_only(self):
        result, error = self._preview("pos_user")
        self.assertIsNone(error)
        self.assertEqual(set(result), {str(self.program.id)}, "the other shop's program is not this till's")
        bonus = result[str(self.program.id)]
        self.assertEqual((bonus["multiplier"], bonus["extra"]), (1.0, 10.0))
        self.assertEqual(bonus["rules"], ["10 points from 25 €"], "only the rules that fire for the basket")
        self.assertEqual(self.card.points, 0, "a preview posts nothing")


class TestAttackReferralCodes(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        env["ir.config_parameter"].set_param("fidelite_loyalty.referral_lookups_per_hour", 3)
        make_loyalty_program(env, name="Referral club", fidelite_referral_enabled=True)
        cls.referrer = env["res.partner"].create({"name": "Camille Referrer"})
        cls.referrer._fidelite_enrol()
        cls.newcomer = env["res.partner"].create({"name": "Nina Newcomer"})
        cls.guesser = new_test_user(cls.env, login="fid_guesser", groups="base.group_user,point_of_sale.group_pos_user")
        cls.colleague = new_test_user(cls.env, login="fid_colleague", groups="base.group_user")

    def _apply(self, login, partner, code):
        return self._call(login, "res.partner", "fidelite_apply_referral_code", [[partner.id], code])

    def test_attack_referral_code_guessing_is_rate_limited_per_user(self):
        for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
            result, error = self._apply("fid_guesser", self.newcomer, guess)
            self.assertIsNone(result)
            self.assertEqual(error["message"], f"No member has the referral code {guess}.")
        # the limit is reached: even the right code is refused, without being looked up
        result, error = self._apply("fid_guesser", self.newcomer, self.referrer.fidelite_referral_code)
        self.assertIsNone(result)
        self.assertIn("Too many referral codes tried", error["message"])
        self.newcomer.invalidate_recordset()
        self.assertFalse(self.newcomer.fidelite_referred_by_id)
        # per user: a colleague still may
        result, error = self._apply("fid_colleague", self.newcomer, self.referrer.fidelite_referral_code)
        self.assertIsNone(error)
        self.assertEqual(result, "Camille Referrer")
        self.newcomer.invalidate_recordset()
        self.assertEqual(self.newcomer.fidelite_referred_by_id, self.referrer)

    def test_attack_referral_code_enumeration_through_refusals(self):
        """A customer already referred cannot tell a member's code from an unknown one."""
        other = self.env["res.partner"].create({"name": "Other referrer"})
        other._fidelite_enrol()
        self.newcomer.sudo().fidelite_referred_by_id = other
        _result, known = self._apply("fid_colleague", self.newcomer, self.referrer.fidelite_referral_code)
        _result, unknown = self._apply("fid_colleague", self.newcomer, "ZZZZZZZZ")
        self.assertEqual((known["name"], known["message"]), (unknown["name"], unknown["message"]))
        self.newcomer.invalidate_recordset()
        self.assertEqual(self.newcomer.fidelite_referred_by_id, other)
