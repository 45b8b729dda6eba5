"""Verify a JWT with a key or a key set (one fetched from a JWKS URL too).

The allowed algorithms come from the key (an RSA public key is never an HMAC secret, `none` never verifies), and
a failure says its exact reason as a VerificationError code.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import b64url_decode
from oktatool.core.errors import (
    BadInputError,
    ClaimError,
    KeyMaterialError,
    TokenFormatError,
    VerificationError,
    shorten,
)
from oktatool.core.jose import jwa
from oktatool.core.jose.jwt import (
    CompactToken,
    TokenTimes,
    decode_segment,
    parse_compact,
    parse_json_object,
    token_times,
)

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions

#: refuse a JWKS URL's answer beyond this size (a key set is a few kB)
MAX_JWKS_BYTES = 4 * 1024 * 1024
#: every reason verification fails, as VerificationError codes (the GUI maps them to its messages)
FAILURE_REASONS = ("bad_signature", "kid_not_found", "alg_not_allowed", "no_fitting_key", "expired",
                   "not_yet_valid", "invalid_time_claim", "unsigned", "unsupported_crit", "issuer_mismatch",
                   "audience_mismatch")
#: the most clock skew verify allows for exp and nbf (one day; longer is not skew)
MAX_LEEWAY = 86400


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
        decode_segment(compact.signature, "signature")  # not base64url at all: bad input (exit 2), as it always was
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
