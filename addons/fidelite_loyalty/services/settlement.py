"""Monthly settlement between the programme and its partner merchants.

For a merchant and a month: the points it gave (earnings posted through the API with its
outlet) are owed by the merchant to the programme at its ``issue_point_value``; the points
members spent there are owed to the merchant at its ``redeem_point_value``. The statement
records both figures, their values (the rates are copied: a later change of rate does not
alter a sent statement), and the balance; with a settlement journal and a clearing account on
the company, confirming it posts a journal entry (merchant's receivable and payable against
the clearing account). Months are calendar months in UTC.
"""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import float_round


def month_bounds(day):
    start = fields.Date.to_date(day).replace(day=1)
    return start, start + relativedelta(months=1, days=-1)


def figures(merchant, date_from, date_to):
    """(points issued, points redeemed) at ``merchant`` between the two dates, included."""
    env = merchant.env
    env["fidelite.points.move"].flush_model()
    env.cr.execute(
        """
        SELECT COALESCE(SUM(points) FILTER (WHERE move_type = 'earn'), 0),
               COALESCE(-SUM(points) FILTER (WHERE move_type = 'redeem'), 0)
          FROM fidelite_points_move
         WHERE merchant_id = %s AND date >= %s AND date < %s
        """,
        [merchant.id, date_from, date_to + relativedelta(days=1)],
    )
    return env.cr.fetchone()


def statement_values(merchant, date_from, date_to):
    issued, redeemed = figures(merchant, date_from, date_to)
    digits = merchant.currency_id.decimal_places
    return {
        "merchant_id": merchant.id,
        "company_id": merchant.company_id.id,
        "date_from": date_from,
        "date_to": date_to,
        "points_issued": issued,
        "points_redeemed": redeemed,
        "issue_point_value": merchant.issue_point_value,
        "redeem_point_value": merchant.redeem_point_value,
        "amount_issued": float_round(issued * merchant.issue_point_value, precision_digits=digits),
        "amount_redeemed": float_round(redeemed * merchant.redeem_point_value, precision_digits=digits),
    }


def create_statement(merchant, day):
    """The statement of the month of ``day`` for ``merchant``: created once, then returned."""
    date_from, date_to = month_bounds(day)
    Statement = merchant.env["fidelite.settlement"]
    existing = Statement.search([("merchant_id", "=", merchant.id), ("date_from", "=", date_from)], limit=1)
    if existing:
        return existing
    return Statement.create(statement_values(merchant, date_from, date_to))


def create_last_month(env, today=None):
    """The statements of last month for every active merchant (the monthly job)."""
    today = fields.Date.to_date(today or fields.Date.context_today(env["fidelite.settlement"]))
    last_month = today.replace(day=1) - relativedelta(days=1)
    statements = env["fidelite.settlement"]
    for merchant in env["fidelite.partner.merchant"].search([]):
        statements |= create_statement(merchant, last_month)
    return statements


def post_entry(statement):
    """Post the statement's journal entry on the company's settlement journal."""
    env = statement.env
    company = statement.company_id
    journal, clearing = company.fidelite_settlement_journal_id, company.fidelite_settlement_account_id
    if not journal or not clearing:
        raise UserError(env._("Choose the settlement journal and clearing account in the company's settings."))
    partner = statement.merchant_id.partner_id.commercial_partner_id.with_company(company)
    receivable, payable = partner.property_account_receivable_id, partner.property_account_payable_id
    if not receivable or not payable:
        raise UserError(env._("%s has no receivable or payable account.", partner.display_name))
    label = env._("Loyalty settlement %s", statement.name)
    lines = []
    if statement.amount_issued:
        lines += [
            {"account_id": receivable.id, "partner_id": partner.id, "name": label, "debit": statement.amount_issued},
            {"account_id": clearing.id, "partner_id": partner.id, "name": label, "credit": statement.amount_issued},
        ]
    if statement.amount_redeemed:
        lines += [
            {"account_id": clearing.id, "partner_id": partner.id, "name": label, "debit": statement.amount_redeemed},
            {"account_id": payable.id, "partner_id": partner.id, "name": label, "credit": statement.amount_redeemed},
        ]
    if not lines:
        return env["account.move"]
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": statement.date_to,
                "ref": label,
                "line_ids": [(0, 0, line) for line in lines],
            }
        )
    )
    move.action_post()
    return move
