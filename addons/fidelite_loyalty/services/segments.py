"""Saved segments: their members written as a list, set-based, for rules and campaigns to read."""

from odoo import fields
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval


def refresh(segments):
    """Write again the members of rule segments from their domain (one INSERT ... SELECT each)."""
    env = segments.env
    Partner = env["res.partner"].with_context(active_test=False)
    env.flush_all()
    for segment in segments:
        query = Partner._search(safe_eval(segment.domain or "[]"))
        env.cr.execute(SQL("DELETE FROM fidelite_segment_member_rel WHERE segment_id = %s", segment.id))
        env.cr.execute(
            SQL(
                "INSERT INTO fidelite_segment_member_rel (segment_id, partner_id) SELECT %s, id FROM (%s) members",
                segment.id,
                query.select(SQL.identifier("res_partner", "id")),
            )
        )
        segment.refreshed_at = fields.Datetime.now()
    env.invalidate_all()


def refresh_all(env):
    refresh(env["fidelite.segment"].search([("kind", "=", "rule")]))


def member_counts(segments):
    if not segments.ids:
        return {}
    segments.env.cr.execute(
        SQL(
            "SELECT segment_id, COUNT(*) FROM fidelite_segment_member_rel WHERE segment_id IN %s GROUP BY 1",
            tuple(segments.ids),
        )
    )
    return dict(segments.env.cr.fetchall())


def contains(segment, partner):
    segment.env.flush_all()
    segment.env.cr.execute(
        SQL(
            "SELECT 1 FROM fidelite_segment_member_rel WHERE segment_id = %s AND partner_id IN %s LIMIT 1",
            segment.id,
            tuple({partner.id, partner.commercial_partner_id.id}),
        )
    )
    return bool(segment.env.cr.fetchone())
