from odoo import fields, models
from odoo.exceptions import UserError

from ..services import card_codes

MAX_CARDS = 10000


class FideliteCardStockWizard(models.TransientModel):
    _name = "fidelite.card.stock.wizard"
    _description = "Generate pre-printed loyalty cards"

    program_id = fields.Many2one(
        "loyalty.program", string="Program", required=True, domain="[('program_type', '=', 'loyalty')]"
    )
    quantity = fields.Integer(default=100, required=True)
    codes = fields.Text(
        string="Card numbers",
        help="Numbers of cards printed elsewhere, one a line: the stock is created with exactly these. "
        "Leave empty to generate the quantity with new random numbers.",
    )

    def _imported_codes(self):
        """The EAN-13 numbers typed or pasted in ``codes``, checked: valid, new, each once."""
        codes = [line.strip() for line in (self.codes or "").splitlines() if line.strip()]
        for code in codes:
            card_codes.check_ean13(self.env, code)
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise UserError(self.env._("These card numbers are listed twice: %s.", ", ".join(twice)))
        known = self.env["loyalty.card"].with_context(active_test=False).search([("code", "in", codes)])
        if known:
            raise UserError(self.env._("These card numbers already exist: %s.", ", ".join(known.mapped("code"))))
        return codes

    def action_generate(self):
        """Create unassigned cards, ready to print: the numbers given, or ``quantity`` new
        random EAN-13 numbers."""
        self.ensure_one()
        Card = self.env["loyalty.card"]
        company = self.program_id.company_id or self.env.company
        codes = self._imported_codes() if (self.codes or "").strip() else None
        quantity = len(codes) if codes is not None else self.quantity
        if not 1 <= quantity <= MAX_CARDS:
            raise UserError(self.env._("Generate between 1 and %s cards at a time.", MAX_CARDS))
        if codes is None:
            codes = Card._fidelite_new_ean13_codes(quantity, company)
        cards = Card.with_context(action_no_send_mail=True).create(
            [{"program_id": self.program_id.id, "code": code, "fidelite_medium": "barcode_ean13"} for code in codes]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Card stock"),
            "res_model": "loyalty.card",
            "view_mode": "list,form",
            "domain": [("id", "in", cards.ids)],
        }
