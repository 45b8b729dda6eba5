"""DPoP proofs (RFC 9449) as Okta checks them: typ dpop+jwt, the public jwk, htm, htu, iat, jti, nonce, ath.

The DPoP key pair is separate from the client-authentication key (FACTS.md §2): Okta binds the access
token to this key's thumbprint (`cnf.jkt`), not to the key registered for the app.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from oktatool.core.encoding import b64url_encode
from oktatool.core.errors import BadInputError, KeyMaterialError, shorten, with_article
from oktatool.core.jose import jwa
from oktatool.core.jose.jwt import sign_claims

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

#: algorithms Okta lists in dpop_signing_alg_values_supported (FACTS.md §2)
OKTA_DPOP_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
#: public members a DPoP header's jwk carries, per key type (RFC 7518 §6)
_PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y")}
_METHOD = re.compile(r"[A-Z]+")
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class DPoPKey:
    """The key pair that signs DPoP proofs, with its alg, public JWK and thumbprint (the token's jkt)."""

    key: Key
    alg: str
    public_jwk: dict[str, Any]
    thumbprint: str

    @classmethod
    def from_key(cls, key: Key) -> DPoPKey:
        """Wrap a private RSA or EC (P-256/P-384/P-521) key for DPoP; refuse anything Okta would not accept."""
        if not key.is_symmetric and not jwa.usable_algs(key):
            jwa.default_alg(key)  # raises why this key may not sign at all (its use, key_ops or alg)
        fits = [a for a in jwa.usable_algs(key) if a in OKTA_DPOP_ALGS]
        if key.is_symmetric or key.kty not in _PUBLIC_MEMBERS or not fits:
            raise KeyMaterialError(f"{with_article(key.describe())} key cannot sign DPoP proofs for Okta",
                                   hint="use an EC P-256 key (the default) or an RSA key")
        if not key.is_private:
            raise KeyMaterialError("a DPoP key must include its private part", hint="give the private key")
        public = key.public().to_dict()
        members = {name: public[name] for name in _PUBLIC_MEMBERS[key.kty]}
        return cls(key, fits[0], members, key.thumbprint())

    @classmethod
    def generate(cls, kty: str = "EC", *, crv: str = "P-256", size: int = 2048) -> DPoPKey:
        """Generate a fresh DPoP key pair: EC P-256 by default, or RSA of ``size`` bits."""
        from oktatool.core.keys.key import KeySpec, generate_key

        if kty == "EC":
            return cls.from_key(generate_key(KeySpec(kty="EC", crv=crv, use="sig", kid_mode="none")))
        if kty == "RSA":
            return cls.from_key(generate_key(KeySpec(kty="RSA", size=size, use="sig", kid_mode="none")))
        raise KeyMaterialError(f"a DPoP key is EC or RSA, not {shorten(kty)!r}", hint="use EC (the default) or RSA")

    def __repr__(self) -> str:
        return f"DPoPKey(alg={self.alg!r}, thumbprint={self.thumbprint!r})"


def normalize_htu(url: str) -> str:
    """Return the htu for ``url``: scheme, host and path, no query or fragment, the path percent-decoded."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise BadInputError(f"not a valid URL for a DPoP proof: {shorten(url)!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BadInputError(f"a DPoP proof needs an absolute http(s) URL, not {shorten(url)!r}")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    # Okta compares htu with the decoded request path (okta-sdk-python #541, FACTS.md §2)
    path = unquote(parts.path) or "/"
    return f"{scheme}://{host}{path}"


def ath_for(access_token: str) -> str:
    """Return base64url(SHA-256(ASCII access token)), the `ath` of a proof sent with that token."""
    try:
        data = access_token.encode("ascii")
    except UnicodeEncodeError:
        raise BadInputError("an access token is ASCII text; this one is not") from None
    return b64url_encode(hashlib.sha256(data).digest())


def proof_parts(key: DPoPKey, method: str, url: str, *, nonce: str | None = None,
                access_token: str | None = None, now: float | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the header and claims of a DPoP proof (what ``make_proof`` signs)."""
    verb = method.strip().upper()
    if not _METHOD.fullmatch(verb):
        raise BadInputError(f"not an HTTP method: {shorten(method)!r}", hint="GET, POST, PUT, PATCH or DELETE")
    header = {"typ": "dpop+jwt", "alg": key.alg, "jwk": dict(key.public_jwk)}
    claims: dict[str, Any] = {
        "jti": secrets.token_urlsafe(24),
        "htm": verb,
        "htu": normalize_htu(url),
        "iat": int(time.time() if now is None else now),
    }
    if nonce is not None:
        claims["nonce"] = nonce
    if access_token is not None:
        claims["ath"] = ath_for(access_token)
    return header, claims


def make_proof(key: DPoPKey, method: str, url: str, *, nonce: str | None = None, access_token: str | None = None,
               now: float | None = None) -> str:
    """Sign a new DPoP proof for one request (``method`` ``url``), with a nonce and ath when given."""
    header, claims = proof_parts(key, method, url, nonce=nonce, access_token=access_token, now=now)
    return sign_claims(header, claims, key.key)
