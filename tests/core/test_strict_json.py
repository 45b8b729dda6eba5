"""Strict JSON for claims, headers and arguments: what Python's json accepts but JOSE peers read differently."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.encoding import b64url_encode, dumps_compact, dumps_pretty, loads_strict
from oktatool.core.errors import ClaimError, TokenFormatError
from oktatool.core.jose.jwt import decode_token, numeric_date, parse_json_object, sign_token
from oktatool.core.keys.key import KeySpec, generate_key


def _token(header_text: str, payload_text: str) -> str:
    return f"{b64url_encode(header_text.encode())}.{b64url_encode(payload_text.encode())}.AAAA"


@pytest.mark.parametrize(("text", "words"), [
    ('{"exp": NaN}', "NaN"),
    ('{"exp": Infinity}', "Infinity"),
    ('{"exp": -Infinity}', "-Infinity"),
    ('{"exp": 1e400}', "too large"),
    ('{"sub": "\\ud800"}', "lone surrogate"),
    ('{"sub": "a", "sub": "b"}', "'sub' twice"),
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"exp": 1' + "0" * 5000 + "}", "5,001 digits"),
])
def test_loads_strict_refuses_what_peers_read_differently(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        loads_strict(text)
    with pytest.raises(ClaimError, match=words) as caught:
        parse_json_object(text, what="the claims")
    assert caught.value.description.startswith("the claims ")


def test_loads_strict_keeps_syntax_errors_with_their_position() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        loads_strict('{\n  "a": }')
    assert (caught.value.lineno, caught.value.colno) == (2, 8)


def test_a_surrogate_pair_is_one_character_and_fine() -> None:
    assert loads_strict('{"smile": "\\ud83d\\ude00"}') == {"smile": "\U0001f600"}


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_json_values)
def test_loads_strict_reads_back_every_valid_json_value(value: Any) -> None:
    assert loads_strict(dumps_compact(value)) == value
    assert loads_strict(dumps_pretty(value)) == value


def test_writers_refuse_nan_instead_of_writing_invalid_json() -> None:
    for writer in (dumps_compact, dumps_pretty):
        with pytest.raises(ValueError):
            writer({"exp": float("nan")})
    key = generate_key(KeySpec("EC"))
    with pytest.raises(ClaimError, match="cannot be written as JSON"):
        sign_token({"exp": float("inf")}, key)


def test_a_header_that_is_not_utf8_is_a_claim_error_not_a_crash() -> None:
    key = generate_key(KeySpec("EC"))
    with pytest.raises(ClaimError, match="header cannot be written"):
        sign_token({}, key, header={"kid": "a\udcff"})  # what argv holds for a non-UTF-8 --kid


def test_decoding_a_header_with_nan_or_a_lone_surrogate_is_a_format_error() -> None:
    for header in ('{"alg": "RS256", "x": NaN}', '{"alg": "RS256", "kid": "\\udc00"}',
                   '{"alg": "RS256", "a": ' + "[" * 50_000 + "]" * 50_000 + "}"):
        with pytest.raises(TokenFormatError, match="the header"):
            decode_token(_token(header, "{}"))


def test_claims_with_nan_are_shown_as_text_by_decode_and_refused_by_strict_decode() -> None:
    token = _token('{"alg": "RS256"}', '{"exp": NaN}')
    decoded = decode_token(token, now=0)
    assert decoded.claims is None and decoded.payload_text == '{"exp": NaN}'
    json.loads(dumps_pretty(decoded.to_dict()))  # what decode --json prints stays valid JSON
    with pytest.raises(TokenFormatError, match="NaN"):
        decode_token(token, strict=True)


def test_a_time_claim_too_large_for_a_float_is_not_a_date() -> None:
    assert numeric_date(10**400) is None
    decoded = decode_token(_token('{"alg": "RS256"}', '{"exp": 1' + "0" * 400 + "}"), now=0)
    exp = decoded.times.get("exp")
    assert exp is not None and exp.iso is None
    assert decoded.times.expired is False
