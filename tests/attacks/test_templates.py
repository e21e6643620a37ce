"""Attacks on a chain's texts: a Fidélité manager's SMS or letter that tries to read what they may not."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.fidelite_campaigns.tests.common import CampaignCase
from odoo.addons.fidelite_loyalty.services import ledger

SECRET_READS = (
    "{{ object.env['ir.config_parameter'].sudo().get_param('database.secret') }}",
    "{{ object.sudo().env['ir.config_parameter'].get_param('database.secret') }}",
    "{{ object.env['ir.config_parameter'].get_param('database.secret') }}",
)


class TestAttackChainTexts(CampaignCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_campaigns"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = cls.env["ir.config_parameter"].sudo().get_param("database.secret")
        cls.manager = new_test_user(
            cls.env, login="fid_text_manager", groups="fidelite_loyalty.group_fidelite_manager", name="Text Manager"
        )
        cls.alice = cls._member("Alice Texte")
        cls.other_company = cls.env["res.company"].create({"name": "Autre Enseigne"})
        cls.stranger = cls._member("Zoé Autrecompagnie", company_id=cls.other_company.id)
        program = cls.env["loyalty.program"].create({"name": "Carte Texte", "program_type": "loyalty"})
        card = cls.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": cls.alice.id, "code": "2990000777771"}
        )
        ledger.post(card, 137, "earn", reason="Purchases")

    def _as_manager_chain(self, step, members):
        """The manager builds the chain; the cron (superuser) runs it."""
        env = self.env(user=self.manager)
        chain = env["fidelite.chain"].create(
            {
                "name": "Manager chain",
                "trigger_ids": [(0, 0, {"kind": "segment"})],
                "domain": f"[('id', 'in', {members.ids})]",
            }
        )
        env["fidelite.chain.step"].create({"chain_id": chain.id, "name": "Texte", **step})
        return chain.sudo()

    def _produced_texts(self):
        """Every SMS body and every letter (CSV and PDF) in the database."""
        self.env.flush_all()
        texts = [sms.body or "" for sms in self.env["sms.sms"].sudo().search([])]
        for batch in self.env["fidelite.postal.batch"].sudo().search([]):
            texts.append(base64.b64decode(batch.csv_file or b"").decode())
            texts.append(base64.b64decode(batch.pdf_file or b"").decode("latin-1"))
        return texts

    def _assert_secret_nowhere(self):
        self.assertTrue(self.secret)
        for text in self._produced_texts():
            self.assertNotIn(self.secret, text)

    def test_attack_manager_sms_and_letter_read_database_secret(self):
        """Saving a text with code in its placeholders is refused to a manager who is not a template editor."""
        self.assertFalse(self.manager.has_group("mail.group_mail_template_editor"))
        for text in SECRET_READS:
            for field, action in (("sms_body", "sms"), ("letter_text", "postal")):
                with self.subTest(field=field, text=text), self.assertRaises(AccessError), self.env.cr.savepoint():
                    self._as_manager_chain({"action": action, field: text}, self.alice)
        # nor by editing a harmless step afterwards
        chain = self._as_manager_chain({"action": "sms", "sms_body": "Bonjour {{ object.name }}"}, self.alice)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            chain.step_ids.with_user(self.manager).write({"sms_body": SECRET_READS[0]})
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            chain.step_ids.with_user(self.manager).update_field_translations("letter_text", {"fr_FR": SECRET_READS[1]})
        self.assertEqual(chain.step_ids.sms_body, "Bonjour {{ object.name }}")
        self._assert_secret_nowhere()

    def test_attack_secret_text_authored_by_manager_rendered_by_cron(self):
        """A text by the manager that got in anyway (import, rights since lost): the cron renders it with the
        manager's rights, refuses it and sends nothing; the admin's chain still goes out."""
        for action, field in (("sms", "sms_body"), ("postal", "letter_text")):
            with self.subTest(action=action):
                chain = self._as_manager_chain({"action": action, field: "Hello"}, self.alice)
                step = chain.step_ids
                # stored behind the check (e.g. by an import), the author stays the manager
                self.env.cr.execute(
                    SQL(
                        "UPDATE fidelite_chain_step SET %s = jsonb_build_object('en_US', %s) WHERE id = %s",
                        SQL.identifier(field),
                        SECRET_READS[0],
                        step.id,
                    )
                )
                step.invalidate_recordset()
                self.assertEqual(step.write_uid, self.manager)
                chain.action_start()
                self._run(chain, self.t0)
                trace = self._traces(chain)
                self.assertEqual((trace.state, trace.skip_reason), ("skipped", "refused"))
                self.assertFalse(trace.sms_uuid or trace.postal_batch_id)
                self._assert_secret_nowhere()

    def test_attack_manager_text_reads_other_company_member(self):
        """The manager's chain aimed at another company's member: rendered with the manager's record rules."""
        chain = self._as_manager_chain({"action": "sms", "sms_body": "Bonjour {{ object.name }}"}, self.stranger)
        chain.action_start()
        self._run(chain, self.t0)
        trace = self._traces(chain)
        self.assertEqual((trace.state, trace.skip_reason), ("skipped", "refused"))
        for text in self._produced_texts():
            self.assertNotIn("Zoé Autrecompagnie", text)

    def test_manager_placeholders_still_render(self):
        """The member's name and points, written by the manager, reach the SMS and the letter."""
        chain = self._as_manager_chain(
            {"action": "sms", "sms_body": "Bonjour {{ object.name }}, vous avez {{ object.fidelite_points }} points"},
            self.alice,
        )
        chain.action_start()
        self._run(chain, self.t0)
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", self._traces(chain).sms_uuid)])
        self.assertEqual(sms.body, "Bonjour Alice Texte, vous avez 137.0 points")
        chain = self._as_manager_chain(
            {"action": "postal", "letter_text": "Cher {{ object.name }}, code {{ object.fidelite_member_number }}"},
            self.alice,
        )
        chain.action_start()
        self._run(chain, self.t0)
        batch = self._traces(chain).postal_batch_id
        self.assertEqual(batch.letter_count, 1)
        self.assertIn(
            f"Cher Alice Texte, code {self.alice.fidelite_member_number}", base64.b64decode(batch.csv_file).decode()
        )
