"""Generated demo data: the product brochure's situations as scenarios (see docs/fr/).

Each scenario module has ``generate(env, ..., seed=..., today=None)`` returning a summary of
what it made; the demo loads them at full size, the scenario tests at a small one.
"""

from . import common, restaurant, retail, town_card, wholesale

SIZES = {
    "retail": lambda scale: {"members": max(int(300 * scale), 12), "orders": max(int(2000 * scale), 60)},
    "wholesale": lambda scale: {"customers": max(int(40 * scale), 6), "orders": max(int(320 * scale), 20)},
    "town_card": lambda scale: {"members": max(int(150 * scale), 12), "visits": 4},
    "restaurant": lambda scale: {"members": max(int(150 * scale), 20)},
}
MODULES = {"retail": retail, "wholesale": wholesale, "town_card": town_card, "restaurant": restaurant}


def generate(env, names, scale=1.0):
    """Run the named scenarios in turn; returns ``{name: summary}``."""
    return {name: MODULES[name].generate(env, **SIZES[name](scale)) for name in names}
