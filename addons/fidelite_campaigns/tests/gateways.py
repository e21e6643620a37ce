"""Real servers on 127.0.0.1 for the channel tests: an SMTP sink, an HTTP SMS gateway and a SOAP SMS gateway.

Each gateway keeps the messages it accepted by reference (idempotent, like a real provider)
and every request it received, and can be told to fail the next requests (5xx, SOAP fault,
or answer too late).
"""

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from xml.etree import ElementTree

from aiosmtpd.controller import Controller

NS = "urn:fidelite:sms-gateway"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class SmtpSink:
    """Collects the e-mails an ``ir.mail_server`` really sends."""

    def __init__(self):
        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(
                    {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content.decode()}
                )
                return "250 OK"

        with socket.socket() as probe:  # a free port (aiosmtpd checks it can connect to the one it gets)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


class _Gateway:
    def __init__(self):
        self.accepted = {}  # reference -> (number, text)
        self.requests = []
        self.failures = []  # what to do with the next requests: "error", "slow"
        self.lock = threading.Lock()

    def _next_failure(self):
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def _accept(self, reference, number, text):
        with self.lock:
            self.accepted.setdefault(reference, (number, text))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class HttpSmsGateway(_Gateway):
    """JSON over HTTP; checks the Authorization header."""

    def __init__(self, token="Bearer s3cret", slow_seconds=11):
        super().__init__()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                payload = json.loads(body)
                gateway.requests.append({"headers": dict(self.headers), "payload": payload})
                failure = gateway._next_failure()
                if self.headers.get("Authorization") != token:
                    return self._answer(401, {"error": "unauthorized"})
                if failure == "error":
                    return self._answer(503, {"error": "busy"})
                gateway._accept(payload["reference"], payload["to"], payload["text"])
                if failure == "slow":  # accepted, but the answer comes after the client gave up
                    time.sleep(slow_seconds)
                return self._answer(200, {"status": "accepted", "id": payload["reference"]})

            def _answer(self, status, data):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up waiting
                    self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self


WSDL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
             xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="{ns}" targetNamespace="{ns}">
  <types>
    <xsd:schema targetNamespace="{ns}" elementFormDefault="qualified">
      <xsd:element name="SendSms">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="reference" type="xsd:string"/>
          <xsd:element name="number" type="xsd:string"/>
          <xsd:element name="text" type="xsd:string"/>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
      <xsd:element name="SendSmsResponse">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="status" type="xsd:string"/>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </types>
  <message name="SendSmsInput"><part name="parameters" element="tns:SendSms"/></message>
  <message name="SendSmsOutput"><part name="parameters" element="tns:SendSmsResponse"/></message>
  <portType name="SmsPortType">
    <operation name="SendSms"><input message="tns:SendSmsInput"/><output message="tns:SendSmsOutput"/></operation>
  </portType>
  <binding name="SmsBinding" type="tns:SmsPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="SendSms">
      <soap:operation soapAction="{ns}/SendSms"/>
      <input><soap:body use="literal"/></input>
      <output><soap:body use="literal"/></output>
    </operation>
  </binding>
  <service name="SmsService">
    <port name="SmsPort" binding="tns:SmsBinding"><soap:address location="{location}"/></port>
  </service>
</definitions>"""


def _envelope(body):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:tns="{NS}">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


class SoapSmsGateway(_Gateway):
    """A WSGI SOAP 1.1 service: GET gives the WSDL, POST runs SendSms."""

    def __init__(self):
        super().__init__()

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.server = make_server("127.0.0.1", 0, self.app, server_class=Server, handler_class=QuietHandler)
        self.location = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.wsdl_url = self.location + "?wsdl"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def app(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET":
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [WSDL.format(ns=NS, location=self.location).encode()]
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.requests.append({"headers": {"SOAPAction": environ.get("HTTP_SOAPACTION")}, "body": raw})
        root = ElementTree.fromstring(raw)
        call = root.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}SendSms")
        if call is None:
            return self._fault(start_response, "soap:Client", "SendSms expected")
        values = {child.tag.split("}")[1]: child.text for child in call}
        if self._next_failure() == "error":
            return self._fault(start_response, "soap:Server", "Gateway overloaded")
        self._accept(values["reference"], values["number"], values["text"])
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [_envelope("<tns:SendSmsResponse><tns:status>accepted</tns:status></tns:SendSmsResponse>")]

    def _fault(self, start_response, code, text):
        start_response("500 Internal Server Error", [("Content-Type", "text/xml; charset=utf-8")])
        return [_envelope(f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring></soap:Fault>")]
