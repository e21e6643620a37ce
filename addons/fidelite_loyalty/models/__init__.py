from . import fidelite_points_move
from . import loyalty_card_ledger
from . import loyalty_program
from . import pos_config
from . import pos_order
