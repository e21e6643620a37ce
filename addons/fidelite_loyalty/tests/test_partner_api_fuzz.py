import hashlib
import json
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from odoo.tests import tagged

from .partner_api_common import API, PartnerApiCase

SPEC = Path(__file__).resolve().parents[1] / "api" / "openapi.json"
EXAMPLES = 60


@tagged("post_install", "-at_install")
class TestPartnerApiFuzz(PartnerApiCase):
    """Requests generated from the OpenAPI document, valid and invalid, against the running server:
    every answer is one the document describes, malformed ones are refused, and the card's balance
    is always the sum of the points the API said it moved.
    """

    def setUp(self):
        super().setUp()
        self.schema = schemathesis.openapi.from_path(str(SPEC))
        self.moved = {}  # transaction id: points (hypothesis replays examples, with their keys)
        # half the generated cards are unknown, and every call of a test falls in one minute (the
        # test's transaction): limits of their own, so the fuzzing reaches the operations
        self.merchant.key_ids.write({"rate_limit_per_minute": 10**6, "failure_limit_per_hour": 10**6})

    def _fuzz(self, path, method, mode):
        operation = self.schema[path][method]
        base_url = self.base_url() + API
        headers = {"Authorization": f"Bearer {self.key}"}
        session = self.new_session()  # not the test's opener: it takes the test lock itself

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            if isinstance(case.body, dict) and mode == GenerationMode.POSITIVE:
                # half of the valid requests are for the member's card, the others for unknown cards
                digest = hashlib.sha256(json.dumps(case.body, sort_keys=True, default=str).encode()).digest()
                if digest[0] % 2:
                    case.body["card"] = self.card.code
            response = case.call(base_url=base_url, session=session, headers=headers, timeout=60)
            case.validate_response(response, headers=headers)
            if response.status_code == 201:
                answer = response.json()
                self.moved[answer["transaction_id"]] = answer["points"]
            if mode == GenerationMode.NEGATIVE:
                self.assertGreaterEqual(response.status_code, 400, case.as_curl_command())

        self.env.flush_all()
        with self.allow_requests(all_requests=True):  # schemathesis also calls without our session
            check()
        self.assert_balance(self.card, sum(self.moved.values()))

    def test_lookup_fuzz(self):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with self.subTest(mode=mode):
                self._fuzz("/cards/{identifier}", "GET", mode)

    def test_earn_fuzz(self):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with self.subTest(mode=mode):
                self._fuzz("/earn", "POST", mode)

    def test_burn_fuzz(self):
        _status, seed = self.earn(10**6, "fuzz-seed")
        self.moved[seed["transaction_id"]] = seed["points"]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with self.subTest(mode=mode):
                self._fuzz("/burn", "POST", mode)
