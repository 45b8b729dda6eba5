"""Any JWT: sign, and decode without a key, with the times in between (verify.py checks signatures).

Decoding never needs a key and never trusts the token.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import b64url_decode, b64url_encode, loads_strict
from oktatool.core.errors import (
    BadInputError,
    ClaimError,
    KeyMaterialError,
    TokenFormatError,
    shorten,
    with_article,
)
from oktatool.core.jose import jwa
from oktatool.core.jose.input_kind import check_token_text

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

#: refuse longer input before decoding anything (an Okta token is a few kB; a cookie jar is not a JWT)
MAX_TOKEN_CHARS = 256 * 1024
#: the registered claims that hold NumericDate values (RFC 7519 §4.1, OIDC Core §2)
TIME_CLAIMS = ("iat", "nbf", "exp", "auth_time")
#: an HMAC secret shorter than this many bytes gets a warning (RFC 7518 §3.2 asks for the hash size)
SHORT_SECRET_BYTES = 32

#: a source of the current time in seconds since the epoch (injectable for tests)
Clock = Callable[[], float]


def parse_json_object(text: str, *, what: str) -> dict[str, Any]:
    """Parse ``text`` as a strict JSON object, reporting line and column of a syntax error (ClaimError)."""
    try:
        value = loads_strict(text)
    except json.JSONDecodeError as exc:
        raise ClaimError(f"{what} must be valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                         code="invalid_json") from None
    except ValueError as exc:
        raise ClaimError(f"{what} {exc}", code="invalid_json") from None
    if not isinstance(value, dict):
        raise ClaimError(f"{what} must be a JSON object {{...}}, not {_json_kind(value)}", code="not_an_object")
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


# ---------------------------------------------------------------------------------------------- decode


@dataclass(frozen=True)
class CompactToken:
    """The parts of a compact JWS (three segments) or JWE (five segments), decoded but not trusted."""

    header: Mapping[str, Any]
    #: the payload bytes of a JWS; empty for a JWE (it is encrypted)
    payload: bytes
    #: the signature segment, base64url, as it appeared (kept out of repr: with it the token is a credential)
    signature: str = field(repr=False)
    #: ASCII(header segment '.' payload segment), what the signature covers
    signing_input: bytes = field(repr=False)
    encrypted: bool = False
    #: what is wrong with the signature segment (missing, not base64url, cut), said beside the header and payload
    signature_problem: str | None = None

    @property
    def alg(self) -> str | None:
        """Return the header's alg, when it is a string."""
        alg = self.header.get("alg")
        return alg if isinstance(alg, str) else None

    @property
    def kid(self) -> str | None:
        """Return the header's kid, when it is a string."""
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def _clean_token(token: str) -> str:
    if not isinstance(token, str):
        raise TokenFormatError("the token must be text")
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenFormatError(f"the input is {len(token):,} characters long; a JWT of more than "
                               f"{MAX_TOKEN_CHARS // 1024} kB is not accepted", code="token_too_long")
    check_token_text(token)  # as given: binary input keeps its trailing bytes (a DER length counts them)
    text = token.strip()
    scheme, _, rest = text.partition(" ")
    if scheme.lower() in ("bearer", "dpop") and rest:
        text = rest.strip()  # pasted straight from an Authorization header
    if not text:
        raise TokenFormatError("the token is empty", hint="paste a JWT: three base64url parts joined by dots",
                               code="empty_token")
    check_token_text(text)
    if any(ch.isspace() for ch in text):
        raise TokenFormatError("the token contains spaces or line breaks inside it",
                               hint="copy the token again as one line", code="whitespace_in_token")
    return text


def decode_segment(text: str, name: str) -> bytes:
    try:
        raw = b64url_decode(text)
    except ValueError as exc:
        raise TokenFormatError(f"the {name} segment {exc}", code="bad_base64url") from None
    # unused low bits in the last character would let two spellings carry one signature
    if b64url_encode(raw) != text:
        raise TokenFormatError(f"the {name} segment is not canonical base64url (its last character has stray bits)",
                               code="bad_base64url")
    return raw


#: the signature's length in bytes for the algorithms that fix it (RSA's follows the key's size)
_SIGNATURE_BYTES = {"HS256": (32,), "HS384": (48,), "HS512": (64,), "ES256": (64,), "ES256K": (64,),
                    "ES384": (96,), "ES512": (132,), "EdDSA": (64, 114)}


def _signature_problem(text: str, alg: Any) -> str | None:
    """Say what is wrong with a JWS signature segment, or None when nothing is visible without a key."""
    if alg == "none":
        return None if not text else "alg none takes an empty signature, but this token has one"
    if not text:
        return "the signature is missing (the token ends after the payload)"
    copying = "it was cut or changed in copying"
    try:
        raw = decode_segment(text, "signature")
    except TokenFormatError as exc:
        return f"{exc.description}: {copying}"
    sizes = _SIGNATURE_BYTES.get(alg) if isinstance(alg, str) else None
    if sizes and len(raw) not in sizes:
        wanted = " or ".join(str(size) for size in sizes)
        return f"the signature is {len(raw)} bytes, but {with_article(alg)} signature is {wanted} bytes: {copying}"
    return None


def _parts(text: str) -> list[str]:
    parts = text.split(".")
    if len(parts) in (3, 5):
        return parts
    wrong = TokenFormatError(f"a JWT has 3 parts separated by dots (5 for an encrypted JWT); this has {len(parts)}",
                             hint="copy the whole token: header.payload.signature", code="wrong_part_count")
    if len(parts) != 2:
        raise wrong
    try:  # header.payload with the signature (and its dot) cut off: still decoded, as jwt.io does
        _header(parts[0])
    except TokenFormatError:
        raise wrong from None
    return [*parts, ""]


def _header(segment: str) -> dict[str, Any]:
    header_bytes = decode_segment(segment, "header")
    try:
        header_text = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenFormatError("the header is not UTF-8 text", code="bad_header") from None
    try:
        header = parse_json_object(header_text, what="the header")
    except ClaimError as exc:
        raise TokenFormatError(exc.description, code="bad_header") from None
    return header


def parse_compact(token: str) -> CompactToken:
    """Split and decode a compact JWS or JWE; raise TokenFormatError with what is wrong.

    A JWS whose header and payload decode is returned even when its signature segment is missing or
    malformed; ``signature_problem`` says what is wrong with it (and such a token never verifies).
    """
    parts = _parts(_clean_token(token))
    header = _header(parts[0])
    if len(parts) == 5:
        for index, name in ((1, "encrypted key"), (2, "IV"), (3, "ciphertext"), (4, "tag")):
            decode_segment(parts[index], name)
        return CompactToken(header, b"", "", b"", encrypted=True)
    payload = decode_segment(parts[1], "payload")
    return CompactToken(header, payload, parts[2], f"{parts[0]}.{parts[1]}".encode("ascii"),
                        signature_problem=_signature_problem(parts[2], header.get("alg")))


@dataclass(frozen=True)
class ClaimTime:
    """One NumericDate claim shown for people: the raw value, ISO-8601 UTC and relative to now."""

    claim: str
    value: Any
    iso: str | None
    relative: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by ``decode --json``."""
        return {"value": self.value, "iso": self.iso, "relative": self.relative}


@dataclass(frozen=True)
class TokenTimes:
    """The time claims of a token judged at one instant."""

    now: float
    times: tuple[ClaimTime, ...] = ()
    expired: bool = False
    not_yet_valid: bool = False

    def get(self, claim: str) -> ClaimTime | None:
        """Return the ClaimTime of ``claim`` if the token has it."""
        return next((t for t in self.times if t.claim == claim), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by ``decode --json``: each claim plus the flags."""
        result: dict[str, Any] = {t.claim: t.to_dict() for t in self.times}
        result["expired"] = self.expired
        result["not_yet_valid"] = self.not_yet_valid
        return result


def numeric_date(value: Any) -> float | None:
    """Return ``value`` as seconds since the epoch if it is a finite JSON number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        return None
    return number if math.isfinite(number) else None


def iso_utc(seconds: float) -> str | None:
    """Format epoch seconds as ISO-8601 UTC (``2024-05-01T12:00:00Z``), or None when out of range."""
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    text = moment.isoformat(timespec="seconds" if seconds == int(seconds) else "milliseconds")
    return text.replace("+00:00", "Z")


#: each unit with its size in seconds and the size of the next unit up
_DURATION_UNITS = (("s", 1, 60), ("min", 60, 3600), ("h", 3600, 86400))


def format_duration(seconds: float) -> str:
    """Format a span coarsely, to the nearest unit: ``45 s``, ``5 min`` (299.4 s), ``2 h``, ``3 d``.

    Rounding to the nearest (not down) makes a span set a moment ago read as set: exp = now + 300 seen
    a fraction of a second later is "5 min", not "4 min". A count that rounds up to the next unit moves
    to it (3599 s is "1 h", not "60 min").
    """
    seconds = abs(seconds)
    for name, size, bigger in _DURATION_UNITS:
        count = math.floor(seconds / size + 0.5)
        if count * size < bigger:
            return f"{count} {name}"
    return f"{math.floor(seconds / 86400 + 0.5)} d"


_PHRASES = {
    "exp": ("expires in {}", "expired {} ago", "expires now"),
    "nbf": ("valid in {}", "valid since {} ago", "valid from now"),
    "iat": ("issued {} in the future", "issued {} ago", "issued now"),
    "auth_time": ("authenticated {} in the future", "authenticated {} ago", "authenticated now"),
}


def relative_phrase(claim: str, value: float, now: float) -> str:
    """Describe a time claim relative to ``now``: "expires in 4 min", "expired 2 h ago"."""
    future, past, present = _PHRASES.get(claim, ("in {}", "{} ago", "now"))
    delta = value - now
    if abs(delta) < 1:
        return present
    return (future if delta > 0 else past).format(format_duration(delta))


def token_times(claims: Mapping[str, Any], now: float, *, leeway: float = 0) -> TokenTimes:
    """Judge the time claims of ``claims`` at ``now`` (seconds since the epoch)."""
    times: list[ClaimTime] = []
    expired = not_yet_valid = False
    for claim in TIME_CLAIMS:
        if claim not in claims:
            continue
        raw = claims[claim]
        number = numeric_date(raw)
        if number is None:
            times.append(ClaimTime(claim, raw, None, "not a number of seconds since 1970"))
            continue
        iso = iso_utc(number)
        times.append(ClaimTime(claim, raw, iso, relative_phrase(claim, number, now) if iso else "out of range"))
        if claim == "exp" and number <= now - leeway:
            expired = True
        if claim == "nbf" and number > now + leeway:
            not_yet_valid = True
    return TokenTimes(now, tuple(times), expired, not_yet_valid)


@dataclass(frozen=True)
class DecodedToken:
    """A JWT decoded without a key: header, claims, signature and times, nothing verified."""

    header: Mapping[str, Any]
    #: the claims object; None for an encrypted JWT (JWE) or a JWS whose payload is not a JSON object
    claims: Mapping[str, Any] | None
    signature: str = field(repr=False)
    times: TokenTimes
    encrypted: bool = False
    #: the payload as text when it is not a JSON object (e.g. RFC 7520's quotation)
    payload_text: str | None = None
    #: what is wrong with the signature segment (missing, not base64url, cut); the token never verifies
    signature_problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``decode --json`` shape: {"header","claims","signature","times"} (+ what else is known)."""
        result: dict[str, Any] = {"header": dict(self.header), "claims": None if self.claims is None
                                  else dict(self.claims), "signature": self.signature, "times": self.times.to_dict()}
        if self.encrypted:
            result["encrypted"] = True
        if self.payload_text is not None:
            result["payload"] = self.payload_text
        if self.signature_problem is not None:
            result["signature_problem"] = self.signature_problem
        return result


def decode_token(token: str, *, now: float | None = None, strict: bool = False) -> DecodedToken:
    """Decode ``token`` without verifying it; ``strict`` demands a JSON-object claims set (a JWT)."""
    moment = time.time() if now is None else now
    compact = parse_compact(token)
    if compact.encrypted:
        return DecodedToken(compact.header, None, "", TokenTimes(moment), encrypted=True)
    try:
        text = compact.payload.decode("utf-8")
    except UnicodeDecodeError:
        if strict:
            raise TokenFormatError("the payload is not UTF-8 text, so it is not a JWT claims set",
                                   code="bad_payload") from None
        return DecodedToken(compact.header, None, compact.signature, TokenTimes(moment),
                            payload_text=b64url_encode(compact.payload), signature_problem=compact.signature_problem)
    try:
        claims = parse_json_object(text, what="the claims")
    except ClaimError as exc:
        if strict:
            raise TokenFormatError(exc.description, code="bad_claims") from None
        return DecodedToken(compact.header, None, compact.signature, TokenTimes(moment), payload_text=text,
                            signature_problem=compact.signature_problem)
    return DecodedToken(compact.header, claims, compact.signature, token_times(claims, moment),
                        signature_problem=compact.signature_problem)


# ------------------------------------------------------------------------------------------------ sign


def build_header(key: Key, alg: str, extra: Mapping[str, Any] | None = None, *,
                 defaults: bool = True) -> dict[str, Any]:
    """Return the protected header: alg, then (with ``defaults``) typ JWT and the key's kid, then ``extra``."""
    header: dict[str, Any] = {"alg": alg}
    if defaults:
        header["typ"] = "JWT"
        if key.kid:
            header["kid"] = key.kid
    for name, value in (extra or {}).items():
        if name == "alg":
            continue
        if value is None:
            header.pop(name, None)  # {"typ": null} in --header removes a default member
        else:
            header[name] = value
    return header


def resolve_alg(key: Key, alg: str | None, header: Mapping[str, Any] | None = None, *,
                short_secret_ok: bool = False) -> str:
    """Return the signing alg from ``alg``, else the header's, else the key's; check it fits the key."""
    header_alg = (header or {}).get("alg")
    if header_alg is not None and not isinstance(header_alg, str):
        raise ClaimError("the header's alg must be a string", claim="alg")
    if "" in (alg, header_alg):
        raise ClaimError("the alg asked for is empty", claim="alg",
                         hint="leave it out to use the key's algorithm, or name one, e.g. ES256")
    if alg and header_alg and alg != header_alg:
        raise ClaimError(f"the alg asked for ({alg}) differs from the header's alg ({header_alg})", claim="alg",
                         hint="give the algorithm once")
    chosen = alg or header_alg or jwa.default_alg(key)
    jwa.check_alg_fits(key, chosen, short_secret_ok=short_secret_ok)
    return chosen


def sign_compact(header: Mapping[str, Any], payload: bytes, key: Key, *, short_secret_ok: bool = False) -> str:
    """Sign ``payload`` under the complete protected ``header`` (whose alg must fit ``key``)."""
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise ClaimError("the header has no alg", claim="alg")
    jwa.check_alg_fits(key, alg, short_secret_ok=short_secret_ok)
    from oktatool.core.jose.claims import dumps_exact

    try:
        header_bytes = dumps_exact(dict(header), indent=None).encode("utf-8")
    except (TypeError, ValueError) as exc:  # e.g. a --kid with bytes that are not UTF-8
        raise ClaimError(f"the header cannot be written as JSON: {exc}",
                         hint="header values must be valid UTF-8 text") from None
    signing_input = b64url_encode(header_bytes) + "." + b64url_encode(payload)
    signature = jwa.sign_bytes(key, alg, signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


def sign_claims(header: Mapping[str, Any], claims: Mapping[str, Any], key: Key, *,
                short_secret_ok: bool = False) -> str:
    """Sign ``claims`` as compact JSON (numbers as they were read) under the complete protected ``header``."""
    from oktatool.core.jose.claims import dumps_exact

    try:
        payload = dumps_exact(dict(claims), indent=None).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ClaimError(f"the claims cannot be written as JSON: {exc}") from None
    return sign_compact(header, payload, key, short_secret_ok=short_secret_ok)


def sign_token(claims: Mapping[str, Any], key: Key, *, alg: str | None = None,
               header: Mapping[str, Any] | None = None, defaults: bool = True, short_secret_ok: bool = False) -> str:
    """Sign ``claims`` as a compact JWT with ``key``; ``header`` adds or overrides members (None removes)."""
    if not isinstance(claims, Mapping):
        raise ClaimError("the claims must be a JSON object {...}", code="not_an_object")
    if short_secret_ok and key.is_symmetric and not alg and not (header or {}).get("alg"):
        alg = "HS256"
    chosen = resolve_alg(key, alg, header, short_secret_ok=short_secret_ok)
    return sign_claims(build_header(key, chosen, header, defaults=defaults), claims, key,
                       short_secret_ok=short_secret_ok)


def secret_key(secret: str, encoding: str = "utf-8") -> Key:
    """Return an HMAC key from a typed secret: its UTF-8 bytes, or (``base64url``) the bytes it encodes."""
    from oktatool.core.keys.key import Key

    if encoding not in ("utf-8", "base64url"):
        raise BadInputError(f"unknown secret encoding {shorten(encoding)!r}", hint="utf-8 or base64url")
    if not secret:
        raise KeyMaterialError("the secret is empty", hint="type the shared secret")
    if encoding == "utf-8":
        raw = secret.encode("utf-8", "surrogatepass")
    else:
        try:
            raw = b64url_decode(secret.strip())
        except ValueError as exc:
            raise KeyMaterialError(f"the secret {exc}", hint="type base64url text (A-Z a-z 0-9 - _), or choose "
                                   "UTF-8") from None
        if not raw:
            raise KeyMaterialError("the secret decodes to no bytes")
    return Key(raw, kid=None)


def short_secret_warning(key: Key, alg: str | None = None) -> str | None:
    """Return a warning when an HMAC secret is shorter than its hash (RFC 7518 §3.2), else None."""
    if not key.is_symmetric:
        return None
    needed = int(alg[2:]) // 8 if alg in jwa.HMAC_ALGS and alg else SHORT_SECRET_BYTES
    have = key.size // 8
    if have >= needed:
        return None
    return (f"the secret is {have} bytes; {alg or 'HS256'} wants at least {needed} (RFC 7518 §3.2). "
            "A short secret can be guessed offline from any token it signed.")
