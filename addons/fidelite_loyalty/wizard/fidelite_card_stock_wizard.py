from odoo import fields, models
from odoo.exceptions import UserError

MAX_CARDS = 10000


class FideliteCardStockWizard(models.TransientModel):
    _name = "fidelite.card.stock.wizard"
    _description = "Generate pre-printed loyalty cards"

    program_id = fields.Many2one(
        "loyalty.program", string="Program", required=True, domain="[('program_type', '=', 'loyalty')]"
    )
    quantity = fields.Integer(default=100, required=True)

    def action_generate(self):
        """Create ``quantity`` unassigned cards with new EAN-13 numbers, ready to print."""
        self.ensure_one()
        if not 1 <= self.quantity <= MAX_CARDS:
            raise UserError(self.env._("Generate between 1 and %s cards at a time.", MAX_CARDS))
        Card = self.env["loyalty.card"]
        company = self.program_id.company_id or self.env.company
        cards = Card.with_context(action_no_send_mail=True).create(
            [
                {
                    "program_id": self.program_id.id,
                    "code": Card._fidelite_next_ean13(company),
                    "fidelite_medium": "barcode_ean13",
                }
                for _index in range(self.quantity)
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Card stock"),
            "res_model": "loyalty.card",
            "view_mode": "list,form",
            "domain": [("id", "in", cards.ids)],
        }
