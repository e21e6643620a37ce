"""The user guide's screenshots, taken in headless Chromium by ``make screenshots``.

Each test builds a small scenario with the demo's generator, opens a screen as its user would
and saves the page as a PNG in ``docs/images`` (or ``$FIDELITE_SCREENSHOTS``) once the element
that matters is on screen. Not part of ``make test``: run ``make screenshots`` after a screen
changes and commit the pictures.
"""

import base64
import json
import os
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser
from tests.scenario_common import load_shop_chain
from tools.fidelite_dev import ADDONS

from odoo.addons.fidelite_campaigns.demo.scenarios import car_dealer
from odoo.addons.fidelite_loyalty.demo.scenarios import restaurant, retail, town_card
from odoo.addons.fidelite_loyalty.services import tiers

IMAGES = Path(os.environ.get("FIDELITE_SCREENSHOTS") or Path(__file__).resolve().parents[1] / "images")

# Waits until the element is laid out, lets the page settle, then reports success
WAIT_FOR = """
(function wait() {
    const element = document.querySelector(%s);
    if (element && element.getBoundingClientRect().height > 0) {
        setTimeout(() => console.log("test successful"), 1500);
    } else {
        setTimeout(wait, 200);
    }
})();
"""


class TestGuideScreenshots(HttpCase):
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"
    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        french = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.ref("base.user_admin").write({"lang": french.code, "tz": "Europe/Paris"})
        # the catalogues of the addons as they are now (the database may predate a new term)
        modules = cls.env["ir.module.module"].search([("name", "in", list(ADDONS))])
        modules._update_translations(["fr_FR"], overwrite=True)
        load_shop_chain(cls.env)
        cls.shops = retail.generate(cls.env, members=40, orders=400)

    def _capture(self, name, run):
        """Run ``run()`` (a tour or a page waited for) and save the page as it is when it succeeds."""
        IMAGES.mkdir(parents=True, exist_ok=True)
        target = IMAGES / f"{name}.png"
        original = ChromeBrowser._wait_code_ok

        def wait_then_capture(browser, code, timeout, error_checker=None):
            original(browser, code, timeout, error_checker=error_checker)
            shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
            target.write_bytes(base64.b64decode(shot["data"]))

        with patch.object(ChromeBrowser, "_wait_code_ok", wait_then_capture):
            run()
        self.assertGreater(target.stat().st_size, 10_000, f"{target.name} is a real picture")

    def _page(self, name, url, selector, login="admin", **kwargs):
        def open_page():
            self.browser_js(url, WAIT_FOR % json.dumps(selector), login=login, **kwargs)

        self._capture(name, open_page)

    def test_pos_member_panel(self):
        store = self.shops["stores"][0]
        url = f"/pos/ui?config_id={store.id}"
        self._capture(
            "pos_member_panel", lambda: self.start_tour(url, "fidelite_screenshot_member_panel", login="admin")
        )

    def test_portal_tier_progress(self):
        cards = self.shops["cards"].filtered(lambda card: card.fidelite_tier_id.name != "Prestige")
        card = max(cards, key=tiers.qualifying_value)
        member = card.partner_id
        self.env["res.users"].create(
            {
                "name": member.name,
                "login": "membre.demo@example.fr",
                "password": "membre.demo@example.fr",
                "partner_id": member.id,
                "lang": "fr_FR",
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self._page("portal_tier_progress", "/my/fidelite", ".o_fidelite_progress", login="membre.demo@example.fr")

    def test_dashboard_services(self):
        bistro = restaurant.generate(self.env, members=40, days=70, rule_days=35)
        company = bistro["company"].id
        self._page(
            "dashboard_services",
            f"/odoo/action-fidelite_loyalty.action_fidelite_service_report?cids={company}",
            ".o_graph_renderer canvas",
            cookies={"cids": str(company)},
        )

    def test_chain_editor(self):
        garage = car_dealer.generate(self.env, customers=60, days=20)
        chain = garage["chains"].filtered(
            lambda c: c.trigger_ids.filtered(lambda t: t.kind == "last_visit") and c.step_ids.filtered("variant_name")
        )
        company = garage["company"].id
        self._page(
            "chain_editor",
            f"/odoo/fidelite.chain/{chain.id}?cids={company}",
            ".o_form_view .o_field_x2many_list .o_data_row",
            cookies={"cids": str(company)},
        )

    def test_merchant_statement(self):
        town = town_card.generate(self.env, members=40)
        last_month = town["months"][-1]
        statement = town["statements"].filtered(lambda s: s.date_from == last_month and s.points_redeemed)[:1]
        company = town["company"].id
        self._page(
            "network_statement",
            f"/odoo/fidelite.settlement/{statement.id}?cids={company}",
            ".o_form_view .o_field_x2many_list .o_data_row",
            cookies={"cids": str(company)},
        )
