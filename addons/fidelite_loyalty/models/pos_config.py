from odoo import api, fields, models

from ..services import network


class PosConfig(models.Model):
    _inherit = "pos.config"

    fidelite_receipt_coupons = fields.Selection(
        [("none", "None"), ("members", "For members"), ("all", "For every customer")],
        string="Receipt coupons",
        compute="_compute_fidelite_receipt_coupons",
        help="Whether receipt coupon rules apply in this store, so that the till asks for their coupons.",
    )
    fidelite_service_capacity = fields.Integer(
        string="Capacity per service",
        help="How many tickets the store can serve in one lunch or dinner service (its tables): "
        "the services analysis shows each service's fill rate against it.",
    )

    fidelite_outlet_ids = fields.One2many("fidelite.outlet", "pos_config_id", string="Loyalty outlet")

    def _get_program_ids(self):
        """Odoo's programs of the till, if its outlet is open, valid in its company."""
        return network.filter_store_programs(self, super()._get_program_ids())

    def _compute_fidelite_receipt_coupons(self):
        rules = self.env["fidelite.coupon.rule"].search([("program_id", "!=", False)])
        for config in self:
            applicable = rules.filtered_domain(
                [
                    ("company_id", "=", config.company_id.id),
                    "|",
                    ("pos_config_ids", "=", False),
                    ("pos_config_ids", "in", config.id),
                ]
            )
            if not applicable:
                config.fidelite_receipt_coupons = "none"
            elif all(applicable.mapped("members_only")):
                config.fidelite_receipt_coupons = "members"
            else:
                config.fidelite_receipt_coupons = "all"

    @api.model
    def _fidelite_load_demo_stores(self, stores):
        """Create the demo shop chain: one point of sale per store with its own cash journal.

        ``stores`` is a list of ``(xmlid, name)``; existing xmlids are left alone, so the
        demo data can be loaded again.
        """
        IrModelData = self.env["ir.model.data"]
        for xmlid, name in stores:
            if self.env.ref(xmlid, raise_if_not_found=False):
                continue
            journal, payment_method_ids = self._create_journal_and_payment_methods(
                cash_journal_vals={"name": self.env._("Cash %s", name), "show_on_dashboard": False}
            )
            config = self.create(
                {
                    "name": name,
                    "company_id": self.env.company.id,
                    "journal_id": journal.id,
                    "payment_method_ids": payment_method_ids,
                }
            )
            IrModelData._update_xmlids([{"xml_id": xmlid, "record": config, "noupdate": True}])
        return True
