from . import fidelite_points_adjust_wizard
from . import loyalty_card_update_balance
