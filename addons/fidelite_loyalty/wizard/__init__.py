from . import fidelite_card_replace_wizard
from . import fidelite_card_state_wizard
from . import fidelite_card_stock_wizard
from . import fidelite_points_adjust_wizard
from . import loyalty_card_update_balance
from . import fidelite_consent_wizard
from . import fidelite_rule_simulation
from . import fidelite_referral_wizard
