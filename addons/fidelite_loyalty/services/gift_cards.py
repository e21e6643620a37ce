"""Gift cards: EU voucher rules, the balance check and what the receipt prints.

EU VAT (Council Directive 2016/1065, articles 30a, 30b and 73a of the VAT Directive):

- a **multi-purpose voucher** (MPV) can be spent on goods or services whose VAT is not known
  when it is sold (several rates, several shops). Selling it is not a supply: no VAT on the
  sale. Spending it is a means of payment: the goods are invoiced with their full VAT and the
  voucher line carries no tax. In the books the amount sold is a liability (deferred revenue)
  until it is spent.
- a **single-purpose voucher** (SPV) is one whose VAT is known when sold (one rate, one
  country): VAT is charged when it is sold, and the goods it later pays are not taxed again
  (Odoo's gift card line then carries the reward product's taxes, which takes that VAT off the
  goods).

Odoo's gift card flows already apply the taxes of the gift card product on the sale line and
those of the reward's discount product on the redemption line (till and sales orders alike).
So the rule is enforced on the configuration, where an accountant expects it to be fixed,
rather than by silently changing amounts on receipts: a multi-purpose program refuses products
that carry taxes, and the discount product Odoo creates for its reward is created without
taxes.
"""

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from . import card_lookup

MULTI_PURPOSE = "multi_purpose"
SINGLE_PURPOSE = "single_purpose"


def voucher_products(program):
    """The products a gift card program sells (its rules') and pays with (its rewards')."""
    return program.rule_ids.product_ids | program.reward_ids.discount_line_product_id


def taxes_of(product, program):
    taxes = product.sudo().taxes_id
    if program.company_id:
        taxes = taxes._filter_taxes_by_company(program.company_id)
    return taxes


def check_voucher_taxes(programs):
    """Refuse a multi-purpose gift card program whose products carry taxes."""
    for program in programs:
        if program.program_type != "gift_card" or program.fidelite_voucher_kind != MULTI_PURPOSE:
            continue
        taxed = voucher_products(program).filtered(lambda product, program=program: taxes_of(product, program))
        if taxed:
            env = program.env
            raise ValidationError(
                env._(
                    "%(program)s sells multi-purpose vouchers: under EU VAT rules they are sold and "
                    "spent without VAT (the goods they pay carry it). Remove the taxes of %(products)s, "
                    "or make the program sell single-purpose vouchers.",
                    program=program.display_name,
                    products=", ".join(taxed.mapped("display_name")),
                )
            )


def programs_using(products):
    """The multi-purpose gift card programs that sell or pay with ``products``."""
    env = products.env
    Program = env["loyalty.program"].sudo().with_context(active_test=False)
    return Program.search(
        [
            ("program_type", "=", "gift_card"),
            ("fidelite_voucher_kind", "=", MULTI_PURPOSE),
            "|",
            ("rule_ids.product_ids", "in", products.ids),
            ("reward_ids.discount_line_product_id", "in", products.ids),
        ]
    )


def balance(env, code):
    """What a till or the portal shows for the gift card ``code``; a clear error otherwise."""
    try:
        card, found_by = card_lookup.find_card(env, code, env.company, active_only=False)
    except UserError:
        card, found_by = env["loyalty.card"], None
    # a chip UID identifies a card but never gives away what a gift card is worth
    if not card or card.program_id.program_type != "gift_card" or found_by != "code":
        raise UserError(env._("No gift card matches %s.", (code or "").strip()))
    card_lookup.check_usable(card)
    today = fields.Date.context_today(card)
    if card.expiration_date and card.expiration_date < today:
        raise UserError(
            env._(
                "Gift card %(card)s expired on %(date)s.",
                card=card.code,
                date=fields.Date.to_string(card.expiration_date),
            )
        )
    return {
        "code": card.code,
        "program": card.program_id.name,
        "balance": card.points,
        "currency": card.currency_id.name,
        "currency_symbol": card.currency_id.symbol,
        "expiration_date": fields.Date.to_string(card.expiration_date) if card.expiration_date else False,
        "state": "used" if card.currency_id.is_zero(card.points) else "valid",
        "voucher_kind": card.program_id.fidelite_voucher_kind,
    }


def receipt_info(order, cards):
    """Lines the receipt prints for the gift cards ``order`` sold (code, amount, expiry)."""
    env = order.env
    return [
        {
            "program_name": card.program_id.name,
            "expiration_date": card.expiration_date,
            "code": card.code,
            "fidelite_amount": card.currency_id.format(card.points),
            "fidelite_voucher_note": env._("Multi-purpose voucher: VAT is charged on the goods it pays.")
            if card.program_id.fidelite_voucher_kind == MULTI_PURPOSE
            else env._("Single-purpose voucher: VAT included."),
        }
        for card in cards
    ]


def expired_in(cards, point_changes):
    """The cards among ``cards`` to be spent (negative change) although expired."""
    today = fields.Date.context_today(cards)
    return cards.filtered(
        lambda card: (
            card.program_id.program_type == "gift_card"
            and point_changes.get(card.id, 0) < 0
            and card.expiration_date
            and card.expiration_date < today
        )
    )


def reconcile_history(cards, before_id):
    """Keep Odoo's history of gift cards adding up to their balance.

    When a gift card is given a customer or an order, Odoo writes an informative history line
    "issuing" the whole balance again; such lines written since ``before_id`` (oldest first)
    are reduced by what the history shows beyond the card's balance.
    """
    History = cards.env["loyalty.history"]
    for card in cards:
        lines = History.search([("card_id", "=", card.id)], order="id")
        excess = sum(lines.mapped("issued")) - sum(lines.mapped("used")) - card.points
        for line in lines.filtered(lambda line: line.id > before_id and line.issued > 0 and not line.used):
            if card.currency_id.compare_amounts(excess, 0) <= 0:
                break
            cut = min(line.issued, excess)
            line.issued -= cut
            excess -= cut
