from odoo import fields, models

from ..tools.sms_gateways import HttpSmsApi, SoapSmsApi


class ResCompany(models.Model):
    _inherit = "res.company"

    fidelite_sms_gateway = fields.Selection(
        [("iap", "Odoo IAP"), ("http", "HTTP gateway"), ("soap", "SOAP gateway")],
        string="SMS gateway",
        default="iap",
        required=True,
    )
    fidelite_sms_url = fields.Char(string="Gateway URL", help="HTTP gateway: the URL messages are posted to.")
    fidelite_sms_auth_header = fields.Char(
        string="Authorization header", groups="base.group_system", help="Sent as is, e.g. 'Bearer <token>'."
    )
    fidelite_sms_payload = fields.Text(
        string="Payload template",
        default='{"to": "{number}", "text": "{content}", "reference": "{uuid}"}',
        help="JSON sent for each message; {number}, {content} and {uuid} are replaced.",
    )
    fidelite_sms_wsdl = fields.Char(string="WSDL URL", help="SOAP gateway: the WSDL describing its SendSms operation.")
    fidelite_sms_timeout = fields.Float(string="Gateway timeout (s)", default=10)
    fidelite_sms_attempts = fields.Integer(string="Attempts per send", default=3)
    fidelite_sms_backoff = fields.Float(
        string="First retry after (s)", default=0.5, help="Doubled after each failed attempt."
    )
    fidelite_sms_max_retries = fields.Integer(string="Later retries", default=5)
    fidelite_sms_webhook_token = fields.Char(string="Webhook token", groups="base.group_system", copy=False)
    fidelite_cost_email = fields.Float(string="Cost of an e-mail", default=0.001)
    fidelite_cost_sms = fields.Float(string="Cost of an SMS", default=0.06)
    fidelite_cost_postal = fields.Float(string="Cost of a letter", default=1.2)
    fidelite_cost_phone = fields.Float(string="Cost of a call", default=3.0)
    fidelite_quiet_start = fields.Float(string="Quiet from", default=20.0, help="No SMS nor calls from this hour...")
    fidelite_quiet_end = fields.Float(string="Quiet until", default=9.0, help="...until this hour (member's time).")
    fidelite_quiet_sunday = fields.Boolean(string="Quiet on Sundays", default=True)

    def _get_sms_api_class(self):
        self.ensure_one()
        if self.fidelite_sms_gateway == "http":
            return HttpSmsApi
        if self.fidelite_sms_gateway == "soap":
            return SoapSmsApi
        return super()._get_sms_api_class()

    def _fidelite_unit_cost(self, channel):
        self.ensure_one()
        return self[f"fidelite_cost_{channel}"] if channel else 0.0
