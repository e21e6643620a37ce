from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from ..services import member_kpis
from .pos_common import PosOrderCase

COMPARED = (
    "first_visit",
    "last_visit",
    "visit_count",
    "revenue",
    "revenue_incl",
    "margin",
    "average_basket",
    "mean_days_between",
    "revenue_30",
    "revenue_90",
    "revenue_365",
    "preferred_store_id",
    "preferred_category_id",
    "points_earned",
    "points_spent",
    "rewards_used",
)


@tagged("post_install", "-at_install")
class TestMemberKpis(PosOrderCase):
    """Members' figures from real POS orders: by hand, incrementally and rebuilt, the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.beans.taxes_id = False
        cls.today = fields.Date.today()
        cls.lyon = cls.other_currency_config
        cls.other = cls.env["res.partner"].create({"name": "Nour Benali"})
        cls.prospect = cls.env["res.partner"].create({"name": "Inès Petit"})
        cls.env["loyalty.card"].create({"program_id": cls.program.id, "partner_id": cls.prospect.id})

    def place(self, customer, quantity, days_ago, store=None):
        order = self.sync(self.order_data([(self.beans, quantity)], customer=customer))
        moment = fields.Datetime.now() - timedelta(days=days_ago)
        self.env.cr.execute(
            "UPDATE pos_order SET date_order = %s, config_id = %s WHERE id = %s",
            [moment, (store or self.config).id, order.id],
        )
        order.invalidate_recordset(["date_order", "config_id"])
        return order

    def refund(self, original, quantity, days_ago):
        line = original.lines.filtered(lambda line: line.product_id == self.beans)
        data = self.order_data([{"product": self.beans, "quantity": -quantity, "refunded_orderline_id": line.id}])
        order = self.sync(data)
        self.env.cr.execute(
            "UPDATE pos_order SET date_order = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=days_ago), order.id],
        )
        order.invalidate_recordset(["date_order"])
        return order

    def history(self):
        first = self.place(self.member, 1, 100)
        self.place(self.member, 2, 40)
        last = self.place(self.member, 3, 10, store=self.lyon)
        self.refund(last, 1, 5)
        self.place(self.other, 20, 200)
        return first

    def kpi(self, partner):
        return self.env["fidelite.member.kpi"].sudo().search([("partner_id", "in", partner.ids)])

    def test_figures_match_a_hand_computation(self):
        self.history()
        run = self.env["fidelite.member.kpi"].sudo()._fidelite_rebuild()
        self.assertEqual(run.state, "done")
        self.assertIn("members:", run.log)
        lou = self.kpi(self.member)
        self.assertEqual(lou.first_visit, self.today - timedelta(days=100))
        self.assertEqual(lou.last_visit, self.today - timedelta(days=10), "a refund is not a visit")
        self.assertEqual(lou.visit_count, 3)
        self.assertAlmostEqual(lou.revenue, 50.0)  # 10 + 20 + 30 - 10 refunded
        self.assertAlmostEqual(lou.average_basket, 50.0 / 3)
        self.assertAlmostEqual(lou.mean_days_between, 45.0)
        self.assertAlmostEqual(lou.revenue_30, 20.0)  # the 30 € of 10 days ago, less the refund
        self.assertAlmostEqual(lou.revenue_90, 40.0)
        self.assertAlmostEqual(lou.revenue_365, 50.0)
        self.assertEqual(lou.preferred_store_id, self.config, "two visits in the first store, one in Lyon")
        self.assertEqual(lou.preferred_category_id, self.beans.categ_id)
        self.assertEqual(lou.points_earned, 60.0, "points of the three purchases")
        nour = self.kpi(self.other)
        self.assertEqual((nour.visit_count, nour.revenue, nour.mean_days_between), (1, 200.0, 0.0))
        ines = self.kpi(self.prospect)
        self.assertEqual((ines.visit_count, ines.lifecycle, ines.rfm_code), (0, "prospect", False))
        stores = self.env["fidelite.member.store.kpi"].sudo().search([("partner_id", "=", self.member.id)])
        self.assertEqual(
            sorted((s.store_id.name, s.visit_count, s.revenue) for s in stores),
            sorted([(self.config.name, 2, 20.0), (self.lyon.name, 1, 30.0)]),  # the refund was in the first
        )

    def figures(self, partners):
        return {kpi.partner_id: {name: kpi[name] for name in COMPARED} for kpi in self.kpi(partners)}

    def assertSameFigures(self, partners, expected):
        got = self.figures(partners)
        self.assertEqual(set(got), set(expected))
        for partner, values in got.items():
            for name in COMPARED:
                with self.subTest(member=partner.name, figure=name):
                    if isinstance(values[name], float):
                        self.assertAlmostEqual(values[name], expected[partner][name], places=6)
                    else:
                        self.assertEqual(values[name], expected[partner][name])

    def test_incremental_and_rebuilt_figures_are_the_same(self):
        self.history()
        members = self.member | self.other
        Kpi = self.env["fidelite.member.kpi"].sudo()
        Kpi._fidelite_rebuild(deep=True)
        rebuilt = self.figures(members)
        Day = self.env["fidelite.member.store.day"].sudo()
        facts = sorted(
            Day.search([("partner_id", "in", members.ids)]).mapped(lambda d: (d.partner_id.id, d.day, d.visits))
        )
        for table in (
            "fidelite_member_kpi",
            "fidelite_member_store_kpi",
            "fidelite_member_category_kpi",
            "fidelite_member_store_day",
        ):
            self.env.cr.execute(f"DELETE FROM {table}")
        self.env.invalidate_all()
        orders = self.env["pos.order"].search([("partner_id", "in", members.ids)], order="id")
        for order in orders:
            member_kpis.record_order(order)
        self.assertSameFigures(members, rebuilt)
        self.assertEqual(
            sorted(
                Day.search([("partner_id", "in", members.ids)]).mapped(lambda d: (d.partner_id.id, d.day, d.visits))
            ),
            facts,
            "the orders paid one by one make the same purchases per store and day as the deep rebuild",
        )
        # the nightly refresh reads the facts the orders fed, not the orders: same figures again
        run = Kpi._fidelite_rebuild()
        self.assertFalse(run.deep)
        self.assertNotIn("categories:", run.log)
        self.assertSameFigures(members, rebuilt)

    def test_first_refresh_is_deep_and_nightly_refresh_reads_the_facts(self):
        self.history()
        Kpi = self.env["fidelite.member.kpi"].sudo()
        self.env["fidelite.kpi.refresh"].sudo().search([]).unlink()
        first = Kpi._fidelite_rebuild()
        self.assertTrue(first.deep, "without a deep rebuild done, the facts are built from the orders first")
        self.assertIn("days:", first.log)
        # an order changed behind the back of the incremental path is seen by the next deep rebuild only
        self.env.cr.execute("UPDATE pos_order SET state = 'cancel' WHERE partner_id = %s", [self.other.id])
        self.assertEqual(self.kpi(self.other).visit_count, 1)
        Kpi._fidelite_rebuild()
        self.assertEqual(self.kpi(self.other).visit_count, 1)
        Kpi._fidelite_rebuild(deep=True)
        self.assertEqual(self.kpi(self.other).visit_count, 0)

    def test_pareto_curve(self):
        self.history()
        self.env["fidelite.member.kpi"].sudo()._fidelite_rebuild()
        points = self.env["fidelite.pareto.point"].sudo().search([("company_id", "=", self.env.company.id)])
        self.assertEqual(
            [(p.member_share, round(p.revenue_share, 1), p.abc_class, p.revenue, p.members) for p in points],
            [(50, 80.0, "a", 200.0, 1), (100, 100.0, "b", 50.0, 1)],
            "half of the members (Nour) make 80 % of the revenue",
        )

    def test_a_paid_order_updates_the_figures_at_once(self):
        self.sync(self.order_data([(self.beans, 4)]))
        kpi = self.kpi(self.member)
        self.assertEqual((kpi.visit_count, kpi.revenue, kpi.last_visit), (1, 40.0, self.today))
        self.assertEqual(kpi.preferred_store_id, self.config)

    def test_a_new_customers_first_sales_order_counts_at_once(self):
        # customer, product and order created and confirmed in one transaction, nothing flushed
        env = self.env(su=True)  # a salesman's rights, which the test user lacks
        customer = env["res.partner"].create({"name": "Nouvelle cliente"})
        product = env["product.product"].create({"name": "Coffret", "list_price": 30.0, "taxes_id": False})
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        kpi = self.kpi(customer)
        self.assertEqual((kpi.visit_count, kpi.revenue), (1, 60.0))

    def test_an_empty_database_refreshes_without_error(self):
        self.env.cr.execute("UPDATE pos_order SET state = 'cancel'")
        run = self.env["fidelite.member.kpi"].sudo()._fidelite_rebuild()
        self.assertEqual(run.state, "done")
        self.assertEqual(set(self.env["fidelite.member.kpi"].sudo().search([]).mapped("lifecycle")), {"prospect"})
        self.assertFalse(self.env["fidelite.cohort.cell"].sudo().search([]))

    def test_cohort_retention(self):
        self.history()
        self.env["fidelite.member.kpi"].sudo()._fidelite_rebuild()
        cells = self.env["fidelite.cohort.cell"].sudo().search([])
        first_month = (self.today - timedelta(days=100)).replace(day=1)
        lou_cohort = cells.filtered(lambda cell: cell.cohort == first_month)
        self.assertEqual(lou_cohort.filtered(lambda cell: cell.months_after == 0).retention, 100.0)
        self.assertTrue(all(cell.members <= cell.cohort_size for cell in cells))

    def invoice(self, partner, amount, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": self.today - timedelta(days=3),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.beans.id, "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_invoices_count_where_the_company_counts_them(self):
        self.env.company.fidelite_kpi_invoices = True
        self.invoice(self.other, 100.0)
        self.invoice(self.other, 30.0, "out_refund")
        kpi = self.kpi(self.other)
        self.assertEqual((kpi.visit_count, kpi.revenue, kpi.last_visit), (1, 70.0, self.today - timedelta(days=3)))
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.other.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.beans.id,
                                "product_uom_qty": 5,
                                "price_unit": 10.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order._create_invoices().action_post()
        self.assertEqual(
            (kpi.visit_count, kpi.revenue), (2, 120.0), "the invoice of a sales order is not counted twice"
        )
        incremental = self.figures(self.other)
        Kpi = self.env["fidelite.member.kpi"].sudo()
        Kpi._fidelite_rebuild(deep=True)
        self.assertSameFigures(self.other, incremental)
        category = self.env["fidelite.member.category.kpi"].sudo().search([("partner_id", "=", self.other.id)])
        self.assertEqual((category.category_id, category.revenue, category.line_count), (self.beans.categ_id, 120.0, 3))
        self.env.company.fidelite_kpi_invoices = False
        Kpi._fidelite_rebuild(deep=True)
        self.assertEqual((self.kpi(self.other).visit_count, self.kpi(self.other).revenue), (1, 50.0))
