from odoo import fields, models


class FideliteSegmentTransition(models.TransientModel):
    """One cell of a transition matrix: members who were in a segment and are now in another."""

    _name = "fidelite.segment.transition"
    _description = "Segment transition"

    wizard_id = fields.Many2one("fidelite.segment.transition.wizard", required=True, ondelete="cascade")
    source = fields.Char(string="Was", required=True)
    target = fields.Char(string="Is now", required=True)
    members = fields.Integer(aggregator="sum")
