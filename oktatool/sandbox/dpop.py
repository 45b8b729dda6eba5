"""DPoP proof checks (RFC 9449) with Okta's error descriptions, for the token endpoint and the resources."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from oktatool.core.encoding import b64url_encode
from oktatool.sandbox.jose import ALLOWED_ALGS, CLOCK_SKEW_SECONDS, parse_jwt, signature_valid, thumbprint

#: a proof older than this is refused
PROOF_MAX_AGE_SECONDS = 300

MISSING = "The DPoP proof JWT header is missing."


class DpopError(Exception):
    """A proof was refused: ``error`` and ``description`` are Okta's."""

    def __init__(self, description: str, error: str = "invalid_dpop_proof") -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class DpopProof:
    """A proof that passed every check: the key thumbprint it binds to and the nonce it carried."""

    jkt: str
    nonce: str | None


def access_token_hash(access_token: str) -> str:
    """Return the ``ath`` value for a token: base64url SHA-256 of its ASCII form."""
    return b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest())


def check_proof(values: list[str], *, method: str, url: str, now: float,
                first_use: Callable[[str, float], bool], access_token: str | None = None) -> DpopProof:
    """Check the DPoP header values of one request; raise DpopError with Okta's wording on the first fault.

    ``url`` is the request URL without query (decoded path); ``first_use(jti, until)`` records a proof jti
    and says whether it is new; ``access_token`` is given on resource requests, where ``ath`` must match.
    """
    if not values:
        raise DpopError(MISSING)
    if len(values) > 1:
        raise DpopError("Multiple DPoP proof JWT headers are not allowed.")
    try:
        proof = parse_jwt(values[0].strip())
    except ValueError:
        raise DpopError("The DPoP proof JWT cannot be parsed.") from None
    header, claims = proof.header, proof.claims
    if header.get("typ") != "dpop+jwt":
        raise DpopError("'typ' must be 'dpop+jwt' in the DPoP proof JWT.")
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        raise DpopError("The DPoP proof JWT signature algorithm is invalid.")
    jwk = header.get("jwk")
    try:
        jkt = thumbprint(jwk) if isinstance(jwk, dict) else ""
    except ValueError:
        jkt = ""
    if not jkt:
        raise DpopError("The DPoP proof JWT is invalid.")
    if not signature_valid(proof, jwk, str(alg)):  # type: ignore[arg-type]
        raise DpopError("The DPoP proof JWT signature is invalid.")
    if claims.get("htm") != method:
        raise DpopError("'htm' claim in the DPoP proof JWT is invalid.")
    if claims.get("htu") != url:
        raise DpopError("'htu' claim in the DPoP proof JWT is invalid.")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise DpopError("'iat' claim in the DPoP proof JWT is invalid.")
    if iat > now + CLOCK_SKEW_SECONDS:
        raise DpopError("The DPoP proof JWT is issued in the future.")
    if iat < now - PROOF_MAX_AGE_SECONDS:
        raise DpopError("The DPoP proof JWT is issued more than five minutes in the past.")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp < now:
        raise DpopError("The DPoP proof JWT is expired.")
    if access_token is not None and claims.get("ath") != access_token_hash(access_token):
        raise DpopError("'ath' claim in the DPoP proof does not match the presented access_token.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise DpopError("'jti' claim in the DPoP proof JWT is invalid.")
    if not first_use(jti, now + PROOF_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS):
        raise DpopError("The DPoP proof JWT has already been used.")
    nonce = claims.get("nonce")
    return DpopProof(jkt=jkt, nonce=nonce if isinstance(nonce, str) else None)
