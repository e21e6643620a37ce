from odoo import api, models


class FideliteBlacklistWithdrawal(models.AbstractModel):
    """An address put on one of Odoo's blacklists withdraws its contacts' consent on its channels.

    Taking an address off a blacklist gives nothing back. The blacklist models say which of their
    fields holds the address, the partner field it matches, the channels and the source recorded.
    """

    _name = "fidelite.blacklist.withdrawal"
    _description = "Blacklist that withdraws consent"

    _fidelite_address_field = None
    _fidelite_partner_field = None
    _fidelite_channels = ()
    _fidelite_source = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._fidelite_record_withdrawal()
        return records

    def write(self, vals):
        if self._fidelite_address_field in vals:
            changed = self
        elif vals.get("active"):
            changed = self.filtered(lambda record: not record.active)
        else:
            changed = None
        result = super().write(vals)
        if changed:
            changed.filtered("active")._fidelite_record_withdrawal()
        return result

    def _fidelite_record_withdrawal(self):
        addresses = sorted({address for address in self.mapped(self._fidelite_address_field) if address})
        if addresses:
            self.env["res.partner"]._fidelite_withdraw(
                [(self._fidelite_partner_field, "in", addresses)], list(self._fidelite_channels), self._fidelite_source
            )
