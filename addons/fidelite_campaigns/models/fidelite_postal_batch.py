import base64
import csv
import io

from odoo import fields, models
from odoo.tools.misc import format_date

from ..services import letters as letters_pdf
from ..services import spreadsheet

CSV_COLUMNS = ["member_number", "name", "street", "street2", "zip", "city", "country", "letter"]


class FidelitePostalBatch(models.Model):
    """The letters of one run of a postal step: a CSV file for a mailing house and a PDF to print."""

    _name = "fidelite.postal.batch"
    _description = "Postal letter batch"
    _order = "id desc"

    name = fields.Char(required=True)
    step_id = fields.Many2one("fidelite.chain.step", string="Step", ondelete="set null")
    chain_id = fields.Many2one("fidelite.chain", string="Chain", ondelete="cascade")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    trace_ids = fields.One2many("fidelite.chain.trace", "postal_batch_id", string="Letter traces")
    letter_count = fields.Integer(string="Letters")
    csv_file = fields.Binary(string="CSV file", attachment=True, readonly=True)
    csv_filename = fields.Char()
    pdf_file = fields.Binary(string="PDF file", attachment=True, readonly=True)
    pdf_filename = fields.Char(string="PDF file name")

    def _build_files(self, partners, texts):
        """Write the batch's files, one letter per contact (addresses already validated).

        ``texts``: {partner id: the letter's text for that contact}.
        """
        self.ensure_one()
        # every cell neutralised: a name or an address typed as "=..." must not run in a spreadsheet
        rows = [
            spreadsheet.safe_row(
                [
                    p.fidelite_member_number or "",
                    p.name,
                    p.street or "",
                    p.street2 or "",
                    p.zip or "",
                    p.city or "",
                    p.country_id.code or "",
                    str(texts[p.id]),
                ]
            )
            for p in partners
        ]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(spreadsheet.safe_row(CSV_COLUMNS))
        writer.writerows(rows)
        company = self.company_id or self.env.company
        sender = [line for line in [company.name, *self._address_lines(company.partner_id)[1:]] if line]
        place_date = ", ".join(
            part for part in [company.city, format_date(self.env, fields.Date.context_today(self))] if part
        )
        pdf = letters_pdf.build_pdf(
            sender,
            [{"address": self._address_lines(p), "text": str(texts[p.id])} for p in partners],
            place_date,
        )
        self.write(
            {
                "csv_file": base64.b64encode(buffer.getvalue().encode("utf-8")),
                "csv_filename": f"{self.name}.csv",
                "pdf_file": base64.b64encode(pdf),
                "pdf_filename": f"{self.name}.pdf",
                "letter_count": len(rows),
            }
        )

    def _address_lines(self, partner):
        """The lines of a postal address as a letter shows them, in the country's format; the
        country is left out for a letter posted in the same country."""
        lines = [line.strip() for line in partner._display_address(without_company=True).splitlines()]
        lines = [line for line in lines if line]
        home = (self.company_id or self.env.company).country_id
        if lines and partner.country_id and partner.country_id == home and lines[-1] == home.name:
            lines.pop()
        return [partner.name, *lines]
