from datetime import date, datetime, timedelta

from odoo.tests import TransactionCase, tagged

from ..services import member_scores, rules, segments
from .ledger_common import make_loyalty_program

AS_OF = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestMemberScores(TransactionCase):
    """Scores compare members with each other: quintiles, Pareto classes, lifecycle, lifetime value."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(su=True)  # the refresh runs as superuser; these tests look at its results
        cls.company = cls.env.company
        cls.partners = cls.env["res.partner"].create([{"name": f"Member {i:03d}"} for i in range(120)])

    def members(self, rows):
        """Member figures as the refresh writes them: ``rows`` of {field: value}."""
        return self.env["fidelite.member.kpi"].create(
            [
                {"partner_id": partner.id, "company_id": self.company.id, **values}
                for partner, values in zip(self.partners, rows, strict=False)
            ]
        )

    def visits(self, count, first_days_ago, last_days_ago, basket=10.0):
        return {
            "visit_count": count,
            "first_visit": AS_OF - timedelta(days=first_days_ago),
            "last_visit": AS_OF - timedelta(days=last_days_ago),
            "revenue": basket * count,
            "average_basket": basket,
            "mean_days_between": (first_days_ago - last_days_ago) / (count - 1) if count > 1 else False,
        }

    def test_rfm_quintiles_and_ties(self):
        kpis = self.members([self.visits(1 + i, 300, 100 - 10 * i, basket=10.0 + i) for i in range(10)])
        kpis[8].write({"revenue": kpis[9].revenue})  # a tie on the amount
        member_scores.score_all(self.env, AS_OF)
        self.assertEqual(kpis[0].rfm_code, "111", "the least recent, least frequent, smallest")
        self.assertEqual(kpis[9].rfm_code, "555")
        self.assertEqual(kpis[8].m_score, kpis[9].m_score, "equal amounts, equal scores")
        self.assertEqual([kpi.r_score for kpi in kpis], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        self.assertEqual(kpis[9].rfm_segment_id, self.env.ref("fidelite_loyalty.rfm_champions"))
        self.assertEqual(kpis[0].rfm_segment_id, self.env.ref("fidelite_loyalty.rfm_lost"))

    def test_abc_classes_with_ties_at_the_boundary(self):
        kpis = self.members([self.visits(1, 10, 10, basket=amount) for amount in (50, 30, 10, 5, 5)])
        member_scores.score_all(self.env, AS_OF)
        self.assertEqual(kpis.mapped("abc_class"), ["a", "a", "b", "c", "c"])
        self.company.fidelite_abc_a_share = 40
        member_scores.score_all(self.env, AS_OF)
        self.assertEqual(kpis.mapped("abc_class"), ["a", "b", "b", "c", "c"])

    def test_lifecycle_thresholds_and_won_back(self):
        rhythm_10 = self.visits(11, 300, 15)  # every 30 days: 15 days away is fine
        kpis = self.members(
            [
                rhythm_10,
                self.visits(11, 300, 61),  # twice their rhythm and more: at risk
                self.visits(3, 400, 200),  # lapsed
                self.visits(3, 800, 400),  # lost
                self.visits(2, 30, 5),  # new
                {"visit_count": 0},  # prospect
                dict(self.visits(5, 900, 3), lifecycle="lost", lifecycle_since=AS_OF - timedelta(days=90)),
            ]
        )
        member_scores.score_all(self.env, AS_OF)
        self.assertEqual(
            kpis.mapped("lifecycle"), ["active", "at_risk", "lapsed", "lost", "new", "prospect", "won_back"]
        )
        self.assertEqual(kpis[6].lifecycle_since, AS_OF)
        member_scores.score_all(self.env, AS_OF + timedelta(days=100))
        self.assertNotEqual(kpis[6].lifecycle, "won_back", "won back only for a while")

    def test_lifetime_value_has_the_right_order_of_magnitude(self):
        """Monthly customers for two years: half still coming, half gone a year ago."""
        regular = [dict(self.visits(25, 720, 5, basket=40.0), revenue_365=480.0) for _ in range(50)]
        gone = [self.visits(12, 720, 360, basket=40.0) for _ in range(50)]
        kpis = self.members(regular + gone)
        member_scores.score_all(self.env, AS_OF)
        staying, leaving = kpis[:50], kpis[50:]
        for kpi in staying:
            self.assertGreater(kpi.p_alive, 0.8)
            self.assertTrue(6 <= kpi.expected_visits <= 24, f"about 12 visits a year, not {kpi.expected_visits}")
            self.assertTrue(240 <= kpi.clv_predicted <= 960, "about 12 baskets of 40 €")
        for kpi in leaving:
            self.assertLess(kpi.p_alive, 0.2)
            self.assertLess(kpi.clv_predicted, staying[0].clv_predicted / 5)
        self.assertEqual(set(staying.mapped("quadrant")), {"desirable"}, "high value now and to come")
        self.assertEqual(set(leaving.mapped("quadrant")), {"undesirable"})
        self.assertEqual(staying[0].clv_historical, 1000.0)

    def test_segment_refreshes_and_drives_a_bonus_rule(self):
        kpis = self.members([self.visits(11, 300, 61), self.visits(11, 300, 15)])
        member_scores.score_all(self.env, AS_OF)
        segment = self.env["fidelite.segment"].create(
            {"name": "Slipping away", "domain": "[('fidelite_kpi_ids.lifecycle', '=', 'at_risk')]"}
        )
        segments.refresh(segment)
        self.assertEqual(segment.member_count, 1)
        self.assertTrue(segment._fidelite_contains(kpis[0].partner_id))
        self.assertFalse(segment._fidelite_contains(kpis[1].partner_id))
        program = make_loyalty_program(self.env)
        rule = self.env["fidelite.rule"].create(
            {"name": "Come back", "program_id": program.id, "segment_id": segment.id, "value": 3}
        )
        noon = datetime(2026, 6, 30, 12, 0)
        card, products = self.env["loyalty.card"], self.env["product.product"]
        slipping = rules.make_basket(kpis[0].partner_id, card, products, 20.0, 20.0, noon)
        regular = rules.make_basket(kpis[1].partner_id, card, products, 20.0, 20.0, noon)
        self.assertTrue(rules.evaluate(rule, slipping).fired)
        self.assertFalse(rules.evaluate(rule, regular).fired)

    def test_snapshot_and_transition_matrix(self):
        kpis = self.members([self.visits(11, 300, 15), self.visits(11, 300, 61)])
        member_scores.score_all(self.env, AS_OF)
        member_scores.snapshot(self.env, AS_OF)
        History = self.env["fidelite.member.score.history"]
        kept = History.search([("partner_id", "in", kpis.partner_id.ids)])
        self.assertEqual(len(kept), 2)
        # later in the month the scores move, the month keeps what its first refresh found
        newcomer = self.env["fidelite.member.kpi"].create(
            {"partner_id": self.partners[2].id, "company_id": self.company.id, **self.visits(3, 40, 2)}
        )
        member_scores.score_all(self.env, AS_OF)
        member_scores.snapshot(self.env, AS_OF)
        self.assertEqual(History.search([("partner_id", "in", (kpis | newcomer).partner_id.ids)]), kept)
        newcomer.unlink()
        member_scores.score_all(self.env, AS_OF)
        later = AS_OF + timedelta(days=60)  # the first stays away, the second came back
        kpis[1].last_visit = AS_OF + timedelta(days=50)
        member_scores.score_all(self.env, later)
        member_scores.snapshot(self.env, later)
        wizard = self.env["fidelite.segment.transition.wizard"].create(
            {"dimension": "lifecycle", "period_from": AS_OF, "period_to": later}
        )
        action = wizard.action_compare()
        cells = self.env["fidelite.segment.transition"].search(action["domain"])
        self.assertEqual(
            sorted((cell.source, cell.target, cell.members) for cell in cells),
            [("Active", "At risk", 1), ("At risk", "Active", 1)],
        )
        self.assertEqual(wizard.stability, 0.0)
