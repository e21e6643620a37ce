from odoo.tests import tagged
from odoo.tools import convert_file

from .common import FideliteInstallCase


@tagged("post_install", "-at_install")
class TestInstall(FideliteInstallCase):
    module = "fidelite_loyalty"

    def test_installed_views_menus(self):
        self.assert_installed()
        self.assertTrue(self.assert_menus_open())
        self.assertIn(
            self.env.ref("fidelite_loyalty.group_fidelite_user"),
            self.manager.all_group_ids,
            "a manager is also a user",
        )

    def test_demo_data_loads(self):
        """The demo data loads on a database without demo: a shop chain, members and a program."""
        convert_file(self.env, "fidelite_loyalty", "demo/fidelite_demo.xml", {}, mode="init")
        stores = self.env["pos.config"].search([("name", "like", "Comptoir %")])
        self.assertEqual(len(stores), 3)
        self.assertTrue(all(store.payment_method_ids for store in stores), "each store can take payments")
        program = self.env.ref("fidelite_loyalty.program_carte_club")
        self.assertEqual(program.program_type, "loyalty")
        catalogue = {reward.description: reward for reward in program.reward_ids}
        self.assertEqual(
            sorted((r.fidelite_category, r.required_points) for r in catalogue.values()),
            [("discount", 100), ("donation", 100), ("gift", 80)],
        )
        self.assertEqual(catalogue["Sac cabas offert"].fidelite_stock_left, 50)
        self.assertEqual(
            catalogue["5 € reversés aux Restos du Cœur"].fidelite_beneficiary_id.name[:14], "Les Restos du "
        )
        segment = self.env.ref("fidelite_loyalty.segment_slipping_away")
        self.assertIn(str(self.env.ref("fidelite_loyalty.rfm_at_risk").id), segment.domain)
        self.assertEqual(program.coupon_ids.partner_id.mapped("city"), ["Montpellier", "Nîmes", "Sète", "Montpellier"])
        self.assertEqual(program.fidelite_tier_ids.mapped("name"), ["Membre", "Privilège", "Prestige"])
        self.assertEqual(len(program.fidelite_rule_ids), 2)
        claire = self.env.ref("fidelite_loyalty.member_claire_dubois")
        self.assertEqual(claire.fidelite_dependant_ids.mapped("first_name"), ["Thomas", "Léa"])
        self.assertTrue(claire.fidelite_consent_sms)
        self.assertTrue(claire.fidelite_member_number)
        montpellier = self.env.ref("fidelite_loyalty.outlet_montpellier")
        self.assertEqual(
            (montpellier.state, montpellier.pos_config_id.name), ("open", "Comptoir Montpellier — Écusson")
        )
        self.assertIn(program, montpellier.program_ids)
        self.assertEqual(self.env.ref("fidelite_loyalty.outlet_popup_noel").kind, "popup")
        bookshop = self.env.ref("fidelite_loyalty.merchant_librairie")
        self.assertEqual((bookshop.outlet_id.kind, bookshop.outlet_id.program_ids), ("partner", program))
