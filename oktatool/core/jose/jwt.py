"""Any JWT: sign, decode without a key, verify with a key or a key set, and the times in between.

Decoding never needs a key and never trusts the token; verification takes the allowed algorithms
from the key (an RSA public key is never an HMAC secret, `none` never verifies) and reports the exact
reason a token fails.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import b64url_decode, b64url_encode, loads_strict
from oktatool.core.errors import (
    BadInputError,
    ClaimError,
    KeyMaterialError,
    TokenFormatError,
    VerificationError,
    shorten,
    with_article,
)
from oktatool.core.jose import jwa
from oktatool.core.jose.input_kind import check_token_text

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions

#: refuse longer input before decoding anything (an Okta token is a few kB; a cookie jar is not a JWT)
MAX_TOKEN_CHARS = 256 * 1024
#: refuse a JWKS URL's answer beyond this size (a key set is a few kB)
MAX_JWKS_BYTES = 4 * 1024 * 1024
#: the registered claims that hold NumericDate values (RFC 7519 §4.1, OIDC Core §2)
TIME_CLAIMS = ("iat", "nbf", "exp", "auth_time")
#: every reason verification fails, as VerificationError codes (the GUI maps them to its messages)
FAILURE_REASONS = ("bad_signature", "kid_not_found", "alg_not_allowed", "no_fitting_key", "expired",
                   "not_yet_valid", "invalid_time_claim", "unsigned", "unsupported_crit", "issuer_mismatch",
                   "audience_mismatch")
#: an HMAC secret shorter than this many bytes gets a warning (RFC 7518 §3.2 asks for the hash size)
SHORT_SECRET_BYTES = 32

#: the most clock skew verify allows for exp and nbf (one day; longer is not skew)
MAX_LEEWAY = 86400
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


def _segment(text: str, name: str) -> bytes:
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
        raw = _segment(text, "signature")
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
    header_bytes = _segment(segment, "header")
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
            _segment(parts[index], name)
        return CompactToken(header, b"", "", b"", encrypted=True)
    payload = _segment(parts[1], "payload")
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


# ---------------------------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature verified with ``key`` (and whose times held, unless not checked)."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any] | None
    payload: bytes
    alg: str
    key: Key
    #: how the key is named to people: its kid, or its type and (not for a secret) its thumbprint
    key_label: str
    times: TokenTimes
    #: why no kid was compared (the key carries none, or the token names none); None when the kids matched
    kid_note: str | None = None

    @property
    def checked_with(self) -> str:
        """Name the key that verified the token and, when no kid was compared, say so and why."""
        return self.key_label + (f" ({self.kid_note})" if self.kid_note else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the ``verify --json`` shape of a valid token."""
        result = {"valid": True, "alg": self.alg, "key": self.key_label, "kid_compared": self.kid_note is None,
                  "header": dict(self.header), "claims": None if self.claims is None else dict(self.claims),
                  "times": self.times.to_dict()}
        if self.kid_note is not None:
            result["kid_note"] = self.kid_note
        return result


def key_label(key: Key) -> str:
    """Name a key by the kid it carries, never the token's: ``kid "abc" (RSA 2048)``; a PEM by its thumbprint.

    An oct key without a kid is named by its type alone: its thumbprint is a hash of the secret.
    """
    if key.carries_kid:
        return f'kid "{key.kid}" ({key.describe()})'
    shown = key.shown_thumbprint()
    return f"{key.describe()} key with no kid" + (f", thumbprint {shown}" if shown else "")


def _fail(reason: str, description: str, hint: str | None = None) -> VerificationError:
    return VerificationError(description, hint=hint, code=reason)


def _check_header(compact: CompactToken) -> str:
    if compact.encrypted:
        raise TokenFormatError("this is an encrypted JWT (JWE, five parts); it cannot be verified without "
                               "decrypting it", code="encrypted_token")
    alg = compact.header.get("alg")
    if alg == "none":
        raise _fail("unsigned", "the token is unsigned (alg none); an unsigned token never verifies")
    if not isinstance(alg, str):
        raise TokenFormatError("the token's header has no alg", code="bad_header")
    crit = compact.header.get("crit")
    if crit is not None:
        raise _fail("unsupported_crit", f"the token marks header members as critical ({shorten(repr(crit))}); oktatool "
                                        "understands none of them, so it must reject the token")
    if alg not in jwa.SIGNING_ALGS:
        raise _fail("alg_not_allowed", f"the token's alg {shorten(alg)!r} is not a supported signature algorithm",
                    "supported: " + " ".join(jwa.SIGNING_ALGS))
    if compact.signature_problem is not None:
        _segment(compact.signature, "signature")  # not base64url at all: bad input (exit 2), as it always was
        raise _fail("bad_signature", f"bad signature: {compact.signature_problem}",
                    "copy the token again, whole: header.payload.signature")
    return alg


def _try_key(compact: CompactToken, alg: str, key: Key) -> bool:
    return jwa.verify_bytes(key, alg, compact.signing_input, b64url_decode(compact.signature))


@dataclass(frozen=True)
class Expected:
    """Claim values the user expects; verification fails naming the claim when one differs."""

    issuer: str | None = None
    #: the token's aud (a string or a list) must hold this value
    audience: str | None = None


def _check_expected(claims: Mapping[str, Any] | None, expected: Expected | None) -> None:
    if expected is None:
        return
    claims = claims or {}
    if expected.issuer:
        iss = claims.get("iss")
        if iss != expected.issuer:
            raise _fail("issuer_mismatch", f"the signature is valid but iss is {shorten(repr(iss))}, not the "
                                           f"expected {shorten(expected.issuer)!r}")
    if expected.audience:
        aud = claims.get("aud")
        values = aud if isinstance(aud, list) else [aud]
        if expected.audience not in values:
            raise _fail("audience_mismatch", f"the signature is valid but aud is {shorten(repr(aud))}, which does "
                                             f"not hold the expected {shorten(expected.audience)!r}")


def _finish(compact: CompactToken, alg: str, key: Key, *, now: float | None, leeway: float,
            check_times: bool, expected: Expected | None = None, kid_note: str | None = None) -> VerifiedToken:
    moment = time.time() if now is None else now
    claims: dict[str, Any] | None = None
    try:
        claims = parse_json_object(compact.payload.decode("utf-8"), what="the claims")
    except (UnicodeDecodeError, ClaimError):
        claims = None
    times = token_times(claims or {}, moment, leeway=leeway)
    if check_times and claims is not None:
        for claim in ("exp", "nbf"):
            entry = times.get(claim)
            if entry is not None and entry.iso is None:
                raise _fail("invalid_time_claim", f"the signature is valid but the {claim} claim is not a valid "
                                                  f"number of seconds since 1970 ({shorten(repr(entry.value))})")
        exp, nbf = times.get("exp"), times.get("nbf")
        if times.expired and exp is not None:
            raise _fail("expired", f"the signature is valid but the token {exp.relative} ({exp.iso})")
        if times.not_yet_valid and nbf is not None:
            raise _fail("not_yet_valid", f"the signature is valid but the token is not valid yet: {nbf.relative} "
                                         f"({nbf.iso})")
    _check_expected(claims, expected)
    return VerifiedToken(compact.header, claims, compact.payload, alg, key, key_label(key), times, kid_note)


def _check_leeway(leeway: float) -> None:
    if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not 0 <= leeway <= MAX_LEEWAY:
        raise BadInputError(f"the leeway must be 0 to {MAX_LEEWAY} seconds",
                            hint="leeway allows for clock skew; to read an expired token, use oktatool decode")


def verify_with_key(token: str, key: Key, *, now: float | None = None, leeway: float = 0,
                    check_times: bool = True, expected: Expected | None = None,
                    short_secret_ok: bool = False) -> VerifiedToken:
    """Verify ``token`` with one key; raise VerificationError naming the exact reason it fails.

    A key that carries a kid (whatever its origin: a thumbprint kid too) refuses a token naming another kid
    (kid_not_found) before the signature is checked; a key with no kid (a PEM) is tried, and ``kid_note``
    says that no kid was compared.
    """
    _check_leeway(leeway)
    compact = parse_compact(token)
    alg = _check_header(compact)
    if key.carries_kid and compact.kid is not None and compact.kid != key.kid:
        raise _fail("kid_not_found", f"the token names kid {shorten(compact.kid)!r}, but this key is kid "
                                     f"{shorten(key.kid or '')!r}", "verify with the key the token names (a JWKS "
                                                                    "holding it picks it by kid)")
    if alg not in jwa.usable_algs(key, short_secret_ok=short_secret_ok, op="verify"):
        raise _alg_not_allowed(alg, key, f"this {key.describe()} key")
    if not _try_key(compact, alg, key):
        raise _fail("bad_signature", "bad signature: the token was not signed by this key",
                    "check that you have the right key, and that the token was copied whole")
    note = None
    if not key.carries_kid:
        note = "no kid was compared: the key carries none"
    elif compact.kid is None:
        note = "no kid was compared: the token names none"
    return _finish(compact, alg, key, now=now, leeway=leeway, check_times=check_times, expected=expected,
                   kid_note=note)


def _alg_not_allowed(alg: str, key: Key, named: str) -> VerificationError:
    allowed = jwa.usable_algs(key, op="verify")
    fits = f"it fits {', '.join(allowed)}" if allowed else f"it cannot verify signatures{jwa.why_not(key, 'verify')}"
    hint = None
    if alg in jwa.HMAC_ALGS and not key.is_symmetric:
        hint = "an asymmetric public key is never used as an HMAC secret (that would be an algorithm-confusion attack)"
    return _fail("alg_not_allowed", f"the token's alg {alg} is not allowed for {named}; {fits}", hint)


def verify_with_jwks(token: str, keys: Sequence[Key], *, now: float | None = None, leeway: float = 0,
                     check_times: bool = True, expected: Expected | None = None) -> VerifiedToken:
    """Verify with a key set: the key named by kid, or (no kid) every key whose type fits, the match named."""
    _check_leeway(leeway)
    compact = parse_compact(token)
    alg = _check_header(compact)
    if not keys:
        raise _fail("no_fitting_key", "the key set is empty")
    if compact.kid is not None:
        candidates = [k for k in keys if k.kid == compact.kid]
        if not candidates:
            known = ", ".join(repr(shorten(k.kid or '')) for k in keys if k.kid) or "none"
            raise _fail("kid_not_found", f"kid {shorten(compact.kid)!r} is not in the key set (its kids: {known})",
                        "the signer used a key this set does not have; fetch the current key set")
        fitting = [k for k in candidates if alg in jwa.usable_algs(k, op="verify")]
        if not fitting:
            raise _alg_not_allowed(alg, candidates[0], f"key {key_label(candidates[0])}")
    else:
        fitting = [k for k in keys if alg in jwa.usable_algs(k, op="verify")]
        if not fitting:
            raise _fail("no_fitting_key", f"no key in the set can verify alg {alg} "
                                          f"(the set holds: {', '.join(k.describe() for k in keys)})")
    note = None if compact.kid is not None else "no kid was compared: the token names none, so every key that fits " \
                                                "was tried"
    for key in fitting:
        if _try_key(compact, alg, key):
            return _finish(compact, alg, key, now=now, leeway=leeway, check_times=check_times, expected=expected,
                           kid_note=note)
    tried = "; ".join(key_label(k) for k in fitting)
    raise _fail("bad_signature", f"bad signature: no key in the set verifies it (tried {tried})",
                "check that the key set belongs to the token's issuer")


def fetch_jwks(url: str, *, ca_bundle: str | None = None, timeout: float = 30.0) -> list[Key]:
    """Fetch a JWKS over verified TLS (http only to loopback) and return its keys."""
    from pathlib import Path

    from oktatool.core.keys.key import load_keys
    from oktatool.core.okta.http import HttpOptions

    body = fetch_jwks_body(url, HttpOptions(ca_bundle=Path(ca_bundle) if ca_bundle else None, read_timeout=timeout))
    try:
        return load_keys(body)
    except KeyMaterialError as exc:
        raise KeyMaterialError(f"the JWKS URL did not return a usable key set: {exc.description}",
                               hint=exc.hint) from None


def fetch_jwks_body(url: str, options: HttpOptions) -> bytes:
    """Return the body a JWKS URL answers with 200 (verified TLS, http only to loopback, at most MAX_JWKS_BYTES)."""
    import requests

    from oktatool.core.errors import NetworkError
    from oktatool.core.okta.http import check_url, explain_network_error, new_session, read_body

    check_url(url)
    try:
        with new_session(options) as session, session.get(url, timeout=options.timeout, stream=True,
                                                          headers={"Accept": "application/json"}) as response:
            if response.status_code != 200:
                raise NetworkError(f"the JWKS URL answered HTTP {response.status_code}", hint="check the URL",
                                   code="jwks_http_status")
            # streamed, capped and on the read deadline: a hostile or broken server cannot fill memory or hang us
            return read_body(response, url, MAX_JWKS_BYTES, seconds=options.read_timeout)
    except requests.RequestException as exc:
        raise explain_network_error(exc, url, what="the JWKS URL") from None
    except NetworkError as exc:
        if exc.code != "body_too_large":
            raise
        raise NetworkError(f"the JWKS URL answered with more than {MAX_JWKS_BYTES // (1024 * 1024)} MB; "
                           "that is not a key set", code="jwks_too_big") from None
