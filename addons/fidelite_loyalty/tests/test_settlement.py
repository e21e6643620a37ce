from datetime import date, datetime

from odoo.tests import TransactionCase, tagged

from ..services import ledger, settlement
from .ledger_common import LedgerAssertions, make_loyalty_program


@tagged("post_install", "-at_install")
class TestSettlement(TransactionCase, LedgerAssertions):
    """October 2026 at two partner merchants of a town-centre programme, settled in November."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env, name="Cœur de ville", fidelite_point_value=0.05)
        Merchant = cls.env["fidelite.partner.merchant"]
        cls.bookshop = Merchant.create(
            {
                "name": "Librairie du Centre",
                "partner_id": cls.env["res.partner"].create({"name": "Librairie du Centre SARL"}).id,
                "program_id": cls.program.id,
                "issue_point_value": 0.04,
                "redeem_point_value": 0.05,
            }
        )
        cls.cheese = Merchant.create(
            {
                "name": "Fromagerie Vidal",
                "partner_id": cls.env["res.partner"].create({"name": "Fromagerie Vidal"}).id,
                "program_id": cls.program.id,
                "issue_point_value": 0.03,
                "redeem_point_value": 0.05,
            }
        )
        cls.card = cls.env["loyalty.card"].create({"program_id": cls.program.id, "code": "SET0001"})
        moves = [
            # (merchant, points, when): the month runs from 1 October 00:00 to 31 October 23:59:59
            (cls.bookshop, 120, datetime(2026, 9, 30, 23, 59, 59)),  # September
            (cls.bookshop, 200, datetime(2026, 10, 1, 0, 0, 0)),
            (cls.bookshop, 35.5, datetime(2026, 10, 14, 12, 0)),
            (cls.cheese, 80, datetime(2026, 10, 15, 9, 30)),
            (cls.bookshop, -150, datetime(2026, 10, 20, 18, 0)),
            (cls.cheese, -60, datetime(2026, 10, 31, 23, 59, 59)),
            (cls.bookshop, -40, datetime(2026, 11, 1, 0, 0, 0)),  # November
        ]
        for number, (merchant, points, when) in enumerate(moves):
            ledger.post(
                cls.card,
                points,
                "earn" if points > 0 else "redeem",
                key=f"settlement:{number}",
                origin="api",
                merchant_id=merchant.id,
                outlet_id=merchant.outlet_id.id,
                date=when,
            )
        # the programme's own till in October: not a merchant's
        ledger.post(cls.card, 500, "earn", key="settlement:own", date=datetime(2026, 10, 10))

    def test_statement_of_a_known_month(self):
        statement = settlement.create_statement(self.bookshop, date(2026, 10, 31))
        self.assertEqual((statement.date_from, statement.date_to), (date(2026, 10, 1), date(2026, 10, 31)))
        self.assertEqual((statement.points_issued, statement.points_redeemed), (235.5, 150))
        # 235.5 x 0.04 = 9.42 owed by the bookshop, 150 x 0.05 = 7.50 owed to it
        self.assertEqual((statement.amount_issued, statement.amount_redeemed), (9.42, 7.5))
        self.assertAlmostEqual(statement.balance, 1.92)
        self.assertEqual(len(statement.move_ids), 3)
        cheese = settlement.create_statement(self.cheese, date(2026, 10, 2))
        self.assertEqual((cheese.amount_issued, cheese.amount_redeemed), (2.4, 3.0))
        self.assertAlmostEqual(cheese.balance, -0.6)
        # a later change of rate does not alter the statement, asked again it is the same record
        self.bookshop.issue_point_value = 1.0
        self.assertEqual(settlement.create_statement(self.bookshop, date(2026, 10, 5)), statement)
        self.assertEqual(statement.amount_issued, 9.42)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("fidelite_loyalty.action_report_fidelite_settlement", statement.ids)[0]
            .decode()
        )
        self.assertIn("Librairie du Centre SARL", html)
        self.assertIn("9.42", html)
        self.assertIn("1.92", html)

    def test_monthly_job_creates_last_month_once(self):
        statements = settlement.create_last_month(self.env, today=date(2026, 11, 3))
        self.assertEqual(statements.merchant_id, self.bookshop | self.cheese)
        self.assertEqual(set(statements.mapped("date_from")), {date(2026, 10, 1)})
        self.assertEqual(settlement.create_last_month(self.env, today=date(2026, 11, 20)), statements)
        self.assertEqual(self.env["fidelite.settlement"].search_count([]), 2)

    def test_confirm_posts_the_journal_entry(self):
        statement = settlement.create_statement(self.bookshop, date(2026, 10, 31))
        statement.action_confirm()  # no settlement journal: confirmed, no entry
        self.assertEqual(statement.state, "confirmed")
        self.assertFalse(statement.account_move_id)

        Account = self.env["account.account"]
        receivable = Account.create({"name": "Merchants", "code": "411900", "account_type": "asset_receivable"})
        payable = Account.create({"name": "Merchants (owed)", "code": "401900", "account_type": "liability_payable"})
        clearing = Account.create({"name": "Loyalty clearing", "code": "467900", "account_type": "liability_current"})
        journal = self.env["account.journal"].create({"name": "Loyalty settlements", "code": "FIDS", "type": "general"})
        self.env.company.write(
            {"fidelite_settlement_journal_id": journal.id, "fidelite_settlement_account_id": clearing.id}
        )
        self.bookshop.partner_id.write(
            {"property_account_receivable_id": receivable.id, "property_account_payable_id": payable.id}
        )
        cheese = settlement.create_statement(self.cheese, date(2026, 10, 31))
        self.cheese.partner_id.write(
            {"property_account_receivable_id": receivable.id, "property_account_payable_id": payable.id}
        )
        cheese.action_confirm()
        entry = cheese.account_move_id
        self.assertEqual((entry.state, entry.journal_id, entry.date), ("posted", journal, date(2026, 10, 31)))
        balances = {
            account: (sum(lines.mapped("debit")), sum(lines.mapped("credit")))
            for account in entry.line_ids.account_id
            for lines in [entry.line_ids.filtered(lambda line, account=account: line.account_id == account)]
        }
        # 80 points x 0.03 = 2.40 receivable, 60 points x 0.05 = 3.00 payable
        self.assertEqual(balances, {receivable: (2.4, 0.0), clearing: (3.0, 2.4), payable: (0.0, 3.0)})
        self.assertEqual(entry.line_ids.partner_id, self.cheese.partner_id)
