"""Every string the Fidélité addons show has a French translation."""

from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader
from tools.fidelite_dev import ADDONS

ADDONS_DIR = Path(__file__).resolve().parents[1] / "addons"


class TestFrenchTranslations(TransactionCase):
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"

    def test_every_term_is_translated_in_french(self):
        reader = TranslationModuleReader(self.env.cr, modules=list(ADDONS))
        terms = {}
        for module, _ttype, _name, _res_id, source, _value, _comments in reader:
            if source.strip():
                terms.setdefault(module, set()).add(source)
        self.assertEqual(set(terms), set(ADDONS), "each addon has translatable terms")
        for module, sources in terms.items():
            catalogue = polib.pofile(str(ADDONS_DIR / module / "i18n" / "fr.po"))
            translated = {entry.msgid for entry in catalogue if entry.msgstr and not entry.obsolete}
            with self.subTest(module=module):
                self.assertFalse(
                    sorted(sources - translated), f"{module}: terms without French translation (run make i18n)"
                )

    def test_templates_list_every_term(self):
        """Odoo loads a catalogue through its addon's .pot: a term missing there is dropped, French or not."""
        reader = TranslationModuleReader(self.env.cr, modules=list(ADDONS))
        terms = {}
        for module, _ttype, _name, _res_id, source, _value, _comments in reader:
            if source.strip():
                terms.setdefault(module, set()).add(source)
        for module, sources in terms.items():
            template = polib.pofile(str(ADDONS_DIR / module / "i18n" / f"{module}.pot"))
            with self.subTest(module=module):
                self.assertFalse(
                    sorted(sources - {entry.msgid for entry in template}),
                    f"{module}: terms missing from {module}.pot (run make i18n)",
                )

    def test_french_is_shown_to_french_users(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "in", ADDONS)])._update_translations(["fr_FR"])
        menu = self.env.ref("fidelite_loyalty.menu_fidelite_members").with_context(lang="fr_FR")
        self.assertEqual(menu.name, "Adhérents")
        # labels of the partner merchants' statements and of the marketing chains, shown in French
        Field = self.env["ir.model.fields"].with_context(lang="fr_FR")
        balance = Field._get("fidelite.settlement", "amount_issued")
        self.assertEqual(balance.field_description, "Dû par le commerçant")
        chains = self.env.ref("fidelite_campaigns.menu_fidelite_chains").with_context(lang="fr_FR")
        self.assertEqual(chains.name, "Chaînes marketing")
