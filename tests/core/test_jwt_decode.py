"""Decoding without a key: parts, times, JWE, and one clear error for every malformed input."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.encoding import b64url_encode
from oktatool.core.errors import ClaimError, TokenFormatError
from oktatool.core.jose.jwt import (
    MAX_TOKEN_CHARS,
    decode_token,
    format_duration,
    iso_utc,
    parse_compact,
    parse_json_object,
    relative_phrase,
    token_times,
)

JOSE = Path(__file__).resolve().parent.parent / "fixtures" / "jose"
NOW = 1_700_000_000.0


def _vector(name: str) -> dict[str, object]:
    return json.loads((JOSE / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _seg(value: object) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return b64url_encode(raw)


def _token(header: object, claims: object, signature: bytes = b"sig") -> str:
    return f"{_seg(header)}.{_seg(claims)}.{b64url_encode(signature)}"


def test_rfc7515_a1_decodes_into_header_claims_signature() -> None:
    vector = _vector("rfc7515_a1_hs256")
    decoded = decode_token(str(vector["token"]), now=NOW)
    assert decoded.header == {"typ": "JWT", "alg": "HS256"}
    assert decoded.claims == {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    assert decoded.signature == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    exp = decoded.times.get("exp")
    assert exp is not None and exp.iso == "2011-03-22T18:43:00Z"
    assert decoded.times.expired and not decoded.times.not_yet_valid
    assert exp.relative.startswith("expired ") and exp.relative.endswith(" d ago")


def test_non_json_payload_is_kept_as_text() -> None:
    decoded = decode_token(str(_vector("rfc8037_a4_eddsa")["token"]), now=NOW)
    assert decoded.claims is None
    assert decoded.payload_text == "Example of Ed25519 signing"
    with pytest.raises(TokenFormatError, match=r"claims must be a JSON object|valid JSON"):
        decode_token(str(_vector("rfc8037_a4_eddsa")["token"]), strict=True)


def test_times_iso_relative_and_flags() -> None:
    claims = {"iat": NOW - 120, "nbf": NOW - 120, "exp": NOW + 4 * 60 + 30, "auth_time": NOW - 2 * 3600}
    times = token_times(claims, NOW)
    assert [t.claim for t in times.times] == ["iat", "nbf", "exp", "auth_time"]
    assert times.get("exp").relative == "expires in 5 min"  # type: ignore[union-attr]
    assert times.get("iat").relative == "issued 2 min ago"  # type: ignore[union-attr]
    assert times.get("auth_time").relative == "authenticated 2 h ago"  # type: ignore[union-attr]
    assert times.get("iat").iso == "2023-11-14T22:11:20Z"  # type: ignore[union-attr]
    assert not times.expired and not times.not_yet_valid

    later = token_times({"exp": NOW - 2 * 3600 - 5, "nbf": NOW + 90}, NOW)
    assert later.expired and later.not_yet_valid
    assert later.get("exp").relative == "expired 2 h ago"  # type: ignore[union-attr]
    assert later.get("nbf").relative == "valid in 2 min"  # type: ignore[union-attr]


def test_expiry_is_inclusive_and_leeway_counts() -> None:
    assert token_times({"exp": NOW}, NOW).expired
    assert not token_times({"exp": NOW}, NOW, leeway=30).expired
    assert not token_times({"nbf": NOW + 20}, NOW, leeway=30).not_yet_valid


def test_odd_time_values_are_described_not_crashed_on() -> None:
    times = token_times({"exp": "tomorrow", "iat": True, "nbf": 1e300}, NOW)
    assert times.get("exp").iso is None  # type: ignore[union-attr]
    assert "not a number" in times.get("exp").relative  # type: ignore[union-attr]
    assert "not a number" in times.get("iat").relative  # type: ignore[union-attr]
    assert times.get("nbf").relative == "out of range"  # type: ignore[union-attr]
    assert not times.expired


def test_helpers() -> None:
    assert format_duration(59) == "59 s"
    assert format_duration(-600) == "10 min"
    assert format_duration(86400 * 3 + 5) == "3 d"


def test_durations_round_to_the_nearest_unit() -> None:
    """A span set a moment ago reads as set (+5 min seen 0.9 s later), and a full count moves up a unit."""
    assert format_duration(299.1) == "5 min"
    assert format_duration(269) == "4 min"
    assert format_duration(59.6) == "1 min"
    assert format_duration(3599) == "1 h"
    assert format_duration(3600 * 23 + 1790) == "23 h"
    assert format_duration(86399) == "1 d"
    assert relative_phrase("exp", NOW + 299.2, NOW) == "expires in 5 min"
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
    assert iso_utc(1.5) == "1970-01-01T00:00:01.500Z"
    assert iso_utc(1e20) is None
    assert relative_phrase("exp", NOW, NOW) == "expires now"


def test_decode_json_shape() -> None:
    token = _token({"alg": "RS256", "kid": "k1"}, {"sub": "a", "exp": NOW + 60})
    shape = decode_token(token, now=NOW).to_dict()
    assert set(shape) == {"header", "claims", "signature", "times"}
    assert shape["times"]["exp"] == {"value": NOW + 60, "iso": "2023-11-14T22:14:20Z", "relative": "expires in 1 min"}
    assert shape["times"]["expired"] is False


def test_jwe_is_recognized_as_encrypted() -> None:
    jwe = f"{_seg({'alg': 'RSA-OAEP', 'enc': 'A256GCM'})}.{b64url_encode(b'k' * 32)}.{b64url_encode(b'iv')}." \
          f"{b64url_encode(b'ciphertext')}.{b64url_encode(b'tag')}"
    decoded = decode_token(jwe, now=NOW)
    assert decoded.encrypted
    assert decoded.header == {"alg": "RSA-OAEP", "enc": "A256GCM"}
    assert decoded.claims is None
    assert decoded.to_dict()["encrypted"] is True


def test_authorization_header_prefix_and_surrounding_space_are_tolerated() -> None:
    token = _token({"alg": "HS256"}, {"sub": "x"})
    assert decode_token(f"  Bearer {token}\n").claims == {"sub": "x"}
    assert decode_token(f"DPoP {token}").claims == {"sub": "x"}


@pytest.mark.parametrize(("token", "code", "words"), [
    ("", "empty_token", "empty"),
    ("   \n", "empty_token", "empty"),
    ("abc", "wrong_part_count", "this has 1"),
    ("a.b", "wrong_part_count", "this has 2"),
    ("a.b.c.d", "wrong_part_count", "this has 4"),
    ("a.b.c.d.e.f", "wrong_part_count", "this has 6"),
    ("eyJhbGciOiJIUzI1NiJ9.e30.a b", "whitespace_in_token", "spaces"),
    ("eyJhbGciOiJIUzI1NiJ9.e30=.sig", "bad_base64url", "payload segment"),
    ("e.e30.sig", "bad_base64url", "header segment"),
    (f"{b64url_encode(b'not json')}.e30.sig", "bad_header", "valid JSON"),
    (f"{b64url_encode(b'[1]')}.e30.sig", "bad_header", "JSON object"),
    (f"{b64url_encode(bytes([0xff, 0xfe]))}.e30.sig", "bad_header", "UTF-8"),
    (b64url_encode(b'{"alg":"a","alg":"b"}') + ".e30.sig", "bad_header", "twice"),
])
def test_malformed_tokens_give_one_clear_error(token: str, code: str, words: str) -> None:
    with pytest.raises(TokenFormatError) as info:
        parse_compact(token)
    assert info.value.code == code
    assert words in info.value.description
    assert info.value.exit_code == 2


def test_a_3_mb_token_is_refused_before_decoding() -> None:
    huge = "eyJhbGciOiJIUzI1NiJ9." + "A" * (3 * 1024 * 1024) + ".sig"
    with pytest.raises(TokenFormatError) as info:
        decode_token(huge)
    assert info.value.code == "token_too_long"
    assert str(MAX_TOKEN_CHARS // 1024) in info.value.description


def test_invalid_claims_json_reports_line_and_column() -> None:
    with pytest.raises(ClaimError) as info:
        parse_json_object('{\n  "sub": "a",\n  "exp": 12,,\n}', what="the claims")
    assert "line 3, column 13" in info.value.description
    with pytest.raises(ClaimError, match="must be a JSON object"):
        parse_json_object("[1, 2]", what="the claims")
    bad = _seg({"alg": "HS256"}) + "." + b64url_encode(b'{"sub": }') + ".c2ln"
    with pytest.raises(TokenFormatError, match="line 1, column 9"):
        decode_token(bad, strict=True)


_B64 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60)


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=300))
def test_decoder_never_fails_with_anything_but_token_format_error(text: str) -> None:
    try:
        decoded = decode_token(text, now=NOW)
    except TokenFormatError:
        return
    assert isinstance(decoded.header, dict)


@settings(max_examples=120, deadline=None)
@given(st.lists(_B64, min_size=1, max_size=6))
def test_dotted_base64url_garbage_is_handled(parts: list[str]) -> None:
    with contextlib.suppress(TokenFormatError):
        decode_token(".".join(parts), now=NOW)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _JSON, max_size=5), st.dictionaries(st.text(max_size=8), _JSON, max_size=5),
       st.binary(max_size=64))
def test_round_trip_of_any_header_and_claims(header: dict[str, object], claims: dict[str, object],
                                             signature: bytes) -> None:
    decoded = decode_token(_token(header, claims, signature), now=NOW)
    assert decoded.header == header
    assert decoded.claims == claims
    assert decoded.signature == b64url_encode(signature)
    assert json.dumps(decoded.to_dict())  # always serializable for --json
