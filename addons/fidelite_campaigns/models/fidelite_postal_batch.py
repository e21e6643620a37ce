import base64
import csv
import io

from odoo import fields, models

CSV_COLUMNS = ["member_number", "name", "street", "street2", "zip", "city", "country", "letter"]


class FidelitePostalBatch(models.Model):
    """The letters of one run of a postal step, exported for the mailing house."""

    _name = "fidelite.postal.batch"
    _description = "Postal letter batch"
    _order = "id desc"

    name = fields.Char(required=True)
    step_id = fields.Many2one("fidelite.chain.step", string="Step", ondelete="set null")
    chain_id = fields.Many2one("fidelite.chain", string="Chain", ondelete="cascade")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    trace_ids = fields.One2many("fidelite.chain.trace", "postal_batch_id", string="Letters")
    letter_count = fields.Integer(string="Letters")
    csv_file = fields.Binary(string="CSV file", attachment=True, readonly=True)
    csv_filename = fields.Char()

    def _build_csv(self, rows):
        """Write the batch's file: one line per letter, addresses already validated."""
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
        self.write(
            {
                "csv_file": base64.b64encode(buffer.getvalue().encode("utf-8")),
                "csv_filename": f"{self.name}.csv",
                "letter_count": len(rows),
            }
        )
