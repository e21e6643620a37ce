from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FideliteRfmSegment(models.Model):
    """A named cell of the RFM grid: recency score in a range, frequency-and-amount score in a range.

    The frequency-and-amount score is the rounded mean of F and M. Cells are tried in sequence;
    the first that matches names the member (so "Champions" before "Loyal customers").
    """

    _name = "fidelite.rfm.segment"
    _description = "RFM segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    r_min = fields.Integer(string="Recency from", default=1, required=True)
    r_max = fields.Integer(string="Recency to", default=5, required=True)
    fm_min = fields.Integer(string="Frequency & amount from", default=1, required=True)
    fm_max = fields.Integer(string="Frequency & amount to", default=5, required=True)
    strategy = fields.Text(translate=True, help="What to do with these members.")
    color = fields.Integer()
    member_count = fields.Integer(string="Members", compute="_compute_member_count")

    def _compute_member_count(self):
        counts = dict(
            self.env["fidelite.member.kpi"]._read_group(
                [("rfm_segment_id", "in", self.ids)], ["rfm_segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.member_count = counts.get(segment, 0)

    @api.constrains("r_min", "r_max", "fm_min", "fm_max")
    def _check_ranges(self):
        for segment in self:
            if not (1 <= segment.r_min <= segment.r_max <= 5 and 1 <= segment.fm_min <= segment.fm_max <= 5):
                raise ValidationError(
                    self.env._("%s: scores go from 1 to 5, each range from its low end to its high end.", segment.name)
                )
