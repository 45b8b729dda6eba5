"""The sandbox's JOSE checks, done with joserfc so that they never share a bug with oktatool's own JWT code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, RSAKey

#: the algorithms Okta accepts for client assertions and DPoP proofs
ALLOWED_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
#: how far a client's clock may run ahead of the sandbox's before iat counts as "in the future"
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class CompactJwt:
    """A compact JWS split into its decoded header and claims (nothing verified yet)."""

    header: dict[str, Any]
    claims: dict[str, Any]
    raw: str


def parse_jwt(token: str) -> CompactJwt:
    """Split a compact JWS with JSON object header and claims; raise ValueError when it is not one."""
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        header = dict(compact.headers())
        claims = json.loads(compact.payload)
    except (JoseError, UnicodeError, ValueError, TypeError) as exc:
        raise ValueError("not a compact JWS") from exc
    if not isinstance(claims, dict):
        raise ValueError("claims are not a JSON object")
    return CompactJwt(header, claims, token)


def public_key(jwk: dict[str, Any]) -> RSAKey | ECKey:
    """Import a public RSA or EC JWK; raise ValueError for anything else (private or symmetric keys too)."""
    if not isinstance(jwk, dict) or jwk.get("kty") not in ("RSA", "EC") or "d" in jwk:
        raise ValueError("not a public RSA or EC key")
    try:
        key = JWKRegistry.import_key(dict(jwk))
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError("the key cannot be imported") from exc
    if not isinstance(key, RSAKey | ECKey):
        raise ValueError("not an RSA or EC key")
    return key


def signature_valid(token: CompactJwt, jwk: dict[str, Any], alg: str) -> bool:
    """Return True when ``token`` is signed with ``alg`` by the private half of ``jwk``."""
    # the header alg decides (it must be allowed and fit the key type); the JWK's own alg/use are checked
    # by the callers with Okta's wording, so joserfc must not refuse on them first
    material = {name: value for name, value in jwk.items() if name not in ("alg", "use", "key_ops")}
    try:
        key = public_key(material)
        jws.deserialize_compact(token.raw, key, algorithms=[alg])
    except (JoseError, ValueError):
        return False
    return True


def thumbprint(jwk: dict[str, Any]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of a public JWK."""
    return public_key(jwk).thumbprint()
