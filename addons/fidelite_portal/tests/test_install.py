from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.tests.common import FideliteInstallCase


@tagged("post_install", "-at_install")
class TestInstall(FideliteInstallCase):
    module = "fidelite_portal"

    def test_installed_views(self):
        self.assert_installed()
        views = self.assert_views_validate()
        self.assertIn("fidelite_portal.portal_my_fidelite", views.mapped("xml_id"))
