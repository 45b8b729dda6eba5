"""Okta client assertions (private_key_jwt) and the preflight that checks them against Okta's rules.

Every rule Okta's org authorization server enforces on a client assertion is checked here before
anything is sent; each violation carries the exact error Okta would answer (FACTS.md §3) and the fix.
The GUI and the CLI share ``preflight_assertion``.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import ClaimError, KeyMaterialError, TokenFormatError, shorten, with_article
from oktatool.core.jose import jwa
from oktatool.core.jose.jwt import Clock, numeric_date, sign_claims
from oktatool.core.okta.orgurl import TOKEN_PATH, OrgUrl, parse_org_url

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

#: algorithms Okta accepts for client assertions (FACTS.md §8)
OKTA_ASSERTION_ALGS = jwa.OKTA_ASSERTION_ALGS
DEFAULT_LIFETIME = 300
#: Okta refuses an `exp` more than one hour ahead (client_assertion_expires_too_far_in_future)
MAX_LIFETIME = 3600
#: bytes of randomness in every jti (256 bits; the brief asks for at least 128)
JTI_BYTES = 32

#: RFC 3986 unreserved characters; Okta client ids are like 0oa1b2c3d4E5f6G7h8i9
_CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,255}")

# Okta's exact error_description strings (OAUTH-ERR, FACTS.md §3)
ERR_AUDIENCE = "The audience claim for client_assertion must be the endpoint invoked for the request."
ERR_ISSUER = "The issuer claim for client_assertion is not a valid client_id."
ERR_SUBJECT = "The subject claim for client_assertion is not a valid client_id."
ERR_EXP_REQUIRED = "The client_assertion must contain the 'exp' claim as seconds since epoch."
ERR_EXPIRED = "The client_assertion token is expired."
ERR_TOO_FAR = "The client_assertion token has an expiration too far into the future."
ERR_IAT_FUTURE = "The client_assertion token must be issued before the current time."
ERR_KID = "The client_assertion JWT kid is invalid."
ERR_ALG = "The client_assertion JWT signature algorithm is invalid."
ERR_SIGNATURE = "The client_assertion signature is invalid."
ERR_KEY_USE = ("The public key being used for client assertion has an invalid 'use' parameter. "
               "Valid values for the 'use' parameter are [...].")
ERR_AUTH_METHOD = ("Client Credentials requests to the Org Authorization Server must use the private_key_jwt "
                   "token_endpoint_auth_method.")


@dataclass(frozen=True)
class Finding:
    """One broken Okta rule: which member, what is wrong, the Okta error it would cause, and the fix."""

    rule: str
    member: str | None
    problem: str
    #: Okta's internal error code (e.g. client_assertion_invalid_audience)
    okta_code: str
    #: Okta's error_description, verbatim
    okta_error: str
    fix: str

    def message(self) -> str:
        """Return the problem and the Okta error it would cause, quoted, in one line."""
        return f'{self.problem}; Okta would answer "{self.okta_error}"'


@dataclass(frozen=True)
class ClientAssertion:
    """A signed client assertion with the header and claims it was built from."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    token: str

    @property
    def jti(self) -> str:
        """Return the assertion's unique id."""
        return str(self.claims["jti"])

    @property
    def expires_at(self) -> int:
        """Return `exp` in seconds since the epoch."""
        return int(self.claims["exp"])

    def __repr__(self) -> str:  # the token is a credential until it expires: keep it out of logs
        return f"ClientAssertion(header={dict(self.header)!r}, claims={dict(self.claims)!r}, token=<redacted>)"


def is_assertion_for(claims: Mapping[str, Any], org: OrgUrl, client_id: str, token_url: str | None = None) -> bool:
    """Return True when ``claims`` are a client assertion for ``client_id`` (iss = sub = it) or the token URL
    (aud: ``token_url``, a custom authorization server's, else ``org``'s)."""
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    own_app = bool(client_id) and claims.get("iss") == client_id and claims.get("sub") == client_id
    return own_app or (token_url or org.token_url) in audiences


def preflight_assertion(header: Mapping[str, Any], claims: Mapping[str, Any], key: Key | None, org: OrgUrl,
                        client_id: str, now: float, token_url: str | None = None) -> list[Finding]:
    """Check a client assertion's header, claims and key against Okta's rules; return every violation.

    ``token_url`` is where it goes (a custom authorization server's token URL); by default ``org``'s.
    """
    return _signer_findings(header, key, client_id) + _claim_findings(claims, token_url or org.token_url,
                                                                      client_id, now)


def _signer_findings(header: Mapping[str, Any], key: Key | None, client_id: str) -> list[Finding]:
    alg = header.get("alg")
    # the key is the root cause when it is the wrong kind: report it first
    findings = _key_findings(key, alg) if key is not None else []
    if not _CLIENT_ID.fullmatch(client_id or ""):
        findings.append(Finding(
            "client_id_malformed", "iss", f"the client id {shorten(client_id)!r} is malformed (expected letters, "
            "digits and -._~ only, like 0oa1b2c3d4E5f6G7h8i9)", "client_assertion_invalid_issuer", ERR_ISSUER,
            "copy the Client ID from the app's General tab in the Okta Admin Console"))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        findings.append(Finding(
            "kid_missing", "kid", "the header has no kid", "client_assertion_invalid_kid", ERR_KID,
            "set kid to the Key ID shown for the public key under the app's Client Credentials in Okta"))
    if alg not in OKTA_ASSERTION_ALGS:
        findings.append(Finding(
            "alg", "alg", f"alg {shorten(repr(alg))} is not one Okta accepts ({', '.join(OKTA_ASSERTION_ALGS)})",
            "client_assertion_invalid_signature_algorithm", ERR_ALG,
            "sign with an RSA key (RS256) or an EC key (ES256 for P-256, ES384 for P-384, ES512 for P-521)"))
    return findings


def _claim_findings(claims: Mapping[str, Any], token_url: str, client_id: str, now: float) -> list[Finding]:
    findings: list[Finding] = []

    def add(rule: str, problem: str, code: str, error: str, fix: str) -> None:
        findings.append(Finding(rule, rule.partition("_")[0], problem, code, error, fix))

    aud = claims.get("aud")
    if aud != token_url:
        shown = "missing" if aud is None else shorten(repr(aud))
        add("aud", f"aud is {shown}, not the token URL {token_url}", "client_assertion_invalid_audience",
            ERR_AUDIENCE, f"set aud to exactly {token_url} (no trailing slash, same host you send to)")
    iss, sub = claims.get("iss"), claims.get("sub")
    if iss != client_id:
        add("iss", f"iss is {shorten(repr(iss))}, not the client id {shorten(client_id)!r}",
            "client_assertion_invalid_issuer", ERR_ISSUER, "set iss to the client id")
    if sub != client_id:
        problem = f"sub is {shorten(repr(sub))}, not the client id {shorten(client_id)!r}"
        if iss == client_id:
            problem += " (iss and sub must be the same)"
        add("sub", problem, "client_assertion_invalid_subject", ERR_SUBJECT, "set sub to the client id")
    exp = numeric_date(claims.get("exp"))
    if exp is None:
        add("exp_missing", "exp is missing or not a number of seconds since 1970",
            "client_assertion_expiration_required", ERR_EXP_REQUIRED, "set exp to now + 300 (seconds since epoch)")
    elif exp <= now:
        add("exp_past", f"exp is {int(now - exp)} s in the past", "client_assertion_expired_token",
            ERR_EXPIRED, "make a new assertion (and check this computer's clock)")
    elif exp > now + MAX_LIFETIME:
        add("exp_too_far", f"exp is {int(exp - now)} s ahead, more than {MAX_LIFETIME} s (1 hour)",
            "client_assertion_expires_too_far_in_future", ERR_TOO_FAR,
            "use a lifetime of at most 3600 s (300 s is safer against clock skew)")
    iat_raw = claims.get("iat")
    iat = numeric_date(iat_raw)
    if iat_raw is not None and iat is None:
        add("iat_invalid", "iat is not a number of seconds since 1970", "client_assertion_issued_at_in_future",
            ERR_IAT_FUTURE, "set iat to the current time in seconds, or leave it out")
    elif iat is not None and iat > now:
        add("iat_future", f"iat is {int(iat - now)} s in the future", "client_assertion_issued_at_in_future",
            ERR_IAT_FUTURE, "set iat to now; if it was, this computer's clock is ahead: sync it")
    return findings


def _key_findings(key: Key, alg: Any) -> list[Finding]:
    found: list[Finding] = []
    if key.is_symmetric:
        found.append(Finding("symmetric_key", None, "the key is a shared secret (oct); Okta's org authorization "
                             "server accepts only private_key_jwt", "unsupported_auth_method_client_creds",
                             ERR_AUTH_METHOD, "generate an RSA or EC key pair and register its public key in Okta"))
        return found
    if key.use == "enc":
        found.append(Finding("key_use_enc", "use", "the key's use is enc (encryption), not sig",
                             "client_assertion_invalid_key_use", ERR_KEY_USE,
                             "use (and register) a key with use sig, or without use"))
        return found
    if not key.is_private:
        found.append(Finding("no_private_key", None, "the key is public only; an assertion must be signed with "
                             "the private key", "client_assertion_invalid_signature", ERR_SIGNATURE,
                             "give the private key whose public half is registered in Okta"))
    if key.kty not in ("RSA", "EC") or (key.kty == "EC" and key.crv not in ("P-256", "P-384", "P-521")):
        found.append(Finding("key_type", None,
                             f"{with_article(key.describe())} key cannot make an assertion Okta accepts",
                             "client_assertion_invalid_signature_algorithm", ERR_ALG,
                             "use an RSA key (2048 bits or more) or an EC key on P-256, P-384 or P-521"))
    elif isinstance(alg, str) and alg in OKTA_ASSERTION_ALGS and alg not in jwa.usable_algs(key) \
            and jwa.usable_algs(key):  # a key that may not sign at all is refused by the signer, saying why
        fits = [a for a in jwa.usable_algs(key) if a in OKTA_ASSERTION_ALGS]
        own = f" (its JWK says alg {key.alg})" if key.alg else ""
        found.append(Finding("alg_key_mismatch", "alg", f"alg {alg} does not fit this {key.describe()} key{own}",
                             "client_assertion_invalid_signature", ERR_SIGNATURE,
                             f"use alg {' or '.join(fits) or 'RS256'} with this key"))
    return found


def okta_key_problem(key: Key) -> Finding | None:
    """Return why Okta would refuse ``key`` for client assertions (whether private or public), or None.

    The same rules as the preflight: an oct secret, ``use`` enc, or a type or curve no Okta alg
    (OKTA_ASSERTION_ALGS) fits.
    """
    return next((f for f in _key_findings(key, None) if f.rule != "no_private_key"), None)


def assertion_alg(key: Key) -> str:
    """Return the alg for a client assertion with ``key``: the first one Okta accepts that fits the key."""
    fits = [a for a in jwa.usable_algs(key) if a in OKTA_ASSERTION_ALGS]
    if fits:
        return fits[0]
    # nothing fits: keep what the key would use so that preflight names the real problem
    return key.alg or next(iter(jwa.algs_for_key(key)), "none")


def _raise_first(findings: list[Finding]) -> None:
    first = findings[0]
    error_type = KeyMaterialError if first.rule in ("symmetric_key", "key_use_enc", "no_private_key", "key_type",
                                                    "alg_key_mismatch") else ClaimError
    if len(findings) == 1:
        raise error_type(first.message(), hint=first.fix, code=f"preflight_{first.rule}")
    # every problem, each with its fix: fixing one at a time and running again would find the next
    problems = "\n".join(f"  {index}. {finding.message()}" for index, finding in enumerate(findings, 1))
    fixes = "; ".join(dict.fromkeys(finding.fix for finding in findings if finding.fix))
    raise error_type(f"{len(findings)} problems:\n{problems}", hint=fixes or None, code=f"preflight_{first.rule}")


def build_client_assertion(org: OrgUrl | str, client_id: str, key: Key, *, kid: str | None = None,
                           lifetime: int = DEFAULT_LIFETIME, clock: Clock = time.time,
                           endpoint: str = TOKEN_PATH) -> ClientAssertion:
    """Sign a fresh client assertion for ``client_id`` at ``org`` with ``key``; refuse anything Okta would.

    Its ``aud`` is the org's ``endpoint`` it is sent to: a token endpoint (``/oauth2/{id}/v1/token`` for a
    custom authorization server), or ``/oauth2/v1/revoke`` and ``/oauth2/v1/introspect``, which Okta
    authenticates the same way.
    """
    org_url = org if isinstance(org, OrgUrl) else parse_org_url(org)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not 1 <= lifetime <= MAX_LIFETIME:
        raise ClaimError(f"the lifetime must be 1 to {MAX_LIFETIME} seconds, not {lifetime!r}", claim="exp",
                         hint="Okta refuses an exp more than one hour ahead; 300 s is the default")
    now = int(clock())
    header = {"alg": assertion_alg(key), "kid": kid or key.kid, "typ": "JWT"}
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": org_url.token_url if endpoint == TOKEN_PATH else org_url.url(endpoint),
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(JTI_BYTES),
    }
    # the claims are right by construction; what can still be wrong is the signer (key, kid, client id)
    findings = _signer_findings(header, key, client_id)
    if findings:
        _raise_first(findings)
    token = sign_claims(header, claims, key)
    return ClientAssertion(MappingProxyType(header), MappingProxyType(claims), token)


def check_assertion_token(token: str, org: OrgUrl, client_id: str, *, key: Key | None = None,
                          now: float | None = None) -> list[Finding]:
    """Preflight an assertion made elsewhere (pasted); with ``key`` (public is enough) check its signature too."""
    from oktatool.core.errors import VerificationError
    from oktatool.core.jose.jwt import decode_token
    from oktatool.core.jose.verify import verify_with_key

    moment = time.time() if now is None else now
    decoded = decode_token(token, now=moment, strict=True)
    if decoded.claims is None:
        raise TokenFormatError("an encrypted JWT (JWE) cannot be a client assertion", code="encrypted_token")
    findings = preflight_assertion(decoded.header, decoded.claims, None, org, client_id, moment)
    if key is not None:
        try:
            verify_with_key(token, key, check_times=False)
        except VerificationError as exc:
            findings.append(Finding("signature", None, exc.description, "client_assertion_invalid_signature",
                                    ERR_SIGNATURE, "sign with the private key whose public half is registered "
                                    "in Okta under this kid"))
    return findings
