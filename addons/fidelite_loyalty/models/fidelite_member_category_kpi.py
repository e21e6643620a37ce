from odoo import fields, models


class FideliteMemberCategoryKpi(models.Model):
    """What a member bought in one product category: the T of FRAT (type of purchase) and margins."""

    _name = "fidelite.member.category.kpi"
    _description = "Member figures per product category"
    _order = "revenue desc, id"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    category_id = fields.Many2one("product.category", string="Category", ondelete="cascade")
    revenue = fields.Float(string="Revenue (tax excl.)", aggregator="sum")
    margin = fields.Float(aggregator="sum")
    line_count = fields.Integer(string="Lines", aggregator="sum")

    _member_category_unique = models.UniqueIndex("(partner_id, company_id, COALESCE(category_id, 0))")
