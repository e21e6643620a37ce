"""SMS gateways for Odoo's ``sms`` module: a generic HTTP/JSON gateway and a SOAP gateway.

Both send each message with its ``sms.sms`` uuid as reference (and ``Idempotency-Key``), so
a gateway that received a message whose answer was lost recognises it when it is sent again.
Transient failures (timeouts, connection errors, 5xx, SOAP faults) are retried with an
exponential backoff; what still fails is reported as ``server_error`` and retried later by
the ``sms.sms`` retry job.
"""

import json
import logging
import time

import requests

from odoo.addons.sms.tools.sms_api import SmsApiBase

_logger = logging.getLogger(__name__)


class TransientGatewayError(Exception):
    """The gateway may accept the message if it is sent again."""


class _RetryingSmsApi(SmsApiBase):
    PROVIDER_TO_SMS_FAILURE_TYPE = SmsApiBase.PROVIDER_TO_SMS_FAILURE_TYPE | {"rejected": "sms_number_format"}

    def _settings(self):
        company = self.company
        return {
            "timeout": company.fidelite_sms_timeout or 10,
            "attempts": max(company.fidelite_sms_attempts, 1),
            "backoff": company.fidelite_sms_backoff,
        }

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        settings = self._settings()
        results = []
        for message in messages:
            for number in message["numbers"]:
                state = self._send_with_retries(number, message["content"], settings)
                results.append({"uuid": number["uuid"], "state": state})
        return results

    def _send_with_retries(self, number, content, settings):
        delay = settings["backoff"]
        for attempt in range(1, settings["attempts"] + 1):
            try:
                return self._send_one(number["number"], content, number["uuid"], settings["timeout"])
            except TransientGatewayError as error:
                _logger.info("SMS %s: attempt %s failed: %s", number["uuid"], attempt, error)
            if attempt < settings["attempts"]:
                time.sleep(delay)
                delay *= 2
        return "server_error"

    def _send_one(self, number, content, uuid, timeout):
        raise NotImplementedError()


class HttpSmsApi(_RetryingSmsApi):
    """Posts one JSON document per message, built from the company's payload template."""

    def _payload(self, number, content, uuid):
        template = self.company.fidelite_sms_payload or '{"to": "{number}", "text": "{content}"}'
        values = {"number": number, "content": content, "uuid": uuid}

        # Fill the template on its parsed structure so that quotes in the text stay valid JSON
        def fill(node):
            if isinstance(node, dict):
                return {key: fill(value) for key, value in node.items()}
            if isinstance(node, list):
                return [fill(value) for value in node]
            if isinstance(node, str):
                for key, value in values.items():
                    node = node.replace("{%s}" % key, value)
            return node

        return fill(json.loads(template))

    def _send_one(self, number, content, uuid, timeout):
        company = self.company
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid}
        if company.fidelite_sms_auth_header:
            headers["Authorization"] = company.fidelite_sms_auth_header
        try:
            response = requests.post(
                company.fidelite_sms_url,
                data=json.dumps(self._payload(number, content, uuid)),
                headers=headers,
                timeout=timeout,
            )
        except requests.exceptions.RequestException as error:  # timeouts, refused connections
            raise TransientGatewayError(str(error)) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientGatewayError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            return "rejected"
        return "success"


class SoapSmsApi(_RetryingSmsApi):
    """Calls the ``SendSms(reference, number, text)`` operation of the configured WSDL."""

    def _client(self, timeout):
        from zeep import Client
        from zeep.transports import Transport

        return Client(self.company.fidelite_sms_wsdl, transport=Transport(timeout=timeout, operation_timeout=timeout))

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        self._zeep_client = None
        return super()._send_sms_batch(messages, delivery_reports_url)

    def _send_one(self, number, content, uuid, timeout):
        from zeep.exceptions import Fault, TransportError

        try:
            if not self._zeep_client:
                self._zeep_client = self._client(timeout)
            status = self._zeep_client.service.SendSms(reference=uuid, number=number, text=content)
        except (Fault, TransportError, requests.exceptions.RequestException) as error:
            raise TransientGatewayError(str(error)) from error
        if str(status).lower() in ("ok", "accepted", "queued", "duplicate"):
            return "success"
        return "rejected"
