from datetime import date, timedelta

from odoo import fields
from odoo.tests import tagged

from ..services import ledger
from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestExpiry(LedgerCase):
    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.card)

    def _earn(self, points, expires_in_days):
        expiry = self.today + timedelta(days=expires_in_days) if expires_in_days is not None else False
        return ledger.post(self.card, points, "earn", expiry_date=expiry)

    def test_policy_dates(self):
        self.program.fidelite_expiry_policy = "months"
        self.program.fidelite_expiry_months = 12
        self.assertEqual(self.program._fidelite_expiry_date(date(2026, 2, 28)), date(2027, 2, 28))
        self.program.fidelite_expiry_policy = "end_of_next_year"
        self.assertEqual(self.program._fidelite_expiry_date(date(2026, 3, 5)), date(2028, 1, 1))
        self.program.fidelite_expiry_policy = "never"
        self.assertFalse(self.program._fidelite_expiry_date(date(2026, 3, 5)))
        self.program.write({"fidelite_expiry_policy": "months", "fidelite_expiry_months": 6})
        move = ledger.post(self.card, 10, "earn")
        self.assertEqual(move.expiry_date, self.program._fidelite_expiry_date(move.date.date()))
        self.assertEqual(self.card.fidelite_next_expiry, move.expiry_date)

    def test_spending_uses_the_points_that_expire_first(self):
        late = self._earn(50, 200)
        never = self._earn(30, None)
        soon = self._earn(100, 20)
        ledger.post(self.card, -120, "redeem")
        remaining = {lot.move: lot.remaining for lot in ledger.lots(self.card)}
        self.assertEqual(remaining, {soon: 0, late: 30, never: 30})

    def test_cron_expires_what_is_due_once(self):
        due = self._earn(100, -1)
        self._earn(50, 5)
        self._earn(30, None)
        ledger.post(self.card, -60, "redeem")  # consumes 60 of the lot that is due
        self.env["loyalty.card"]._cron_fidelite_expire_points()
        expired = self.moves(self.card).filtered(lambda move: move.move_type == "expire")
        self.assertEqual(expired.points, -40, "only the unspent part of the lot expires")
        self.assertEqual(expired.lot_move_id, due)
        self.assertEqual(self.card.fidelite_next_expiry, self.today + timedelta(days=5))
        self.env["loyalty.card"]._cron_fidelite_expire_points()
        self.assertEqual(len(self.moves(self.card).filtered(lambda move: move.move_type == "expire")), 1)
        self.assert_balance(self.card, 80)

    def test_points_expiring_soon_are_queryable(self):
        self._earn(50, 5)
        self._earn(20, 40)
        self._earn(30, None)
        other = self.env["loyalty.card"].create({"program_id": self.program.id, "code": "FIDTEST0009"})
        ledger.post(other, 10, "earn", expiry_date=self.today + timedelta(days=90))
        Card = self.env["loyalty.card"]
        self.assertEqual(Card.search(Card._fidelite_cards_expiring_domain(30)), self.card)
        self.assertEqual(self.card._fidelite_points_expiring(30), {self.card: 50})
        self.assertEqual(self.card._fidelite_points_expiring(60), {self.card: 70})
