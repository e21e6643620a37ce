from . import test_install
from . import test_pos_tour
from . import test_member_panel
from . import test_reader_tour
