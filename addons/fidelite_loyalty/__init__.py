from . import controllers
from . import models
from . import wizard


def post_init_hook(env):
    """Gift card programs that already sell with VAT keep doing so: single-purpose vouchers.

    New programs default to multi-purpose vouchers (no VAT when sold, see
    ``services/gift_cards.py``); installing the module does not change existing taxes.
    """
    from .services import gift_cards

    programs = env["loyalty.program"].with_context(active_test=False).search([("program_type", "=", "gift_card")])
    for program in programs:
        if any(gift_cards.taxes_of(product, program) for product in gift_cards.voucher_products(program)):
            program.fidelite_voucher_kind = gift_cards.SINGLE_PURPOSE
