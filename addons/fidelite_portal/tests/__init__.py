from . import test_install
from . import test_portal_flows
from . import test_portal_security
from . import test_portal_tour
