"""Attacks on cards: a lost card that names its replacement, card numbers one can enumerate."""

import itertools
import json

from odoo import http
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.fidelite_loyalty.services import card_codes, ledger, partner_api
from odoo.addons.fidelite_loyalty.tests.ledger_common import LedgerAssertions, make_loyalty_program


class AttackTags:
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"


class TestAttackReplacedCard(AttackTags, HttpCase, LedgerAssertions):
    """Whoever found a lost card asks the till, the portal and the partner API about it: each
    says it is no longer valid, none names the card that now holds its balance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env, name="Club attaque")
        cls.member = cls.env["res.partner"].create({"name": "Inès Valette"})
        cls.lost = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": card_codes.make_ean13("299", 777777)}
        )
        ledger.post(cls.lost, 120, "earn", reason="Purchases")
        cls.new = cls._replace(cls.lost)
        gift_program = cls.env["loyalty.program"].create(
            {"name": "Cadeau attaque", "program_type": "gift_card", "applies_on": "future"}
        )
        cls.lost_gift = cls.env["loyalty.card"].create(
            {"program_id": gift_program.id, "partner_id": cls.member.id, "code": "GIFT-LOST-4242"}
        )
        ledger.post(cls.lost_gift, 60, "earn", reason="Sold")
        cls.new_gift = cls._replace(cls.lost_gift, medium="barcode_code128")
        cls.cashier = new_test_user(
            cls.env, login="attack_cashier", groups="point_of_sale.group_pos_user,fidelite_loyalty.group_fidelite_user"
        )
        cls.finder = new_test_user(cls.env, login="attack_finder", groups="base.group_portal")
        cls.config = cls.env["pos.config"].create({"name": "Caisse attaque", "fidelite_accept_barcode": True})

    @classmethod
    def _replace(cls, card, medium="barcode_ean13"):
        wizard = cls.env["fidelite.card.replace.wizard"].create(
            {"card_id": card.id, "reason": "Lost in the street", "medium": medium}
        )
        return cls.env["loyalty.card"].browse(wizard.action_apply()["res_id"])

    def assert_nothing_moved(self):
        self.assert_balance(self.lost, 0)
        self.assert_balance(self.new, 120)
        self.assert_balance(self.lost_gift, 0, history=False)
        self.assert_balance(self.new_gift, 60, history=False)

    def assert_not_named(self, text, card):
        self.assertNotIn(card.code, text, "the answer names the replacement card")
        self.assertIn("no longer valid", text)

    def rpc(self, model, method, *args):
        """A till's call, as its JSON-RPC answer's text."""
        self.env.flush_all()
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": {}},
            },
            timeout=60,
        )
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_attack_replaced_card_at_the_till(self):
        self.authenticate("attack_cashier", "attack_cashier")
        answer = self.rpc("loyalty.card", "fidelite_lookup", self.lost.code)
        self.assertIn("error", json.loads(answer))
        self.assert_not_named(answer, self.new)
        answer = self.rpc("pos.config", "fidelite_member_panel", self.config.id, self.lost.code, "barcode")
        self.assertEqual(json.loads(answer)["result"]["status"], "blocked")
        self.assert_not_named(answer, self.new)
        answer = self.rpc("loyalty.card", "fidelite_gift_card_balance", self.lost_gift.code)
        self.assertIn("error", json.loads(answer))
        self.assert_not_named(answer, self.new_gift)
        self.assert_nothing_moved()

    def test_attack_replaced_gift_card_in_the_portal(self):
        self.authenticate("attack_finder", "attack_finder")
        self.env.flush_all()
        response = self.url_open(
            "/my/fidelite/gift-cards/balance",
            data={"csrf_token": http.Request.csrf_token(self), "code": self.lost_gift.code},
        )
        self.assertEqual(response.status_code, 404)
        self.assert_not_named(response.text, self.new_gift)
        self.assertNotIn("60.0", response.text)
        self.assert_nothing_moved()

    def test_attack_replaced_card_through_the_partner_api(self):
        merchant = self.env["fidelite.partner.merchant"].create(
            {
                "name": "Librairie attaque",
                "partner_id": self.env["res.partner"].create({"name": "Librairie attaque SARL"}).id,
                "program_id": self.program.id,
                "points_per_unit": 1.0,
                "issue_point_value": 0.04,
                "redeem_point_value": 0.05,
            }
        )
        secret, _key = partner_api.new_key(merchant, "till", partner_api.SCOPES)
        self.env.flush_all()
        for path, body in (("/earn", {"amount": 30}), ("/burn", {"points": 10})):
            response = self.url_open(
                f"/fidelite/api/v1{path}",
                data=json.dumps({"card": self.lost.code, **body}),
                headers={
                    "Authorization": f"Bearer {secret}",
                    "Idempotency-Key": f"attack-{path[1:]}",
                    "Content-Type": "application/json",
                },
                method="POST",
            )
            self.assertEqual(response.status_code, 409)
            self.assertEqual(response.json()["error"]["code"], "card_not_usable")
            self.assert_not_named(response.text, self.new)
        response = self.url_open(
            f"/fidelite/api/v1/cards/{self.lost.code}", headers={"Authorization": f"Bearer {secret}"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.new.code, response.text)
        self.assert_nothing_moved()


class TestAttackCardNumbers(AttackTags, TransactionCase):
    """Whoever holds one card must not be able to derive the numbers of the next ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env, name="Club numéros")

    def test_attack_card_numbers_enumerate_neighbours(self):
        Wizard = self.env["fidelite.card.stock.wizard"]
        action = Wizard.create({"program_id": self.program.id, "quantity": 50}).action_generate()
        cards = self.env["loyalty.card"].search(action["domain"], order="id")
        codes = cards.mapped("code")
        codes.append(self.env["loyalty.card"]._fidelite_next_ean13())  # a virtual/replacement card's
        self.assertEqual(len(codes), 51)
        self.assertEqual(len(set(codes)), 51, "card numbers are unique")
        self.assertTrue(all(card_codes.is_ean13(code) and code.startswith("299") for code in codes))
        bodies = [int(code[3:12]) for code in codes]
        gaps = [abs(b - a) for a, b in itertools.pairwise(bodies)]
        self.assertGreater(len(set(gaps)), 40, "consecutive numbers are spaced evenly: enumerable")
        self.assertGreater(sorted(gaps)[len(gaps) // 2], 1000, "consecutive numbers are neighbours")

    def test_attack_card_stock_import_keeps_its_numbers(self):
        """Pre-printed stock bought with its numbers is created with exactly these numbers."""
        imported = [card_codes.make_ean13("299", number) for number in (424242, 424243, 900001)]
        Wizard = self.env["fidelite.card.stock.wizard"]
        action = Wizard.create({"program_id": self.program.id, "codes": "\n".join(imported)}).action_generate()
        cards = self.env["loyalty.card"].search(action["domain"], order="id")
        self.assertEqual(cards.mapped("code"), imported)
        self.assertEqual(set(cards.mapped("fidelite_medium")), {"barcode_ean13"})
        count = self.env["loyalty.card"].search_count([])
        with self.assertRaisesRegex(Exception, imported[0]):
            Wizard.create({"program_id": self.program.id, "codes": imported[0]}).action_generate()
        self.assertEqual(self.env["loyalty.card"].search_count([]), count, "nothing created twice")
