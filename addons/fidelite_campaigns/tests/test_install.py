from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.tests.common import FideliteInstallCase


@tagged("post_install", "-at_install")
class TestInstall(FideliteInstallCase):
    module = "fidelite_campaigns"

    def test_installed_views_menus(self):
        self.assert_installed()
        self.assert_views_validate()
        menus = self.assert_menus_open()
        self.assertEqual(
            sorted(menu.action.res_model for menu in menus if menu.action),
            [
                "fidelite.chain",
                "fidelite.chain.participant",
                "fidelite.chain.trace",
                "fidelite.postal.batch",
                "fidelite.pressure.rule",
                "mailing.mailing",
                "mailing.mailing",
                "survey.survey",
            ],
        )
