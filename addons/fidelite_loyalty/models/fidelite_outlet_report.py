from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists


class FideliteOutletReport(models.Model):
    """Per-outlet figures of the network: members recruited, members' revenue, points issued and
    redeemed, the cost of rewards each outlet bears under its program's rule (see
    ``services/network.py``) and today's liability (outstanding points spread over the outlets
    where each card earned them, pro rata). One row per event, for pivots and graphs.
    """

    _name = "fidelite.outlet.report"
    _description = "Loyalty figures per outlet"
    _auto = False
    _order = "date desc"

    outlet_id = fields.Many2one("fidelite.outlet", string="Outlet", readonly=True)
    kind = fields.Selection(related="outlet_id.kind", string="Outlet type")
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    program_id = fields.Many2one("loyalty.program", string="Program", readonly=True)
    date = fields.Date(readonly=True)
    members_recruited = fields.Integer(string="Members recruited", readonly=True, aggregator="sum")
    revenue = fields.Float(string="Members' revenue", readonly=True, aggregator="sum")
    points_issued = fields.Float(string="Points issued", readonly=True, aggregator="sum")
    points_redeemed = fields.Float(string="Points redeemed", readonly=True, aggregator="sum")
    reward_cost = fields.Float(string="Cost of rewards borne", readonly=True, aggregator="sum")
    liability = fields.Float(string="Liability today", readonly=True, aggregator="sum")

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def _query(self):
        return SQL(
            """
            WITH earn AS (
                SELECT m.id, m.card_id, m.outlet_id, m.program_id, m.date, m.points,
                       CASE WHEN m.pos_order_id IS NULL THEN COALESCE(m.purchase_amount, 0)
                            WHEN ROW_NUMBER() OVER (PARTITION BY m.pos_order_id ORDER BY m.id) = 1
                            THEN COALESCE(o.amount_total, 0) ELSE 0 END AS revenue
                  FROM fidelite_points_move m
                  LEFT JOIN pos_order o ON o.id = m.pos_order_id
                 WHERE m.move_type = 'earn' AND m.outlet_id IS NOT NULL
            ), redeem AS (
                SELECT m.id, m.card_id, m.outlet_id, m.program_id, m.date, -m.points AS points,
                       -m.points * COALESCE(p.fidelite_point_value, 0) AS value,
                       p.fidelite_cost_rule AS rule, COALESCE(p.fidelite_cost_redeemed_share, 0) / 100.0 AS share
                  FROM fidelite_points_move m
                  JOIN loyalty_program p ON p.id = m.program_id
                 WHERE m.move_type = 'redeem'
            ), earned_before AS (
                SELECT r.id AS redeem_id, e.outlet_id, SUM(e.points) AS points
                  FROM redeem r
                  JOIN earn e ON e.card_id = r.card_id AND e.date <= r.date
                 GROUP BY r.id, e.outlet_id
            ), earned_total AS (
                SELECT redeem_id, SUM(points) AS points FROM earned_before GROUP BY redeem_id HAVING SUM(points) > 0
            ), redeem_weight AS (
                SELECT r.*, t.points AS earned,
                       CASE WHEN r.rule = 'redeemed' OR t.points IS NULL THEN 1.0
                            WHEN r.rule = 'split' THEN r.share ELSE 0.0 END AS weight
                  FROM redeem r LEFT JOIN earned_total t ON t.redeem_id = r.id
            ), card_earned AS (
                SELECT card_id, outlet_id, SUM(points) AS points FROM earn GROUP BY card_id, outlet_id
            ), card_total AS (
                SELECT card_id, SUM(points) AS points FROM card_earned GROUP BY card_id HAVING SUM(points) > 0
            ), events AS (
                SELECT outlet_id, program_id, date::date AS date, 0 AS members_recruited, revenue,
                       points AS points_issued, 0.0 AS points_redeemed, 0.0 AS reward_cost, 0.0 AS liability
                  FROM earn
                UNION ALL
                SELECT outlet_id, program_id, date::date, 0, 0.0, 0.0, points, value * weight, 0.0
                  FROM redeem_weight WHERE outlet_id IS NOT NULL
                UNION ALL
                SELECT b.outlet_id, r.program_id, r.date::date, 0, 0.0, 0.0, 0.0,
                       r.value * (1 - r.weight) * b.points / r.earned, 0.0
                  FROM redeem_weight r JOIN earned_before b ON b.redeem_id = r.id
                 WHERE r.weight < 1
                UNION ALL
                SELECT COALESCE(p.fidelite_enrolled_outlet_id, o.id), NULL,
                       COALESCE(p.fidelite_member_since, p.create_date::date), 1, 0.0, 0.0, 0.0, 0.0, 0.0
                  FROM res_partner p LEFT JOIN fidelite_outlet o ON o.pos_config_id = p.fidelite_home_store_id
                 WHERE p.fidelite_enrolled_outlet_id IS NOT NULL OR o.id IS NOT NULL
                UNION ALL
                SELECT e.outlet_id, c.program_id, CURRENT_DATE, 0, 0.0, 0.0, 0.0, 0.0,
                       c.points * COALESCE(p.fidelite_point_value, 0) * e.points / t.points
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id
                  JOIN card_total t ON t.card_id = c.id
                  JOIN card_earned e ON e.card_id = c.id
                 WHERE c.points > 0
            )
            SELECT ROW_NUMBER() OVER () AS id, ev.outlet_id, o.company_id, ev.program_id, ev.date,
                   ev.members_recruited, ev.revenue, ev.points_issued, ev.points_redeemed, ev.reward_cost,
                   ev.liability
              FROM events ev JOIN fidelite_outlet o ON o.id = ev.outlet_id
            """
        )
