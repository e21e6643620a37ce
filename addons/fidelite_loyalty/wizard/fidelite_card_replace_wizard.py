from odoo import fields, models
from odoo.exceptions import UserError

from ..models.loyalty_card import MEDIA
from ..services import card_lookup, ledger


class FideliteCardReplaceWizard(models.TransientModel):
    _name = "fidelite.card.replace.wizard"
    _description = "Replace a loyalty card"

    card_id = fields.Many2one("loyalty.card", string="Card to replace", required=True, readonly=True)
    new_code = fields.Char(
        string="New card number",
        help="Scan a card of the pre-printed stock; leave empty to create a new number.",
    )
    medium = fields.Selection(MEDIA, default="barcode_ean13", required=True)
    uid = fields.Char(string="Chip UID")
    reason = fields.Char(required=True, default=lambda self: self.env._("Card lost"))

    def _new_card(self, old):
        if self.new_code:
            card, _found_by = card_lookup.find_card(self.env, self.new_code, old.company_id)
            if card.partner_id and card.partner_id != old.partner_id:
                raise UserError(
                    self.env._("Card %(card)s belongs to %(owner)s.", card=card.code, owner=card.partner_id.name)
                )
            if card.program_id != old.program_id:
                raise UserError(self.env._("Card %s belongs to another program.", card.code))
            if card == old:
                raise UserError(self.env._("Scan the new card, not the one being replaced."))
            return card
        code = self.env["loyalty.card"]._fidelite_next_ean13(old.company_id or None)
        return (
            self.env["loyalty.card"]
            .with_context(action_no_send_mail=True)
            .create(
                {
                    "program_id": old.program_id.id,
                    "code": code if self.medium == "barcode_ean13" else self.env["loyalty.card"]._generate_code(),
                    "fidelite_medium": self.medium,
                    "fidelite_uid": self.uid or False,
                }
            )
        )

    def action_apply(self):
        """Block the old card, move its points lot by lot to the new one, link both."""
        self.ensure_one()
        old = self.card_id
        if old.fidelite_state == "replaced":
            raise UserError(self.env._("Card %s was already replaced.", old.code))
        new = self._new_card(old)
        new.write({"partner_id": old.partner_id.id, "fidelite_replacement_of_id": old.id})
        reason = self.env._(
            "Replacement of card %(old)s by %(new)s: %(reason)s", old=old.code, new=new.code, reason=self.reason
        )
        ledger.transfer(old, new, reason, key=f"replace:{old.id}")
        old.fidelite_replaced_by_id = new
        old.with_user(self.env.user)._fidelite_set_state("replaced", self.reason)
        return {"type": "ir.actions.act_window", "res_model": "loyalty.card", "res_id": new.id, "view_mode": "form"}
