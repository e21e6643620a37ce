from odoo import http
from odoo.http import request

from odoo.addons.mass_mailing.controllers.main import MassMailController


class FideliteMassMailController(MassMailController):
    @http.route()
    def mailing_update_list_subscription(self, *args, **kwargs):
        # The member, through their hash-signed link, chooses their lists: the lists they tick back
        # are their new e-mail consent (``mailing.subscription._fidelite_record_opt_in``)
        request.update_context(fidelite_member_optin=True)
        return super().mailing_update_list_subscription(*args, **kwargs)
