from . import fidelite_erasure_request
from . import fidelite_portal_attempt
