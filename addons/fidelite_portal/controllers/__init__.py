from . import portal
from . import rewards
from . import profile
from . import gift_cards
from . import privacy
