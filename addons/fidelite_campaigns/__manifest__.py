{
    "name": "Fidélité — Campaigns",
    "summary": "Automated multichannel marketing chains (e-mail, SMS, letters, calls) for loyalty members",
    "version": "19.0.1.0.0",
    "category": "Marketing",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "depends": ["fidelite_loyalty", "mass_mailing", "mass_mailing_sms", "survey"],
    "data": [
        "security/fidelite_campaigns_security.xml",
        "views/fidelite_campaigns_menus.xml",
    ],
}
