"""Error messages repeat at most a short piece of what the user gave: input may be megabytes, or a secret."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from oktatool.core.encoding import b64url_encode
from oktatool.core.errors import QUOTE_LIMIT, OktaToolError, shorten
from oktatool.core.jose.assertion import check_assertion_token
from oktatool.core.jose.dpop import DPoPKey, make_proof
from oktatool.core.jose.jwt import sign_token
from oktatool.core.jose.verify import verify_with_jwks, verify_with_key
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.http import check_url
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.scopes import ScopeCatalog, split_endpoint

HUGE = "A" * 1_000_000
#: a message may hold several quoted values and its own words, never the input itself
MESSAGE_LIMIT = 600
KEY = generate_key(KeySpec("EC", kid="ec-1"))


#: long, but short enough to stay under the token size limit
LONG = "A" * 50_000


def _token(header: dict[str, object], payload: dict[str, object] | None = None) -> str:
    return f"{b64url_encode(json.dumps(header).encode())}.{b64url_encode(json.dumps(payload or {}).encode())}.AAAA"


def test_shorten_keeps_short_text_and_cuts_long_text() -> None:
    assert shorten("abc") == "abc"
    assert shorten("x" * QUOTE_LIMIT) == "x" * QUOTE_LIMIT
    assert shorten("x" * (QUOTE_LIMIT + 1)) == "x" * QUOTE_LIMIT + "…"


FAILURES: list[Callable[[], object]] = [
    lambda: check_url(HUGE),
    lambda: check_url("http://example.com/" + HUGE),
    lambda: parse_org_url(HUGE),
    lambda: parse_org_url("https://" + "a" * 70 + "." + HUGE),
    lambda: parse_org_url("https://dev-1.okta.com/" + HUGE),
    lambda: parse_org_url("https://dev-1.okta.com/oauth2/" + HUGE),
    lambda: sign_token({}, KEY, alg=HUGE),
    lambda: split_endpoint(HUGE),
    lambda: split_endpoint(HUGE + " /api/v1/users"),
    lambda: ScopeCatalog.load().scope(HUGE),
    lambda: ScopeCatalog.load().required_scopes("GET", "/" + HUGE),
    lambda: make_proof(DPoPKey.from_key(KEY), "G E T" + HUGE, "https://x/"),
    lambda: make_proof(DPoPKey.from_key(KEY), "GET", "ftp://" + HUGE),
    lambda: verify_with_key(_token({"alg": LONG}), KEY),
    lambda: verify_with_key(_token({"alg": "ES256", "crit": [LONG]}), KEY),
    lambda: verify_with_jwks(_token({"alg": "ES256", "kid": LONG}), [KEY]),
    lambda: verify_with_key(_token({"alg": "ES256", "kid": LONG}), KEY),
]


@pytest.mark.parametrize("fail", FAILURES)
def test_a_huge_input_is_not_repeated_whole(fail: Callable[[], object]) -> None:
    with pytest.raises(OktaToolError) as caught:
        fail()
    assert len(caught.value.user_message()) < MESSAGE_LIMIT


def test_preflight_findings_quote_pasted_claims_briefly() -> None:
    org = parse_org_url("https://dev-1.okta.com")
    token = _token({"alg": "RS256", "kid": "k"}, {"iss": LONG, "sub": LONG, "aud": LONG})
    findings = check_assertion_token(token, org, "0oa" + "b" * 200)
    assert findings
    assert all(len(f.message()) < MESSAGE_LIMIT for f in findings)


def test_every_error_cuts_a_value_quoted_whole_and_keeps_a_path() -> None:
    # the backstop: a message that quotes a value without shorten (an id, a name) still repeats only a piece
    from oktatool.core.errors import MAX_UNBROKEN, BadInputError, Hint

    error = BadInputError(f"no role assignment {HUGE!r} on the app 0oa1", hint=Hint(f"see {HUGE}", window=HUGE))
    assert len(error.user_message()) < MESSAGE_LIMIT
    assert str(error) == f"no role assignment '{'A' * QUOTE_LIMIT}…' on the app 0oa1"
    assert isinstance(error.hint, Hint) and len(error.hint.window) < MESSAGE_LIMIT
    path = "/home/admin/" + "keys/" * ((MAX_UNBROKEN - 20) // 5) + "a.pem"
    assert len(path) <= MAX_UNBROKEN
    assert path in str(BadInputError(f"cannot read {path}: no such file"))
