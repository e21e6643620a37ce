import psycopg2.errors

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services import card_codes, ledger
from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestCards(LedgerCase):
    def test_ean13_check_digit(self):
        for valid in ("4006381333931", "2990000000019", "2990000000125", "5449000000996"):
            self.assertTrue(card_codes.is_ean13(valid), valid)
        for invalid in ("4006381333932", "299000000001", "29900000000199", "29900000000A9"):
            self.assertFalse(card_codes.is_ean13(invalid), invalid)
        self.assertEqual(card_codes.make_ean13("299", 12), "2990000000125")
        with self.assertRaisesRegex(ValidationError, "check digit should be 1"):
            self.env["loyalty.card"].create(
                {"program_id": self.program.id, "code": "4006381333932", "fidelite_medium": "barcode_ean13"}
            )

    def test_uid_is_normalised_and_unique_per_company(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "code": "FIDUID1", "fidelite_uid": "04:a2-3b 1c 5d 6e 80"}
        )
        self.assertEqual(card.fidelite_uid, "04A23B1C5D6E80")
        self.assertEqual(card.fidelite_medium, "contactless")
        with self.assertRaisesRegex(ValidationError, "is not a card UID"):
            card.fidelite_uid = "04:A2:3B"
        with self.assertRaisesRegex(ValidationError, "is not a card UID"):
            card.fidelite_uid = "ZZ A2 3B 1C"
        with self.assertRaisesRegex(ValidationError, "already the one of card FIDUID1"), self.env.cr.savepoint():
            self.env["loyalty.card"].create(
                {"program_id": self.program.id, "code": "FIDUID2", "fidelite_uid": "04a23b1c5d6e80"}
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE loyalty_card SET fidelite_uid = '04A23B1C5D6E80' WHERE id = %s", [self.card.id]
            )  # the database refuses it too
        other_company = self.env["res.company"].create({"name": "Franchisee"})
        other_program = self.program.copy({"company_id": other_company.id})
        other = self.env["loyalty.card"].create(
            {"program_id": other_program.id, "code": "FIDUID3", "fidelite_uid": "04A23B1C5D6E80"}
        )
        self.assertEqual(other.company_id, other_company, "another company may use the same UID")

    def test_lookup_by_every_identifier(self):
        Card = self.env["loyalty.card"]
        ean = Card.create(
            {
                "program_id": self.program.id,
                "code": "2990000000019",
                "fidelite_medium": "barcode_ean13",
                "partner_id": self.member.id,
            }
        )
        self.assertEqual(Card.fidelite_lookup(" 2990000000019 ")["id"], ean.id)
        self.assertEqual(Card.fidelite_lookup("02990000000019")["id"], ean.id, "read as a GTIN-14")
        self.assertEqual(Card.fidelite_lookup("FIDTEST0001")["id"], self.card.id)
        self.card.fidelite_uid = "04A23B1C"
        found = Card.with_user(self.clerk).fidelite_lookup("04:a2:3b:1c")
        self.assertEqual((found["id"], found["found_by"], found["partner_name"]), (self.card.id, "uid", "Camille Roux"))
        with self.assertRaisesRegex(UserError, "No card matches 999"):
            Card.fidelite_lookup("999")

    def test_blocked_card_is_refused_with_its_reason(self):
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.card._fidelite_set_state("blocked", " ")
        wizard = (
            self.env["fidelite.card.state.wizard"]
            .with_user(self.clerk)
            .create({"card_id": self.card.id, "new_state": "blocked", "reason": "unpaid cheque"})
        )
        wizard.action_apply()
        self.assertEqual(
            (self.card.fidelite_state_user_id, self.card.fidelite_state_reason), (self.clerk, "unpaid cheque")
        )
        with self.assertRaisesRegex(UserError, r"Card FIDTEST0001 is blocked \(unpaid cheque\)"):
            self.env["loyalty.card"].fidelite_lookup("FIDTEST0001")
        with self.assertRaisesRegex(UserError, "is blocked"):
            self.env["loyalty.card"].get_loyalty_card_partner_by_code("FIDTEST0001")
        with self.assertRaisesRegex(UserError, "Only a Fidélité manager"):
            self.card.with_user(self.clerk).action_fidelite_reactivate()
        self.card.with_user(self.manager).action_fidelite_reactivate()
        self.assertEqual(self.env["loyalty.card"].get_loyalty_card_partner_by_code("FIDTEST0001"), self.member)

    def test_uid_never_enough_to_spend_a_gift_card(self):
        gift_program = self.env["loyalty.program"].create({"name": "Gift cards", "program_type": "gift_card"})
        gift = self.env["loyalty.card"].create(
            {"program_id": gift_program.id, "code": "GIFT-0001", "fidelite_uid": "A1B2C3D4", "points": 50}
        )
        self.assertFalse(self.env["loyalty.card"].fidelite_lookup("a1b2c3d4")["can_spend"])
        self.assertTrue(self.env["loyalty.card"].fidelite_lookup("GIFT-0001")["can_spend"])
        self.assertEqual(gift.points, 50)

    def test_replacement_keeps_balance_and_history(self):
        ledger.post(self.card, 75, "earn", reason="Purchases")
        ledger.post(self.card, -25, "redeem", reason="Voucher")
        wizard = (
            self.env["fidelite.card.replace.wizard"]
            .with_user(self.clerk)
            .create({"card_id": self.card.id, "reason": "Lost in the street", "medium": "barcode_ean13"})
        )
        action = wizard.action_apply()
        new = self.env["loyalty.card"].browse(action["res_id"])
        self.assertTrue(card_codes.is_ean13(new.code) and new.code.startswith("299"))
        self.assertEqual(new.partner_id, self.member)
        self.assert_balance(self.card, 0)
        self.assert_balance(new, 50)
        self.assertEqual(self.card.fidelite_state, "replaced")
        self.assertEqual(self.card.fidelite_replaced_by_id, new)
        self.assertIn("Lost in the street", self.moves(new).reason)
        with self.assertRaisesRegex(UserError, "FIDTEST0001 is no longer valid") as refused:
            self.env["loyalty.card"].fidelite_lookup("FIDTEST0001")
        self.assertNotIn(new.code, str(refused.exception), "the lost card's finder learns not the new number")
        with self.assertRaisesRegex(UserError, "already replaced"):
            self.env["fidelite.card.replace.wizard"].create({"card_id": self.card.id, "reason": "again"}).action_apply()

    def test_stock_cards_are_generated_then_activated_at_the_till(self):
        Wizard = self.env["fidelite.card.stock.wizard"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "between 1 and 10000"):
            Wizard.create({"program_id": self.program.id, "quantity": 0}).action_generate()
        action = Wizard.create({"program_id": self.program.id, "quantity": 25}).action_generate()
        stock = self.env["loyalty.card"].search(action["domain"])
        self.assertEqual(len(stock), 25)
        self.assertEqual(len(set(stock.mapped("code"))), 25)
        self.assertTrue(all(card_codes.is_ean13(code) and code.startswith("299") for code in stock.mapped("code")))
        self.assertFalse(stock.partner_id)
        html, _format = self.env["ir.actions.report"]._render_qweb_html("loyalty.report_loyalty_card", stock[:3].ids)
        self.assertIn(stock[2].code, html.decode(), "the stock prints with Odoo's card report")
        newcomer = self.env["res.partner"].create({"name": "Jade Morel"})
        Card = self.env["loyalty.card"].with_user(self.clerk)
        result = Card.fidelite_activate(stock[0].code, newcomer.id)
        self.assertEqual((result["id"], stock[0].partner_id), (stock[0].id, newcomer))
        with self.assertRaisesRegex(UserError, "already belongs to Jade Morel"):
            Card.fidelite_activate(stock[0].code, self.member.id)
        with self.assertRaisesRegex(UserError, "Camille Roux already has card FIDTEST0001"):
            Card.fidelite_activate(stock[1].code, self.member.id)
