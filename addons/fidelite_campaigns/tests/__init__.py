from . import test_chain_engine, test_channels, test_install, test_pressure
