from . import (
    fidelite_chain,
    fidelite_chain_participant,
    fidelite_chain_step,
    fidelite_chain_trigger,
    fidelite_chain_trace,
    fidelite_postal_batch,
    fidelite_pressure_rule,
    fidelite_segment,
    mail_activity,
    pos_config,
    res_company,
    res_partner,
    sms_sms,
)
from . import fidelite_demo
