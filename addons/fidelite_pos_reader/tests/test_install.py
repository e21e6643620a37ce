from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.tests.common import FideliteInstallCase


@tagged("post_install", "-at_install")
class TestInstall(FideliteInstallCase):
    module = "fidelite_pos_reader"

    def test_installed_views(self):
        self.assert_installed()
        self.assertTrue(self.assert_views_validate())

    def test_settings_reach_the_pos(self):
        config = self.env["pos.config"].create({"name": "Caisse test"})
        self.assertEqual(config.fidelite_reader_url, "ws://127.0.0.1:8790")
        settings = self.env["res.config.settings"].create({"pos_config_id": config.id})
        settings.pos_fidelite_reader_enabled = True
        settings.pos_fidelite_reader_url = "ws://127.0.0.1:9999"
        settings.execute()
        self.assertTrue(config.fidelite_reader_enabled)
        self.assertEqual(config.fidelite_reader_url, "ws://127.0.0.1:9999")

    def test_bad_bridge_address_refused(self):
        config = self.env["pos.config"].create({"name": "Caisse test"})
        with self.assertRaisesRegex(ValidationError, "ws://"):
            config.write({"fidelite_reader_enabled": True, "fidelite_reader_url": "http://127.0.0.1:8790"})

    def test_new_tokens_can_be_typed_after_the_option(self):
        """A new till token never starts with "-": typed after ``--token`` on the bridge's
        command line, it would be taken for an option and the bridge would not start."""
        config = self.env["pos.config"].create({"name": "Caisse test"})
        tokens = set()
        for _attempt in range(1000):  # one token_urlsafe in 64 starts with "-"
            config.action_fidelite_new_reader_token()
            tokens.add(config.fidelite_reader_token)
        self.assertEqual(len(tokens), 1000)
        self.assertFalse([token for token in tokens if token.startswith("-")])
