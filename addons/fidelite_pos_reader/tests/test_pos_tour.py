from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


@tagged("post_install", "-at_install")
class TestPosTour(TestPointOfSaleHttpCommon):
    def test_pos_opens_with_fidelite_assets(self):
        """The POS bundle compiles with our patches: a session opens and sells."""
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fidelite_pos_opens")
        session = self.main_pos_config.current_session_id
        self.assertEqual(len(session.order_ids), 1)
        self.assertEqual(session.order_ids.state, "paid")
