import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services import ledger
from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestLedger(LedgerCase):
    def test_balance_is_the_sum_of_movements(self):
        ledger.post(self.card, 120, "earn", reason="Purchase")
        ledger.post(self.card, -100, "redeem", reason="5 € voucher")
        ledger.post(self.card, 7.5, "adjust", origin="manual", reason="Goodwill")
        self.assert_balance(self.card, 27.5)
        last = self.moves(self.card)[0]
        self.assertEqual(last.balance_after, 27.5)
        self.assertEqual(last.user_id, self.env.user)
        self.assertEqual(last.partner_id, self.member)

    def test_redemption_beyond_balance_is_refused_and_changes_nothing(self):
        ledger.post(self.card, 50, "earn")
        with self.assertRaisesRegex(UserError, "Not enough points on card FIDTEST0001"):
            ledger.post(self.card, -80, "redeem")
        self.assert_balance(self.card, 50)
        self.assertEqual(len(self.moves(self.card)), 1)

    def test_same_key_posts_once(self):
        first = ledger.post(self.card, 10, "earn", key="api:order:42")
        again = ledger.post(self.card, 10, "earn", key="api:order:42")
        self.assertEqual(first, again)
        self.assert_balance(self.card, 10)

    def test_movements_cannot_be_changed_or_deleted_even_by_the_superuser(self):
        move = ledger.post(self.card, 30, "earn")
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            move.sudo().write({"points": 3000})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            move.sudo().unlink()
        with self.assertRaisesRegex(UserError, "posted by Fidélité's ledger only"):
            self.env["fidelite.points.move"].sudo().create(
                {
                    "card_id": self.card.id,
                    "program_id": self.program.id,
                    "company_id": self.env.company.id,
                    "points": 1000,
                    "move_type": "adjust",
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error), self.env.cr.savepoint():
            self.env.cr.execute("UPDATE fidelite_points_move SET points = 3000 WHERE id = %s", [move.id])
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error), self.env.cr.savepoint():
            self.env.cr.execute("DELETE FROM fidelite_points_move WHERE id = %s", [move.id])
        self.assert_balance(self.card, 30)

    def test_odoo_points_reached_mail_goes_out_when_the_threshold_is_crossed(self):
        template = self.env.ref("loyalty.mail_template_loyalty_card")
        self.program.communication_plan_ids = [
            (0, 0, {"trigger": "points_reach", "points": 100, "mail_template_id": template.id})
        ]
        Mail = self.env["mail.mail"].sudo()
        sent = Mail.search([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)])
        ledger.post(self.card, 60, "earn")
        ledger.post(self.card, -10, "redeem")
        self.assertFalse(Mail.search([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)]) - sent)
        ledger.post(self.card, 70, "earn")
        mails = Mail.search([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)]) - sent
        self.assertEqual(len(mails), 1, "crossing 100 points sends Odoo's mail once")
        self.assertIn("camille@example.com", mails.email_to or mails.recipient_ids.email or "")
        ledger.post(self.card, 5, "earn")
        self.assertEqual(len(Mail.search([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)]) - sent), 1)

    def test_reversal_needs_a_reason_and_is_audited(self):
        move = ledger.post(self.card, 200, "earn", reason="Purchase typed 200 € instead of 20 €")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            ledger.reverse(move, "  ")
        reversal = ledger.reverse(move.with_user(self.manager), "Amount typed wrong", points=180)
        self.assertEqual(reversal.reversed_move_id, move)
        self.assertEqual(reversal.user_id, self.manager)
        self.assertEqual(reversal.points, -180)
        with self.assertRaisesRegex(UserError, "Only 20.0 points"):
            ledger.reverse(move, "Again", points=50)
        with self.assertRaisesRegex(UserError, "cannot be reversed"):
            ledger.reverse(reversal, "Undo")
        self.assert_balance(self.card, 20)

    def test_odoo_writes_on_points_become_movements(self):
        """Odoo's own code keeps writing ``points``: each write is recorded, with what it added."""
        self.card.points += 40
        self.card.points -= 15
        self.assert_balance(self.card, 25, history=False)
        self.assertEqual(self.moves(self.card).mapped("points"), [-15, 40])
        wizard = self.env["loyalty.card.update.balance"].create(
            {"card_id": self.card.id, "new_balance": 60, "description": "Birthday gift"}
        )
        wizard.action_update_card_point()
        move = self.moves(self.card)[0]
        self.assertEqual(
            (move.points, move.move_type, move.origin, move.reason), (35, "adjust", "manual", "Birthday gift")
        )
        self.assertEqual(self.card.points, 60)

    def test_card_created_with_points_opens_with_a_movement(self):
        card = self.env["loyalty.card"].create({"program_id": self.program.id, "points": 12, "code": "FIDTEST0002"})
        self.assert_balance(card, 12, history=False)

    def test_card_with_movements_cannot_be_deleted(self):
        ledger.post(self.card, 5, "earn")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.card.unlink()

    def test_adjustment_wizard_is_for_managers_and_keeps_the_reason(self):
        ledger.post(self.card, 10, "earn")
        Wizard = self.env["fidelite.points.adjust.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.clerk).create({"card_id": self.card.id, "points": 5, "reason": "Gift"})
        wizard = Wizard.with_user(self.manager).create(
            {"card_id": self.card.id, "direction": "remove", "points": 50, "reason": "Typo"}
        )
        with self.assertRaisesRegex(UserError, "Not enough points"):
            wizard.action_apply()
        wizard.points = 4
        wizard.action_apply()
        wizard.action_apply()  # a double click does not remove twice
        self.assert_balance(self.card, 6)
        move = self.moves(self.card)[0]
        self.assertEqual((move.move_type, move.reason, move.user_id), ("adjust", "Typo", self.manager))

    def test_a_clerk_reads_movements_but_cannot_post_them(self):
        ledger.post(self.card, 10, "earn")
        self.assertEqual(
            len(self.env["fidelite.points.move"].with_user(self.clerk).search([("card_id", "=", self.card.id)])), 1
        )
        with self.assertRaises(AccessError):
            self.env["fidelite.points.move"].with_user(self.clerk).check_access("create")

    def test_transfer_to_a_replacement_card_keeps_lots(self):
        self.program.write({"fidelite_expiry_policy": "months", "fidelite_expiry_months": 12})
        earn = ledger.post(self.card, 80, "earn")
        ledger.post(self.card, -30, "redeem")
        new_card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.member.id, "code": "FIDTEST0003"}
        )
        ledger.transfer(self.card, new_card, "Card lost")
        ledger.transfer(self.card, new_card, "Card lost")  # replayed: nothing more
        self.assert_balance(self.card, 0)
        self.assert_balance(new_card, 50)
        moved_in = self.moves(new_card)
        self.assertEqual(moved_in.expiry_date, earn.expiry_date, "the points keep their expiry date")
        self.assertEqual(moved_in.lot_move_id, earn)
