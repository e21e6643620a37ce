from odoo import fields, models


class FideliteMemberStoreKpi(models.Model):
    """A member's purchases in one store (sales orders count as the store "none")."""

    _name = "fidelite.member.store.kpi"
    _description = "Member figures per store"
    _order = "visit_count desc, revenue desc, id"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    store_id = fields.Many2one("pos.config", string="Store", ondelete="cascade")
    first_visit = fields.Date(string="First visit")
    last_visit = fields.Date(string="Last visit")
    visit_count = fields.Integer(string="Visits", aggregator="sum")
    revenue = fields.Float(string="Revenue (tax excl.)", aggregator="sum")

    _member_store_unique = models.UniqueIndex("(partner_id, company_id, COALESCE(store_id, 0))")
