"""The sandbox's JOSE checks, done with joserfc so that they never share a bug with oktatool's own JWT code."""

from __future__ import annotations

import base64
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
#: the largest RSA modulus the sandbox registers and verifies: OpenSSL verifies nothing larger
RSA_MAX_BITS = 16384
#: the smallest RSA modulus it registers (Okta and keygen start at 2048)
RSA_MIN_BITS = 2048


def _registry(algorithms: tuple[str, ...]) -> jws.JWSRegistry:
    """A JWS registry whose size limits fit every key the sandbox registers.

    joserfc's defaults (a 512-byte header, a 1,024-byte signature) refuse a DPoP proof that carries an RSA
    JWK in its header (Okta's Python SDK signs with RSA-3072, the Node SDK with RSA-2048) and any RSA
    signature above 6,144 bits, which Okta accepts. Sized for RSA_MAX_BITS: the header holds a JWK whose
    modulus is 2,731 base64url characters, and the signature is 2,048 bytes (2,731 characters).
    """
    registry = jws.JWSRegistry(algorithms=list(algorithms))
    registry.max_header_length = 8192
    registry.max_signature_length = 4096
    return registry


_PARSE_REGISTRY = _registry(ALLOWED_ALGS)


@dataclass(frozen=True)
class CompactJwt:
    """A compact JWS split into its decoded header and claims (nothing verified yet)."""

    header: dict[str, Any]
    claims: dict[str, Any]
    raw: str


def parse_jwt(token: str) -> CompactJwt:
    """Split a compact JWS with JSON object header and claims; raise ValueError when it is not one."""
    try:
        compact = jws.extract_compact(token.encode("ascii"), registry=_PARSE_REGISTRY)
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
    if jwk["kty"] == "RSA":
        bits = _modulus_bits(jwk.get("n"))
        if not RSA_MIN_BITS <= bits <= RSA_MAX_BITS:
            raise ValueError(f"an RSA key of {bits} bits (the sandbox takes {RSA_MIN_BITS} to {RSA_MAX_BITS})")
    try:
        key = JWKRegistry.import_key(dict(jwk))
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError("the key cannot be imported") from exc
    if not isinstance(key, RSAKey | ECKey):
        raise ValueError("not an RSA or EC key")
    return key


def _modulus_bits(n: Any) -> int:
    """Return the size of a JWK's base64url modulus in bits (0 when it is not one), before importing it."""
    if not isinstance(n, str):
        return 0
    try:
        return int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big").bit_length()
    except ValueError:
        return 0


def signature_valid(token: CompactJwt, jwk: dict[str, Any], alg: str) -> bool:
    """Return True when ``token`` is signed with ``alg`` by the private half of ``jwk``."""
    # the header alg decides (it must be allowed and fit the key type); the JWK's own alg/use are checked
    # by the callers with Okta's wording, so joserfc must not refuse on them first
    material = {name: value for name, value in jwk.items() if name not in ("alg", "use", "key_ops")}
    try:
        key = public_key(material)
        jws.deserialize_compact(token.raw, key, registry=_registry((alg,)))
    except (JoseError, ValueError):
        return False
    return True


def thumbprint(jwk: dict[str, Any]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of a public JWK."""
    return public_key(jwk).thumbprint()
