{
    "name": "Fidélité — Campaigns",
    "summary": "Automated multichannel marketing chains (e-mail, SMS, letters, calls) for loyalty members",
    "version": "19.0.1.0.0",
    "category": "Marketing",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "external_dependencies": {"python": ["requests", "zeep"]},
    "depends": ["fidelite_loyalty", "mass_mailing", "mass_mailing_sms", "survey"],
    "data": [
        "security/fidelite_campaigns_security.xml",
        "security/ir.model.access.csv",
        "data/fidelite_campaigns_data.xml",
        "data/fidelite_pressure_rule_data.xml",
        "views/fidelite_chain_views.xml",
        "views/fidelite_chain_trace_views.xml",
        "views/settings_views.xml",
        "views/fidelite_campaigns_menus.xml",
    ],
    "demo": [
        "demo/fidelite_campaigns_demo.xml",
    ],
}
