import re

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PortalMembersCase

PREFIX = "/my/fidelite"
ARGUMENT = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>\w+)>")


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalMembersCase):
    """Member A, logged in, asks every route of the loyalty space for B's records."""

    def b_ids(self):
        return {
            "card_id": self.card_b.id,
            "reward_id": self.reward.id,
            "redemption_id": self.redemption_b.id,
            "dependant_id": self.dependant_b.id,
        }

    def fidelite_rules(self):
        """Every rule of this module's space, read from Odoo's routing map: new routes are covered too."""
        IrHttp = self.env["ir.http"]
        modules = sorted(self.env.registry._init_modules)
        rules = [
            (url, endpoint)
            for url, endpoint in IrHttp._generate_routing_rules(modules, converters=IrHttp._get_converters())
            if url.startswith(PREFIX)
        ]
        self.assertGreaterEqual(len(rules), 15, "the loyalty space's routes were not found in the routing map")
        return rules

    def url_for_b(self, rule):
        """The rule's URL with B's ids, or None when it takes no record id."""
        rule_url = rule[0]
        ids, takes_id = self.b_ids(), False

        def substitute(match):
            nonlocal takes_id
            name = match.group("name")
            if name == "page":
                return "1"
            if name == "fmt":
                return "json"
            self.assertIn(name, ids, f"{rule_url}: say which record of B the test gives for <{name}>")
            takes_id = True
            return str(ids[name])

        url = ARGUMENT.sub(substitute, rule_url)
        return url if takes_id else None

    def call(self, rule, url):
        routing = rule[1].routing
        if routing["type"] == "jsonrpc":
            response = self.url_open(url, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}})
            return response, response.json().get("error")
        methods = routing.get("methods") or ["GET"]
        if "GET" in methods:
            return self.url_open(url, allow_redirects=False), None
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "claim_key": "attack",
            "first_name": "Hacked",
            "relation": "child",
        }
        return self.url_open(url, data=data, allow_redirects=False), None

    def test_member_a_never_reaches_b_records(self):
        self.login(self.user_a)
        checked = 0
        for rule in self.fidelite_rules():
            url = self.url_for_b(rule)
            if not url:
                continue
            checked += 1
            with self.subTest(route=rule[0]):
                response, json_error = self.call(rule, url)
                if json_error:
                    self.assertEqual(json_error["code"], 404, f"{url}: {json_error}")
                else:
                    self.assertIn(response.status_code, (403, 404), f"{url} answered {response.status_code}")
                self.assert_no_b_data(response.text, url)
        self.assertGreaterEqual(checked, 8)
        # nothing of B's changed: no reward taken, household member neither renamed nor removed
        self.assertEqual(self.env["fidelite.reward.redemption"].search_count([("card_id", "=", self.card_b.id)]), 1)
        self.assertEqual(self.dependant_b.exists().first_name, "Zébulon")
        self.assertEqual(self.card_b.points, 220)

    def test_pages_without_ids_show_only_own_data(self):
        self.login(self.user_a)
        for rule in self.fidelite_rules():
            routing = rule[1].routing
            if self.url_for_b(rule) or routing["type"] != "http" or "GET" not in (routing.get("methods") or ["GET"]):
                continue
            url = ARGUMENT.sub("json", rule[0])  # the only argument left is the export format
            with self.subTest(route=rule[0]):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
                self.assert_no_b_data(response.text, url)
        export = self.url_open(f"{PREFIX}/privacy/export.json").json()
        self.assertEqual([card["code"] for card in export["cards"]], ["2990000000019"])
        self.assertEqual(sum(move["points"] for move in export["movements"]), 142)

    def test_record_rules_not_controllers_hide_b(self):
        """The ORM itself, as member A, sees none of B's records (also through RPC or attachments)."""
        env_a = self.env(user=self.user_a)
        self.assertEqual(env_a["loyalty.card"].search([]), self.card_a)
        self.assertFalse(env_a["fidelite.points.move"].search([("card_id", "=", self.card_b.id)]))
        self.assertFalse(env_a["fidelite.reward.redemption"].search([]))
        self.assertFalse(env_a["fidelite.dependant"].search([]))
        self.assertFalse(env_a["loyalty.history"].search([("card_id", "=", self.card_b.id)]))
        self.assertFalse(env_a["fidelite.erasure.request"].search([]))
        self.assertFalse(env_a["loyalty.card"].browse(self.card_b.id).has_access("read"))
        with self.assertRaises(AccessError):
            env_a["fidelite.consent"].create(
                {"partner_id": self.user_b.partner_id.id, "channel": "sms", "granted": False, "source": "portal"}
            )
        with self.assertRaises(AccessError):
            env_a["fidelite.dependant"].create({"partner_id": self.user_b.partner_id.id, "first_name": "Intrus"})

    def test_forms_need_the_csrf_token(self):
        self.login(self.user_a)
        response = self.url_open(
            f"{PREFIX}/household/add", data={"first_name": "Léa", "relation": "child"}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["fidelite.dependant"].search([("partner_id", "=", self.user_a.partner_id.id)]))

    def test_names_are_escaped(self):
        """A household name typed as HTML comes back as text, never as markup."""
        self.login(self.user_a)
        self.post_form(f"{PREFIX}/household/add", first_name="<script>alert(1)</script>", relation="child")
        page = self.url_open(f"{PREFIX}/profile").text
        self.assertNotIn("<script>alert(1)</script>", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
