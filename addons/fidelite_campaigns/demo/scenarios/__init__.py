"""Generated demo data of the marketing chains (scenarios 1, 4 and 5 of the guide, docs/fr/)."""

from . import car_dealer, restaurant_chains, retail_chains

SIZES = {
    "car_dealer": lambda scale: {"customers": max(int(300 * scale), 24), "days": max(int(60 * scale), 30)},
    "retail_chains": lambda scale: {},
    "restaurant_chains": lambda scale: {},
}
MODULES = {"car_dealer": car_dealer, "retail_chains": retail_chains, "restaurant_chains": restaurant_chains}


def generate(env, names, scale=1.0):
    return {name: MODULES[name].generate(env, **SIZES[name](scale)) for name in names}
