"""The members whose figures the nightly refresh must compute again, and only those.

From one night to the next, a member's figures (``fidelite.member.kpi``, per store
``fidelite.member.store.kpi``) can only move when:

- an order of theirs was recorded (``member_kpis.record_order`` flags their row
  ``refresh_pending``);
- one of their purchases left (or, the date going back, entered) a moving window of 30, 90 or
  365 days: a purchase made between the previous refresh's date and this one's, that many days
  earlier;
- their points or rewards moved (ledger movements, redemptions written since the previous run);
- they became a member (a loyalty card created or changed since the previous run, no row yet).

A member who stops being one (their card deleted) without ever buying keeps their prospect
row until the weekly deep rebuild, which computes every member from the orders and cards.

``mark`` flags those rows (a few thousand a night, found with a few scans of compact tables);
the stores and members steps then compute the flagged members only and clear the flag. A
deep rebuild computes everyone.
"""

from datetime import timedelta

from odoo.tools import SQL

WINDOWS = (30, 90, 365)


def members(scoped=False):
    """The members: holders of a loyalty card, per company; ``scoped``: the members flagged only
    (looked up one by one through their contacts' cards: they are few)."""
    if scoped:
        return SQL(
            """
            SELECT f.partner_id, f.company_id FROM fidelite_pending f
             CROSS JOIN LATERAL (
                   SELECT 1 FROM res_partner p
                     JOIN loyalty_card c ON c.partner_id = p.id
                     JOIN loyalty_program pr ON pr.id = c.program_id AND pr.program_type = 'loyalty'
                    WHERE p.commercial_partner_id = f.partner_id
                      AND COALESCE(c.company_id, pr.company_id) = f.company_id
                    LIMIT 1) card
            """
        )
    return SQL(
        """
        SELECT DISTINCT p.commercial_partner_id AS partner_id, COALESCE(c.company_id, pr.company_id) AS company_id
          FROM loyalty_card c
          JOIN loyalty_program pr ON pr.id = c.program_id AND pr.program_type = 'loyalty'
          JOIN res_partner p ON p.id = c.partner_id
         WHERE COALESCE(c.company_id, pr.company_id) IS NOT NULL
        """
    )


# an ORM write committed a little after the previous run started may carry an earlier date
MARGIN = timedelta(hours=1)


def collect(env):
    """Copy the keys of the members flagged into the temporary table ``fidelite_pending``, with
    statistics, so that the planner knows how few they are (flagged rows of the members' table
    are not in its statistics yet); ``pending`` reads it. Dropped at the end of the transaction.
    """
    env.cr.execute("DROP TABLE IF EXISTS fidelite_pending")
    env.cr.execute(
        "CREATE TEMP TABLE fidelite_pending ON COMMIT DROP AS"
        " SELECT partner_id, company_id FROM fidelite_member_kpi WHERE refresh_pending"
    )
    env.cr.execute("ANALYZE fidelite_pending")


def pending(alias):
    """A condition: the member of ``alias`` (a table with partner_id, company_id) is flagged (``collect``)."""
    return SQL(
        "(%s, %s) IN (SELECT partner_id, company_id FROM fidelite_pending)",
        SQL.identifier(alias, "partner_id"),
        SQL.identifier(alias, "company_id"),
    )


def mark(env, as_of):
    """Flag the members whose figures may have moved since the previous refresh."""
    cr = env.cr
    cr.execute("SELECT id, started_at FROM fidelite_kpi_refresh WHERE state = 'done' ORDER BY id DESC LIMIT 1")
    previous = cr.fetchone()
    if not previous:
        cr.execute(SQL("%s ON CONFLICT (partner_id, company_id) DO NOTHING", _new_members(SQL("TRUE"))))
        cr.execute("UPDATE fidelite_member_kpi SET refresh_pending = TRUE WHERE refresh_pending IS NOT TRUE")
        return
    last_id, since = previous
    since -= MARGIN
    # new members: a row to fill (their card may be the only thing that changed)
    cr.execute(
        SQL(
            "%s ON CONFLICT (partner_id, company_id) DO NOTHING",
            _new_members(SQL("c.write_date >= %s", since)),
        )
    )
    # the dates the figures were computed at since the last complete run, and the new one
    cr.execute(
        "SELECT LEAST(MIN(as_of), %s), GREATEST(MAX(as_of), %s) FROM fidelite_kpi_refresh WHERE id >= %s",
        [as_of, as_of, last_id],
    )
    low, high = cr.fetchone()
    crossed = SQL(" OR ").join(
        SQL("(day > %s AND day <= %s)", low - timedelta(days=days), high - timedelta(days=days)) for days in WINDOWS
    )
    # the members found first, with statistics, then their rows flagged (a plan that does not
    # depend on how many rows the table's statistics believe flagged)
    cr.execute("DROP TABLE IF EXISTS fidelite_changed")
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE fidelite_changed ON COMMIT DROP AS
                    SELECT partner_id, company_id FROM fidelite_member_store_day WHERE %(crossed)s
                    UNION
                    SELECT p.commercial_partner_id, m.company_id
                      FROM fidelite_points_move m JOIN res_partner p ON p.id = m.partner_id
                     WHERE m.write_date >= %(since)s
                    UNION
                    SELECT p.commercial_partner_id, r.company_id
                      FROM fidelite_reward_redemption r JOIN res_partner p ON p.id = r.partner_id
                     WHERE r.write_date >= %(since)s
            """,
            crossed=crossed,
            since=since,
        )
    )
    cr.execute("ANALYZE fidelite_changed")
    cr.execute(
        """
        UPDATE fidelite_member_kpi k SET refresh_pending = TRUE
          FROM fidelite_changed c
         WHERE k.partner_id = c.partner_id AND k.company_id = c.company_id AND k.refresh_pending IS NOT TRUE
        """
    )
    cr.execute("DROP TABLE fidelite_changed")


def _new_members(cards):
    """INSERT the members holding one of ``cards`` (a condition on ``c``, a loyalty card), flagged."""
    return SQL(
        """
        INSERT INTO fidelite_member_kpi (partner_id, company_id, refresh_pending)
        SELECT DISTINCT p.commercial_partner_id, COALESCE(c.company_id, pr.company_id), TRUE
          FROM loyalty_card c
          JOIN loyalty_program pr ON pr.id = c.program_id AND pr.program_type = 'loyalty'
          JOIN res_partner p ON p.id = c.partner_id
         WHERE COALESCE(c.company_id, pr.company_id) IS NOT NULL AND %s
        """,
        cards,
    )
