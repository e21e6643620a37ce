from . import test_install
from . import test_ledger
from . import test_expiry
from . import test_pos_points
from . import test_concurrency
from . import test_pos_tour
from . import test_cards
from . import test_members
