"""Redaction removes a secret's whole value from JSON and form text, whatever characters it holds."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.okta.http import SECRET_FIELDS, redact_text


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(SECRET_FIELDS), secret=st.text(min_size=1), other=st.text(max_size=10),
       compact=st.booleans())
def test_a_json_secret_is_redacted_whole(field: str, secret: str, other: str, compact: bool) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps({"before": other, field: secret, "after": other}, separators=separators)
    shown = json.loads(redact_text(text))
    assert shown == {"before": other, field: "[redacted]", "after": other}


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(SECRET_FIELDS), secret=st.text(min_size=1))
def test_a_form_secret_is_redacted_whole(field: str, secret: str) -> None:
    text = urlencode({"grant_type": "client_credentials", field: secret, "scope": "okta.users.read"})
    shown = parse_qs(redact_text(text))
    assert shown == {"grant_type": ["client_credentials"], field: ["[redacted]"], "scope": ["okta.users.read"]}


def test_values_with_spaces_commas_braces_and_escaped_quotes() -> None:
    for secret in ("correct horse battery", "a,b", "a}b", 'a"b', "a\\b"):
        assert json.loads(redact_text(json.dumps({"password": secret})))["password"] == "[redacted]"
