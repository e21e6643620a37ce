from odoo import fields, models


class FideliteMemberStoreDay(models.Model):
    """What a member bought in one store on one day: the fact the nightly refresh reads.

    Kept current as orders are paid (``services/member_kpis.record_order``) and regenerated from
    the orders by a deep rebuild. The nightly refresh derives the members' figures, their
    per-store figures and the cohorts from these rows (a few million narrow rows) instead of
    reading every order. Sales orders and invoices count as the store "none".
    """

    _name = "fidelite.member.store.day"
    _description = "Member purchases per store and day"
    _order = "day desc, id"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    store_id = fields.Many2one("pos.config", string="Store", ondelete="cascade")
    day = fields.Date(required=True)
    revenue = fields.Float(string="Revenue (tax excl.)", aggregator="sum")
    revenue_incl = fields.Float(string="Revenue (tax incl.)", aggregator="sum")
    visits = fields.Integer(string="Visits", aggregator="sum")

    _member_store_day_unique = models.UniqueIndex("(partner_id, company_id, COALESCE(store_id, 0), day)")
