"""JSON nested deeper than Python goes, from a token endpoint, the org's metadata or the API, is never a
RecursionError: the project's error, or the text as it came (loopback servers, real keys)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oktatool.core.encoding import TOO_DEEP, TooDeepError, dumps_pretty, loads_answer
from oktatool.core.errors import ApiError, TokenError
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.doctor import run_doctor
from oktatool.core.okta.doctor_run import DoctorInput
from oktatool.core.okta.exchange import RecordingTokenClient, TokenExchange
from oktatool.core.okta.http import HttpOptions, new_session
from oktatool.core.okta.orgurl import parse_org_url
from tests.loopback_http import QuietHandler, serve_on_loopback

#: far deeper than Python's parser goes (its recursion limit is 1,000)
DEEP = b'{"error": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


class _DeepOrg(QuietHandler):
    def do_GET(self) -> None:
        self.send_body(200, DEEP)

    def do_POST(self) -> None:
        self.read_body()
        self.send_body(400, DEEP)


@pytest.fixture
def org() -> Iterator[str]:
    with serve_on_loopback(_DeepOrg) as base:
        yield base


def test_the_reader_says_too_deep_as_a_value_error() -> None:
    with pytest.raises(TooDeepError, match="nested too deeply"):
        loads_answer(DEEP)
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(TooDeepError, match="nested too deeply"):
        dumps_pretty(value)
    with pytest.raises(ValueError):
        loads_answer(b'{"n": \xff}')


def test_a_token_endpoint_answering_deep_json_is_a_token_error_and_its_leg_shows(org: str) -> None:
    seen: list[TokenExchange] = []
    recorder = RecordingTokenClient(new_session(HttpOptions()), listener=seen.append)
    client = OktaClient(Connection(parse_org_url(org), "0oa-deep", generate_key(KeySpec("EC")),
                                   scopes=("okta.users.read",)), token_client=recorder)
    with pytest.raises(TokenError):
        client.token()
    leg = seen[0].legs[0]
    assert leg.status == 400 and leg.oauth_error is None and not leg.is_nonce_challenge
    assert leg.response_text() == DEEP.decode()


def test_an_api_answer_of_deep_json_is_an_api_error(org: str) -> None:
    answer = ApiClient(org, new_session(), None).send("GET", "/oauth2/v1/keys")
    with pytest.raises(ApiError) as caught:
        answer.json()
    assert TOO_DEEP in caught.value.description and caught.value.code == "bad_answer"


def test_the_doctor_fails_its_metadata_check_on_deep_metadata(org: str) -> None:
    report = run_doctor(DoctorInput(org_text=org, client_id="0oa-deep", key=generate_key(KeySpec("EC"))))
    metadata = next(check for check in report.checks if check.id == "metadata")
    assert metadata.status == "fail" and "not JSON metadata" in metadata.detail, metadata
