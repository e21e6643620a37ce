from odoo import fields, models, tools
from odoo.tools import SQL

SERVICES = [("lunch", "Lunch"), ("dinner", "Dinner"), ("other", "Other hours")]


class FideliteServiceReport(models.Model):
    """Paid POS orders per store, day and service (lunch, dinner, other hours), in the company's time zone.

    One row per service held: a restaurant reads how full its lunches are (tickets against the
    store's capacity per service) and what a meal brings, before and after a bonus rule starts.
    """

    _name = "fidelite.service.report"
    _description = "Services analysis"
    _auto = False
    _order = "date desc, store_id, service"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    store_id = fields.Many2one("pos.config", string="Store", readonly=True)
    date = fields.Date(readonly=True)
    weekday = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ],
        readonly=True,
    )
    service = fields.Selection(SERVICES, readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    member_ticket_count = fields.Integer(string="Members' tickets", readonly=True, aggregator="sum")
    revenue = fields.Float(string="Revenue (excl. tax)", readonly=True, aggregator="sum")
    average_ticket = fields.Float(string="Average ticket", readonly=True, aggregator="avg")
    capacity = fields.Integer(string="Capacity (tickets)", readonly=True, aggregator="sum")
    fill_rate = fields.Float(
        string="Fill rate (%)", readonly=True, aggregator="avg", help="Tickets of the service against the capacity."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                WITH o AS (
                    SELECT o.company_id, o.config_id AS store_id, o.partner_id,
                           o.amount_total - o.amount_tax AS revenue,
                           timezone(COALESCE(NULLIF(cp.tz, ''), 'Europe/Paris'), o.date_order AT TIME ZONE 'UTC') AS at
                      FROM pos_order o
                      JOIN res_company c ON c.id = o.company_id
                      JOIN res_partner cp ON cp.id = c.partner_id
                     WHERE o.state IN ('paid', 'done', 'invoiced') AND o.amount_total > 0
                ), s AS (
                    SELECT company_id, store_id, at::date AS date,
                           CASE WHEN at::time >= '11:30' AND at::time < '15:00' THEN 'lunch'
                                WHEN at::time >= '18:30' AND at::time < '23:59' THEN 'dinner'
                                ELSE 'other' END AS service,
                           partner_id, revenue
                      FROM o
                )
                SELECT ROW_NUMBER() OVER (ORDER BY s.date, s.store_id, s.service) AS id,
                       s.company_id, s.store_id, s.date, (EXTRACT(isodow FROM s.date)::int - 1)::varchar AS weekday,
                       s.service, COUNT(*) AS ticket_count, COUNT(s.partner_id) AS member_ticket_count,
                       SUM(s.revenue) AS revenue, SUM(s.revenue) / COUNT(*) AS average_ticket,
                       MAX(pc.fidelite_service_capacity) AS capacity,
                       CASE WHEN MAX(pc.fidelite_service_capacity) > 0
                            THEN 100.0 * COUNT(*) / MAX(pc.fidelite_service_capacity) END AS fill_rate
                  FROM s
                  JOIN pos_config pc ON pc.id = s.store_id
              GROUP BY s.company_id, s.store_id, s.date, s.service
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
