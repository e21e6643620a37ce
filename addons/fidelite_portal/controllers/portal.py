from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal


class FidelitePortal(CustomerPortal):
    def _fidelite_cards_domain(self):
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("program_id.active", "=", True),
            ("program_id.program_type", "in", ["loyalty", "ewallet", "gift_card"]),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fidelite_card_count" in counters:
            values["fidelite_card_count"] = (
                request.env["loyalty.card"].sudo().search_count(self._fidelite_cards_domain())
            )
        return values

    @route("/my/fidelite", type="http", auth="user", website=True)
    def portal_my_fidelite(self, **kw):
        cards = request.env["loyalty.card"].sudo().search(self._fidelite_cards_domain(), order="program_id, id")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "fidelite", "cards": cards})
        return request.render("fidelite_portal.portal_my_fidelite", values)
