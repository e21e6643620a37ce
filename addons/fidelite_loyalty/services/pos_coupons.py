"""The till's coupon data, checked against the order it belongs to before Odoo applies it.

Once a POS order is paid, the till sends, for each card the order touched, the points it
computed (``pos.order.confirm_coupon_programs``), and Odoo adds them to the cards as they are.
A modified till could send any figure for any card: here every entry is checked against the
records it names, and its figure replaced by what the server derives from the order's lines.

Refused (nothing applied; the order itself stays, with the points the server settled when it
was paid): an unknown program or card, a card of another program than the one named, a program
the order's till does not offer, a nominative card (loyalty, eWallet) of another member, a code
that belongs to another card, reward lines of another program linked to the card.

Derived, whatever the till says:

- loyalty programs: 0, the server's settlement (``pos_settlement``) posts their points;
- every other program (promotions, coupons, buy X get Y, next order coupons, gift cards,
  eWallets): the credit is at most what the program's rules give for the order's paid lines
  (a gift card's value from its paid gift card lines, an eWallet top-up from its paid top-up
  lines), shared among the program's cards in the order up to what the till claims for each;
  the debit is what the order's reward lines on the card cost, never less than their price in
  points (``pos_points.reward_points_floor``); the ledger refuses a debit beyond the balance.
"""

from odoo.exceptions import UserError
from odoo.tools import float_round

from . import ledger, pos_points, pos_settlement


def _claim_lines(order, key, vals):
    """The order's reward lines that the entry's card pays for."""
    codes = set(vals.get("line_codes") or [])
    return order.lines.filtered(
        lambda line: (
            line.is_reward_line
            and ((line.reward_identifier_code and line.reward_identifier_code in codes) or line.coupon_id.id == key)
        )
    )


def _cost(lines):
    """Points the reward lines take from their card: what the till says, never less than their price."""
    cost = max(sum(lines.mapped("points_cost")), pos_points.reward_points_floor(lines))
    return float_round(cost, precision_digits=ledger.PRECISION)


def _check_entry(order, key, vals, offered):
    """The program and card the entry names, refused unless they belong together and to this order.

    ``offered()`` gives the programs of the order's till; an existing card's entry of a loyalty
    program carries no points the server keeps (its card's program and holder are what is
    checked), so the till's programs are searched for new cards and the other types only.
    """
    env = order.env
    program = env["loyalty.program"].browse(vals.get("program_id")).exists()
    server_computed = program.program_type in pos_settlement.SERVER_COMPUTED_TYPES
    if not program or ((key < 0 or not server_computed) and program not in offered()):
        raise UserError(
            env._(
                "Loyalty data refused: program %(program)s is not offered by this point of sale.",
                program=vals.get("program_id"),
            )
        )
    card = env["loyalty.card"]
    if key > 0:
        card = env["loyalty.card"].browse(key).exists()
        if not card:
            raise UserError(env._("Loyalty data refused: card %(card)s does not exist.", card=key))
        if card.program_id != program:
            raise UserError(
                env._(
                    "Loyalty data refused: card %(card)s does not belong to %(program)s.",
                    card=card.code,
                    program=program.name,
                )
            )
        if program.is_nominative and card.partner_id and card.partner_id != order.partner_id:
            raise UserError(env._("Loyalty data refused: card %(card)s belongs to another customer.", card=card.code))
    code = vals.get("code") or vals.get("barcode")
    if code:
        holder = env["loyalty.card"].search([("code", "=", code)], limit=1)
        if holder and (holder.program_id != program or (card and holder != card)):
            raise UserError(env._("Loyalty data refused: code %(code)s belongs to another card.", code=code))
    return program, card


def sanitize(order, coupon_data):
    """``coupon_data`` (``{card id or negative key: entry}``) with the server's points; refuse tampering.

    ``order`` comes with the rights of the POS RPC that received it (which reads every card a
    code may name).
    """
    env = order.env
    programs = []

    def offered():
        if not programs:
            programs.append(order.config_id._get_program_ids())
        return programs[0]

    entries = {}
    for key, vals in coupon_data.items():
        program, card = _check_entry(order, key, vals, offered)
        lines = _claim_lines(order, key, vals)
        if lines.reward_id.program_id - program:
            raise UserError(
                env._(
                    "Loyalty data refused: reward lines of another program are linked to card %(card)s.",
                    card=card.code or key,
                )
            )
        entries[key] = (program, card, lines)
    sale_lines = order.lines.filtered(lambda line: not line.refunded_orderline_id)
    credit_left = {}
    for key in sorted(coupon_data, key=lambda key: (key < 0, abs(key))):
        vals = coupon_data[key]
        program, card, lines = entries[key]
        if program.is_nominative or program.program_type == "next_order_coupons":
            vals["partner_id"] = order.partner_id.id or False  # the order's customer's, whoever the till names
        elif vals.get("partner_id") not in (False, None, order.partner_id.id):
            vals["partner_id"] = False
        if program.program_type in pos_settlement.SERVER_COMPUTED_TYPES:
            vals["points"] = 0
            continue
        if program not in credit_left:
            credit_left[program] = float_round(
                pos_points.order_points(order, program, sale_lines), precision_digits=ledger.PRECISION
            )
        cost = _cost(lines)
        claimed_credit = max(0.0, float(vals.get("points") or 0.0) + cost)
        credit = min(claimed_credit, credit_left[program])
        credit_left[program] -= credit
        points = credit - cost  # a debit beyond an existing card's balance: the ledger refuses it
        if not card:
            points = max(points, 0.0)
        vals["points"] = float_round(points, precision_digits=ledger.PRECISION)
    return coupon_data
