from odoo import Command
from odoo.tests import TransactionCase


class FideliteInstallCase(TransactionCase):
    """Checks that an addon is installed and that everything it declares loads."""

    module = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Fidélité Manager",
                "login": f"fidelite_manager_{cls.module}",
                "group_ids": [Command.set([cls.env.ref("fidelite_loyalty.group_fidelite_manager").id])],
            }
        )

    def _module_records(self, model):
        data = self.env["ir.model.data"].search([("module", "=", self.module), ("model", "=", model)])
        return self.env[model].browse(data.mapped("res_id")).exists()

    def assert_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", self.module)])
        self.assertEqual(module.state, "installed", f"{self.module} is not installed")

    def assert_views_validate(self):
        views = self._module_records("ir.ui.view")
        for view in views:
            with self.subTest(view=view.xml_id or view.name):
                if view.type == "qweb":
                    self.assertTrue(view.get_combined_arch())
                    continue
                root = view
                while root.inherit_id and root.mode != "primary":
                    root = root.inherit_id
                arch = self.env[view.model].get_view(root.id, view.type)["arch"]
                self.assertTrue(arch)
        return views

    def assert_menus_open(self):
        menus = self._module_records("ir.ui.menu")
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        for menu in menus:
            with self.subTest(menu=menu.complete_name):
                self.assertIn(menu.id, visible, f"the manager cannot see {menu.complete_name}")
                action = menu.action
                if action and action._name == "ir.actions.act_window":
                    model = self.env[action.res_model].with_user(self.manager)
                    modes = [(v.view_id.id, v.view_mode) for v in action.view_ids] or [
                        (False, mode) for mode in action.view_mode.split(",")
                    ]
                    self.assertTrue(model.get_views(modes)["views"])
                    model.search([], limit=1)
        return menus
