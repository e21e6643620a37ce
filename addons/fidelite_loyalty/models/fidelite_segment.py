from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..services import segments


class FideliteSegment(models.Model):
    """A named group of members: by a rule (a domain on contacts, refreshed) or a static list.

    Rule segments keep their members in a table refreshed with the figures (nightly) or on
    demand, so bonus rules, campaigns and mailing lists read a list, not a query per member.
    """

    _name = "fidelite.segment"
    _description = "Member segment"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Company", default=lambda self: self.env.company)
    kind = fields.Selection(
        [("rule", "By a rule"), ("static", "A fixed list")], string="Members are", default="rule", required=True
    )
    domain = fields.Char(
        default="[]",
        help="Which contacts belong to it; figures and scores are under 'Member figures' "
        "(e.g. RFM segment, lifecycle stage, ABC class).",
    )
    description = fields.Text(translate=True)
    member_ids = fields.Many2many(
        "res.partner", "fidelite_segment_member_rel", "segment_id", "partner_id", string="Members"
    )
    member_count = fields.Integer(string="Members", compute="_compute_member_count")
    refreshed_at = fields.Datetime(string="Refreshed on", readonly=True)

    def _compute_member_count(self):
        counts = segments.member_counts(self)
        for segment in self:
            segment.member_count = counts.get(segment.id, 0)

    @api.constrains("kind", "domain")
    def _check_domain(self):
        for segment in self.filtered(lambda segment: segment.kind == "rule"):
            try:
                domain = safe_eval(segment.domain or "[]")
                self.env["res.partner"].search_count(domain, limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._("The rule of segment %(name)s is not valid: %(error)s", name=segment.name, error=error)
                ) from error

    def _fidelite_contains(self, partner):
        """Whether ``partner`` (or its company) is a member of the segment."""
        self.ensure_one()
        return segments.contains(self, partner)

    def action_refresh(self):
        segments.refresh(self.filtered(lambda segment: segment.kind == "rule"))
        return True

    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("fidelite_segment_ids", "in", self.id)],
        }
