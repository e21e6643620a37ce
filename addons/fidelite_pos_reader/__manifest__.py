{
    "name": "Fidélité — POS Card Readers",
    "summary": "Bridge contactless and chip card readers (PC/SC, pyscard) to the Odoo Point of Sale",
    "version": "19.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "depends": ["fidelite_loyalty"],
    "external_dependencies": {"python": []},
    "data": [
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "fidelite_pos_reader/static/src/app/**/*",
        ],
        "web.assets_tests": [
            "fidelite_pos_reader/static/tests/tours/**/*",
        ],
    },
}
