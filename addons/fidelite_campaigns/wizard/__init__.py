from . import fidelite_chain_dry_run
