{
    "name": "Fidélité — Loyalty",
    "summary": "Members, family birthdays, consents, cards on any medium and a points ledger on top of Odoo Loyalty",
    "version": "19.0.1.0.0",
    "category": "Sales/Loyalty",
    "website": "https://github.com/fidelite/fidelite",
    "author": "Fidélité",
    "license": "LGPL-3",
    "depends": ["loyalty", "pos_loyalty", "sale_loyalty"],
    "data": [
        "security/fidelite_security.xml",
        "security/ir.model.access.csv",
        "data/fidelite_cron.xml",
        "data/barcode_rule.xml",
        "data/ir_sequence.xml",
        "data/fidelite_weekday.xml",
        "views/fidelite_points_move_views.xml",
        "views/loyalty_card_views.xml",
        "views/res_partner_views.xml",
        "views/fidelite_tier_views.xml",
        "views/fidelite_rule_views.xml",
        "views/fidelite_coupon_rule_views.xml",
        "views/fidelite_menus.xml",
    ],
    "demo": [
        "demo/fidelite_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "fidelite_loyalty/static/src/pos/**/*",
        ],
        "web.assets_tests": [
            "fidelite_loyalty/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
