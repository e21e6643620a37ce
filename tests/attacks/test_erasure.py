"""GDPR erasure: after it, nothing personal of the member is left anywhere in the database.

The member below used every feature (portal account, cards, points, the partner API, consents
with notes, household, chatter, e-mails and SMS, portal code tries...); once their erasure is
approved, every text, varchar and jsonb column of every table is searched for their name,
e-mail, phone and card codes. Their points movements and the program's totals stay.
"""

import json
from datetime import date

from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.fidelite_loyalty.services import birthdays, ledger, partner_api
from odoo.addons.fidelite_portal.tests.common import PREFIX_DEFAULT, PortalMembersCase

NAME = "Gaspard Oubliable"
EMAIL = "gaspard.oubliable@exemple.test"
PHONE = "+33 6 11 22 33 44"
CARD = "2990000777775"
GIFT = "GIFT-G-4455"
NEEDLES = ("Oubliable", EMAIL, "gaspard.oubliable", PHONE, "611223344", "6 11 22 33 44", CARD, GIFT)


class TestAttackErasure(PortalMembersCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_portal"
    maxDiff = None

    def _hits(self):
        """(table, column, excerpt) of every text value that mentions the member."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT c.table_name, c.column_name FROM information_schema.columns c
                 JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('character varying', 'text', 'jsonb', 'character')
                ORDER BY 1, 2"""
        )
        patterns = [f"%{needle}%" for needle in NEEDLES]
        hits = []
        for table, column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT %s::text FROM %s WHERE %s::text ILIKE ANY(%s) LIMIT 3",
                    SQL.identifier(column),
                    SQL.identifier(table),
                    SQL.identifier(column),
                    patterns,
                )
            )
            hits += [(table, column, row[0][:160]) for row in cr.fetchall()]
        return hits

    def _use_everything(self):
        env = self.env
        user = new_test_user(env, login=EMAIL, groups="base.group_portal", name=NAME, email=EMAIL)
        partner = user.partner_id
        partner.write({"phone": PHONE, "street": "3 impasse des Souvenirs", "city": "Oubliable-sur-Mer"})
        partner._fidelite_enrol()
        card = self._card(user, CARD, 80)
        gift_program = env["loyalty.program"].create(
            {"name": "Carte cadeau G", "program_type": "gift_card", "applies_on": "future"}
        )
        env["loyalty.card"].create(
            {"program_id": gift_program.id, "partner_id": partner.id, "code": GIFT, "points": 25}
        )
        ledger.post(card, 15, "adjust", origin="manual", reason=f"Geste pour {NAME} ({PHONE})")
        self._claim(card, "erasure-claim")
        # the partner API: a merchant credits the card; its stored answer names the card
        merchant = env["fidelite.partner.merchant"].create(
            {
                "name": "Librairie Test",
                "partner_id": env["res.partner"].create({"name": "Librairie Test SARL"}).id,
                "program_id": self.program.id,
                "points_per_unit": 1.0,
                "issue_point_value": 0.04,
                "redeem_point_value": 0.05,
            }
        )
        key, _record = partner_api.new_key(merchant, "till", partner_api.SCOPES)
        env.flush_all()
        response = self.url_open(
            "/fidelite/api/v1/earn",
            data=json.dumps({"card": CARD, "amount": 10}),
            headers={
                "Authorization": f"Bearer {key}",
                "Idempotency-Key": "erase-1",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        self.assertEqual(response.status_code, 201, response.text)
        # consents with notes, household and a birthday reward
        partner._fidelite_set_consent("email", True, "backoffice", note=f"Signé par {NAME}, {EMAIL}")
        partner._fidelite_set_consent("sms", True, "pos", note=f"Au {PHONE}")
        self.program.write(
            {"fidelite_birthday_reward": "points", "fidelite_birthday_points": 10, "fidelite_birthday_household": True}
        )
        env["fidelite.dependant"].create(
            {"partner_id": partner.id, "first_name": "Léonie", "relation": "child", "birthdate": date(2018, 5, 4)}
        )
        birthdays.run(env, date(2026, 5, 4))
        # the card's status changed, with a reason naming them; chatter, tracking, activity
        card._fidelite_set_state("blocked", f"Perdue par {NAME}")
        card._fidelite_set_state("active", f"Retrouvée par {NAME}")
        body = f"Appel de {NAME} ({PHONE}, {EMAIL})"
        message = partner.with_user(user).sudo().message_post(body=body, message_type="comment", author_id=partner.id)
        env["mail.tracking.value"].create(
            {
                "field_id": env["ir.model.fields"]._get("res.partner", "email").id,
                "old_value_char": EMAIL,
                "new_value_char": f"{NAME} <{EMAIL}>",
                "mail_message_id": message.id,
            }
        )
        partner.activity_schedule("mail.mail_activity_data_call", summary=f"Rappeler {NAME}", note=PHONE)
        # an e-mail and an SMS to them; opted out of both
        env["mail.mail"].create(
            {
                "subject": f"Bonjour {NAME}",
                "body_html": f"<p>Cher {NAME}, votre carte {CARD}</p>",
                "email_to": f'"{NAME}" <{EMAIL}>',
                "recipient_ids": [(4, partner.id)],
                "model": "res.partner",
                "res_id": partner.id,
            }
        )
        env["sms.sms"].create({"number": PHONE, "body": f"Bonjour {NAME}, carte {CARD}", "partner_id": partner.id})
        env["mail.blacklist"]._add(EMAIL)
        env["phone.blacklist"]._add(["+33611223344"])
        # the portal: code tries, a request to be forgotten
        Attempt = env["fidelite.portal.attempt"]
        Attempt._fidelite_record("gift_card", "10.9.8.7", user, GIFT, True)
        Attempt._fidelite_record("referral", "10.9.8.7", user, CARD, False)
        self.authenticate(user.login, user.login)
        self.post_form(f"{PREFIX_DEFAULT}/privacy/erase", reason=f"Je suis {NAME}, {EMAIL}, {PHONE}", confirm="1")
        request = env["fidelite.erasure.request"].search([("partner_id", "=", partner.id)])
        self.assertEqual(request.state, "requested")
        return user, partner, card, request

    def test_attack_erasure_leaves_nothing_personal(self):
        user, partner, _card, request = self._use_everything()
        before = {table for table, _column, _text in self._hits()}
        for table in ("res_partner", "mail_message", "sms_sms", "mail_mail", "fidelite_consent", "loyalty_card"):
            self.assertIn(table, before, "the member's data is there before the erasure")
        cards = self.env["loyalty.card"].search([("partner_id", "=", partner.id)])
        moves = self.env["fidelite.points.move"].search([("card_id", "in", cards.ids)])
        balances = {c.id: c.points for c in cards}
        totals = (len(moves), sum(moves.mapped("points")))
        manager = new_test_user(
            self.env, login="fid_erasure_manager", groups="fidelite_loyalty.group_fidelite_manager", name="DPO Manager"
        )
        request.with_user(manager).action_approve()
        self.assertEqual(request.state, "done")
        hits = self._hits()
        self.assertEqual(hits, [], "nothing personal is left:\n" + "\n".join(map(str, hits)))
        # the figures stay: the same cards, movements and balances
        self.assertFalse(user.active)
        self.assertFalse(partner.fidelite_dependant_ids)
        moves = self.env["fidelite.points.move"].search([("card_id", "in", cards.ids)])
        self.assertEqual((len(moves), sum(moves.mapped("points"))), totals)
        cards.invalidate_recordset()
        self.assertEqual({c.id: c.points for c in cards}, balances)
        self.assertEqual(cards.partner_id, partner)
        self.assertTrue(self.env["fidelite.consent"].search_count([("partner_id", "=", partner.id)]))
        # the other members are untouched
        self.assertEqual(self.user_b.partner_id.name, "Bruno Secretname")
        self.assertEqual(self.card_b.code, "2990000000026")
