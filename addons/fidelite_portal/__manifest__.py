{
    "name": "Fidélité — Member Portal",
    "summary": "The member's own space under /my: status, points, rewards and cards",
    "version": "19.0.1.0.0",
    "category": "Website/Website",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "depends": ["fidelite_loyalty", "portal"],
    "data": [
        "views/fidelite_portal_templates.xml",
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
