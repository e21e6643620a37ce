{
    "name": "Fidélité — Member Portal",
    "summary": "The member's own space under /my: status, points, rewards, virtual card, family and consents",
    "version": "19.0.1.1.0",
    "category": "Website/Website",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "depends": ["fidelite_loyalty", "portal"],
    "data": [
        "security/fidelite_portal_security.xml",
        "security/ir.model.access.csv",
        "data/fidelite_portal_data.xml",
        "views/fidelite_portal_templates.xml",
        "views/fidelite_portal_card_templates.xml",
        "views/fidelite_portal_profile_templates.xml",
        "views/fidelite_portal_privacy_templates.xml",
        "views/fidelite_erasure_request_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "fidelite_portal/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "fidelite_portal/static/tests/tours/**/*",
        ],
    },
}
