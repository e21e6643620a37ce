"""Attacks on the postal mailing export: a CSV file opened by a mailing house in a spreadsheet."""

import base64
import csv
import io

from odoo.addons.fidelite_campaigns.tests.common import CampaignCase


class TestAttackPostalExport(CampaignCase):
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_campaigns"

    def _export(self, members, letter_text="Dear {{ object.name }}"):
        chain, (letter,) = self._chain(
            [{"action": "postal", "letter_text": letter_text}], domain=f"[('id', 'in', {members.ids})]"
        )
        chain.action_start()
        self._run(chain, self.t0)
        batch = self._traces(chain, step_id=letter.id).postal_batch_id
        self.assertEqual(batch.letter_count, len(members))
        rows = list(csv.reader(io.StringIO(base64.b64decode(batch.csv_file).decode()), delimiter=";"))
        return rows[0], rows[1:]

    def test_attack_csv_formula_in_member_name_and_address(self):
        evil = self._member('=HYPERLINK("http://x","y")', street="+1+cmd", street2="@SUM(A1)", city="-2+3")
        header, rows = self._export(evil, letter_text="\t=cmd|' /C calc'!A0")
        (row,) = rows
        cells = dict(zip(header, row, strict=True))
        self.assertEqual(cells["name"], '\'=HYPERLINK("http://x","y")')
        self.assertEqual(cells["street"], "'+1+cmd")
        self.assertEqual(cells["street2"], "'@SUM(A1)")
        self.assertEqual(cells["city"], "'-2+3")
        self.assertEqual(cells["letter"], "'\t=cmd|' /C calc'!A0")
        for cell in row:
            self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
        # the member's record is untouched: only the exported cell is neutralised
        self.assertEqual(evil.name, '=HYPERLINK("http://x","y")')
        self.assertEqual(evil.street, "+1+cmd")

    def test_attack_csv_plain_values_are_kept(self):
        plain = self._member("Alice Export", street="1 rue de la Paix")
        header, rows = self._export(plain)
        cells = dict(zip(header, rows[0], strict=True))
        self.assertEqual(
            (cells["name"], cells["street"], cells["letter"]), ("Alice Export", "1 rue de la Paix", "Dear Alice Export")
        )
