from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..services import ledger, network
from .ledger_common import LedgerAssertions, make_loyalty_program


@tagged("post_install", "-at_install")
class TestNetwork(TransactionCase, LedgerAssertions):
    """A franchisor's program valid in two franchisees: one card, three companies, three users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Company = cls.env["res.company"]
        cls.hq = Company.create({"name": "Comptoirs Franchise HQ"})
        cls.franchise_b = Company.create({"name": "Franchise Bellecour"})
        cls.franchise_c = Company.create({"name": "Franchise Croix-Rousse"})
        cls.outsider = Company.create({"name": "Not in the network"})
        cls.program = make_loyalty_program(
            cls.env(context=dict(cls.env.context, allowed_company_ids=cls.hq.ids)),
            name="Carte réseau",
            company_id=cls.hq.id,
            fidelite_company_ids=[Command.set([cls.franchise_b.id, cls.franchise_c.id])],
            fidelite_point_value=0.05,
            fidelite_cost_rule="earned",
        )
        cls.other_program = make_loyalty_program(
            cls.env(context=dict(cls.env.context, allowed_company_ids=cls.outsider.ids)),
            name="Carte voisine",
            company_id=cls.outsider.id,
        )
        Outlet = cls.env["fidelite.outlet"]
        cls.outlet_a = Outlet.create({"name": "Store A", "company_id": cls.hq.id})
        cls.outlet_b = Outlet.create({"name": "Store B", "company_id": cls.franchise_b.id})
        cls.outlet_c = Outlet.create({"name": "Store C", "company_id": cls.franchise_c.id})
        # a store's staff: cashiers (POS users) with Fidélité's user rights
        groups = "base.group_partner_manager,point_of_sale.group_pos_user,fidelite_loyalty.group_fidelite_user"
        cls.user_a, cls.user_b, cls.user_c = (
            new_test_user(
                cls.env, login=login, groups=groups, company_id=company.id, company_ids=[Command.set(company.ids)]
            )
            for login, company in (("net_a", cls.hq), ("net_b", cls.franchise_b), ("net_c", cls.franchise_c))
        )

    def as_user(self, user):
        return self.env(user=user, context=dict(self.env.context, allowed_company_ids=user.company_ids.ids))

    def test_enrolled_at_a_earns_at_b_redeems_at_c(self):
        env_a, env_b, env_c = self.as_user(self.user_a), self.as_user(self.user_b), self.as_user(self.user_c)
        # store A enrols the member and gives the first points
        member = env_a["res.partner"].create({"name": "Inès Rivière", "fidelite_enrolled_outlet_id": self.outlet_a.id})
        card = env_a["loyalty.card"].create({"program_id": self.program.id, "partner_id": member.id, "code": "NET0001"})
        ledger.post(card, 50, "earn", key="net:a", origin="pos", outlet_id=self.outlet_a.id)
        # store B, another company, finds the card and the member, and credits it
        found = env_b["loyalty.card"].fidelite_lookup("NET0001")
        self.assertEqual((found["id"], found["points"], found["partner_name"]), (card.id, 50, "Inès Rivière"))
        card_b = env_b["loyalty.card"].browse(card.id)
        ledger.post(card_b, 120, "earn", key="net:b", origin="pos", outlet_id=self.outlet_b.id)
        # store C redeems; its user reads the whole history of the card
        card_c = env_c["loyalty.card"].browse(card.id)
        ledger.post(card_c, -100, "redeem", key="net:c", origin="pos", outlet_id=self.outlet_c.id)
        for env in (env_a, env_b, env_c):
            with self.subTest(user=env.user.login):
                shared = env["loyalty.card"].browse(card.id)
                self.assertEqual(shared.points, 70)
                self.assertEqual(shared.partner_id.name, "Inès Rivière")
                moves = env["fidelite.points.move"].search([("card_id", "=", card.id)])
                self.assertEqual(sorted(moves.mapped("points")), [-100, 50, 120])
                self.assertEqual(env["loyalty.card"].search_count([("program_id", "=", self.program.id)]), 1)
                self.assertTrue(shared.history_ids)
        self.assert_balance(card, 70)
        self.assertEqual(self.env["fidelite.points.move"].search([("card_id", "=", card.id)]).company_id, self.hq)
        # the head office sees every outlet's figures; the franchisees their own only
        self.env.flush_all()
        figures = self.figures(env_a)
        self.assertEqual(figures[self.outlet_a]["members_recruited"], 1)
        self.assertEqual(figures[self.outlet_a]["points_issued"], 50)
        self.assertEqual(figures[self.outlet_b]["points_issued"], 120)
        self.assertEqual(figures[self.outlet_c]["points_redeemed"], 100)
        # 100 points at 0.05 cost 5.00, borne where they were earned: 50/170 by A, 120/170 by B
        self.assertAlmostEqual(figures[self.outlet_a]["reward_cost"], 5.0 * 50 / 170, places=4)
        self.assertAlmostEqual(figures[self.outlet_b]["reward_cost"], 5.0 * 120 / 170, places=4)
        self.assertAlmostEqual(figures[self.outlet_c]["reward_cost"], 0.0, places=4)
        # 70 points left, 3.50, spread the same way
        self.assertAlmostEqual(figures[self.outlet_a]["liability"], 3.5 * 50 / 170, places=4)
        self.assertAlmostEqual(figures[self.outlet_b]["liability"], 3.5 * 120 / 170, places=4)
        self.assertEqual(set(self.figures(env_b)), {self.outlet_b})
        self.assertEqual(set(self.figures(env_c)), {self.outlet_c})

    def figures(self, env):
        measures = ["members_recruited", "points_issued", "points_redeemed", "reward_cost", "liability"]
        groups = env["fidelite.outlet.report"]._read_group(
            [("outlet_id", "!=", False)], ["outlet_id"], [f"{m}:sum" for m in measures]
        )
        return {outlet.sudo(): dict(zip(measures, values, strict=True)) for outlet, *values in groups}

    def test_cost_rules(self):
        card = self.env["loyalty.card"].create({"program_id": self.program.id, "code": "NET0002"})
        ledger.post(card, 30, "earn", key="cost:a", outlet_id=self.outlet_a.id)
        ledger.post(card, 10, "earn", key="cost:b", outlet_id=self.outlet_b.id)
        ledger.post(card, -20, "redeem", key="cost:c", outlet_id=self.outlet_c.id)
        # a later earning does not change who bore an earlier redemption
        ledger.post(
            card, 60, "earn", key="cost:b2", outlet_id=self.outlet_b.id, date=fields.Datetime.now() + timedelta(hours=1)
        )
        expected = {
            # 20 points x 0.05 = 1.00
            "redeemed": {self.outlet_a: 0.0, self.outlet_b: 0.0, self.outlet_c: 1.0},
            "earned": {self.outlet_a: 0.75, self.outlet_b: 0.25, self.outlet_c: 0.0},
            "split": {self.outlet_a: 0.225, self.outlet_b: 0.075, self.outlet_c: 0.7},
        }
        for rule, costs in expected.items():
            with self.subTest(rule=rule):
                self.program.write({"fidelite_cost_rule": rule, "fidelite_cost_redeemed_share": 70})
                self.env.flush_all()
                figures = self.figures(self.env)
                for outlet, cost in costs.items():
                    self.assertAlmostEqual(figures.get(outlet, {}).get("reward_cost", 0.0), cost, places=4)

    def test_a_company_outside_the_network_sees_nothing(self):
        card = self.env["loyalty.card"].create({"program_id": self.program.id, "code": "NET0003"})
        ledger.post(card, 10, "earn", key="outsider:a", outlet_id=self.outlet_a.id)
        user = new_test_user(
            self.env,
            login="net_x",
            groups="base.group_user,fidelite_loyalty.group_fidelite_user",
            company_id=self.outsider.id,
            company_ids=[Command.set(self.outsider.ids)],
        )
        env_x = self.as_user(user)
        self.assertFalse(env_x["loyalty.card"].search([("code", "=", "NET0003")]))
        self.assertFalse(env_x["fidelite.points.move"].search([("card_id", "=", card.id)]))
        with self.assertRaises(AccessError):
            env_x["loyalty.card"].browse(card.id).points  # noqa: B018
        # and the network's users do not see the outsider's program
        self.assertFalse(self.as_user(self.user_b)["loyalty.program"].search([("id", "=", self.other_program.id)]))

    def test_pop_up_store_opens_and_closes_without_touching_members(self):
        today = fields.Date.context_today(self.env["fidelite.outlet"])
        popup = self.env["fidelite.outlet"].create(
            {
                "name": "Christmas market chalet",
                "kind": "popup",
                "company_id": self.franchise_b.id,
                "date_start": today + timedelta(days=2),
                "date_end": today + timedelta(days=20),
            }
        )
        member = self.env["res.partner"].create({"name": "Léon Vidal", "fidelite_enrolled_outlet_id": popup.id})
        card = self.env["loyalty.card"].create({"program_id": self.program.id, "partner_id": member.id})
        ledger.post(card, 40, "earn", key="popup:a", outlet_id=self.outlet_a.id)
        self.assertEqual(popup.state, "planned")
        self.assertFalse(network.programs_at(popup))
        self.assertEqual(network.programs_at(popup, today + timedelta(days=3)), self.program)
        self.assertEqual(network.programs_at(self.outlet_b), self.program)
        self.assertFalse(network.programs_at(self.outlet_b).filtered(lambda p: p == self.other_program))
        popup.date_start = today - timedelta(days=10)
        self.assertEqual(popup.state, "open")
        self.assertIn(popup, self.env["fidelite.outlet"].search([("state", "=", "open")]))
        popup.action_close_today()
        self.assertEqual(popup.state, "open")  # trades until tonight
        popup.date_end = today - timedelta(days=1)
        self.assertEqual(popup.state, "closed")
        self.assertFalse(network.programs_at(popup))
        self.assertIn(popup, self.env["fidelite.outlet"].search([("state", "=", "closed")]))
        # the member, the card and the points are as they were
        self.assertEqual(member.fidelite_enrolled_outlet_id, popup)
        self.assert_balance(card, 40)
        self.assertEqual(card.fidelite_state, "active")

    def test_sales_orders_of_a_franchisee_use_the_network_program(self):
        member = self.env["res.partner"].create({"name": "Odile Marchand"})
        programs = self.env["loyalty.program"].with_context(active_test=False)
        for company, expected in ((self.franchise_b, True), (self.outsider, False)):
            with self.subTest(company=company.name):
                order = (
                    self.env["sale.order"]
                    .with_company(company)
                    .create({"partner_id": member.id, "company_id": company.id})
                )
                found = programs.search(order._get_program_domain())
                self.assertEqual(self.program in found, expected)

    def test_a_closed_store_till_does_not_load_the_program(self):
        self.env["pos.config"]._fidelite_load_demo_stores([("fidelite_loyalty.test_popup_till", "Pop-up till")])
        till = self.env.ref("fidelite_loyalty.test_popup_till")
        program = make_loyalty_program(self.env, name="Chain card")
        self.assertIn(program, till._get_program_ids())  # a till without an outlet: as in Odoo
        today = fields.Date.context_today(till)
        outlet = self.env["fidelite.outlet"].create(
            {
                "name": "Summer pop-up",
                "kind": "popup",
                "pos_config_id": till.id,
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=30),
            }
        )
        self.assertIn(program, till._get_program_ids())
        self.assertEqual(till.fidelite_outlet_ids, outlet)
        card = self.env["loyalty.card"].create({"program_id": program.id, "code": "NETPOS01"})
        ledger.post(card, 15, "earn", key="popup:till", origin="pos", store_id=till.id)
        self.assertEqual(self.moves(card).outlet_id, outlet)  # the till's outlet, found by the ledger
        outlet.date_end = today - timedelta(days=1)
        self.assertFalse(till._get_program_ids())
        self.assertNotIn(program, self.network_programs(till))
        self.assert_balance(card, 15)

    def network_programs(self, till):
        return self.env["fidelite.outlet"].search([("pos_config_id", "=", till.id)]).program_ids
