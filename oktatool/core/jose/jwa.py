"""JWS algorithms (RFC 7518 §3, RFC 8037, RFC 8812): which alg fits which key, and the raw sign/verify.

Signing goes straight to `cryptography` with the key objects the Key caches, so a client assertion
costs little more than the signature itself (benchmarks/jwt.py).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from oktatool.core.encoding import b64url_decode
from oktatool.core.errors import Hint, KeyMaterialError, shorten

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

HMAC_ALGS = ("HS256", "HS384", "HS512")
RSA_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
EC_ALGS = ("ES256", "ES384", "ES512", "ES256K")
#: every JWS algorithm oktatool signs and verifies; `none` is deliberately absent
SIGNING_ALGS = HMAC_ALGS + RSA_ALGS + EC_ALGS + ("EdDSA",)
#: algorithms Okta accepts for client assertions (FACTS.md §8); here, not in assertion, so the Keys tab can
#: say so without importing the assertion machinery (orgurl, http) while it is built
OKTA_ASSERTION_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")

#: the one ECDSA alg per curve (RFC 7518 §3.4, RFC 8812 §3.2)
EC_ALG_FOR_CURVE = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}
_EC_COORD_BYTES = {"P-256": 32, "P-384": 48, "P-521": 66, "secp256k1": 32}

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
_HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _hash_for(alg: str) -> hashes.HashAlgorithm:
    return _HASHES["256" if alg == "ES256K" else alg[2:]]()


def _rsa_scheme(alg: str) -> tuple[padding.AsymmetricPadding, hashes.HashAlgorithm]:
    digest = _hash_for(alg)
    if alg.startswith("PS"):
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest
    return padding.PKCS1v15(), digest


# built once: the padding and hash descriptors are immutable, and rebuilding them showed up per token
_RSA_SCHEMES = {alg: _rsa_scheme(alg) for alg in RSA_ALGS}
_ECDSA: dict[str, ec.ECDSA] = {}


def _ecdsa(alg: str) -> ec.ECDSA:
    """Return the ECDSA descriptor for ``alg``, built on first use: ec.ECDSA() loads cryptography's OpenSSL
    backend module (~4 ms), which the window's start-up would otherwise pay on importing this module."""
    scheme = _ECDSA.get(alg)
    if scheme is None:
        scheme = _ECDSA[alg] = ec.ECDSA(_hash_for(alg))
    return scheme


def algs_for_key(key: Key) -> tuple[str, ...]:
    """Return the JWS algorithms this key can sign or verify, before its own `alg` restriction."""
    if key.kty == "RSA":
        return RSA_ALGS
    if key.kty == "EC":
        alg = EC_ALG_FOR_CURVE.get(key.crv or "")
        return (alg,) if alg else ()
    if key.kty == "OKP":
        return ("EdDSA",) if key.crv in ("Ed25519", "Ed448") else ()
    if key.kty == "oct":
        # RFC 7518 §3.2: the HMAC key must be at least as long as the hash output
        return tuple(alg for alg in HMAC_ALGS if key.size >= int(alg[2:]))
    return ()


def usable_algs(key: Key, *, short_secret_ok: bool = False, op: str = "sign") -> tuple[str, ...]:
    """Return the algorithms this key may ``op`` (sign or verify) with: its type's, narrowed by alg, use, key_ops.

    ``short_secret_ok`` lets a typed HMAC secret shorter than the hash be used (the caller warns instead).
    """
    if key.use == "enc" or (key.key_ops is not None and op not in key.key_ops):
        return ()
    algs = HMAC_ALGS if short_secret_ok and key.kty == "oct" else algs_for_key(key)
    if key.alg:
        return tuple(a for a in algs if a == key.alg)
    return algs


def default_alg(key: Key) -> str:
    """Return the algorithm to sign with when none is asked for: the key's own, else the usual one."""
    algs = usable_algs(key)
    if not algs:
        raise KeyMaterialError(f"this {key.describe()} key cannot sign JWTs{why_not(key, 'sign')}",
                               hint=_fix_for(key, "sign"), code="key_cannot_sign")
    return algs[0]


def why_not(key: Key, op: str) -> str:
    """Say, in brackets after a space, why ``key`` may not ``op`` at all (its use, key_ops, alg or type)."""
    if key.use == "enc":
        return " (its use is enc: it is an encryption key)"
    if key.key_ops is not None and op not in key.key_ops:
        return f" (its key_ops {list(key.key_ops)} do not include {op})"
    if key.alg and key.alg not in algs_for_key(key):
        return f" (its alg {key.alg} is not a signature algorithm for it)"
    if key.kty == "OKP":
        return " (X25519/X448 keys are for key agreement only)"
    if key.kty == "oct":
        return f" (an HMAC key needs at least 256 bits; this one has {key.size})"
    return ""


def _fix_for(key: Key, op: str) -> str:
    """Say how to get a key that can ``op``, for the reason ``why_not`` gives."""
    if key.use == "enc":
        return f'use a key made with use sig (or none), or remove "use": "enc" from its JWK if it was meant to {op}'
    if key.key_ops is not None and op not in key.key_ops:
        return f'add "{op}" to the key\'s key_ops, or remove key_ops from its JWK'
    if key.alg and key.alg not in algs_for_key(key):
        return 'remove "alg" from the key\'s JWK, or use a key made for a signature algorithm'
    return "use an RSA, EC (P-256/P-384/P-521/secp256k1), Ed25519/Ed448 or oct key"


def check_alg_fits(key: Key, alg: str, *, short_secret_ok: bool = False) -> None:
    """Raise KeyMaterialError unless ``key`` may sign with ``alg``, naming both algs and the fix.

    Every signer (sign, the JWT tab, client assertions, DPoP proofs, token requests) passes here, with the
    same rules verification applies: the key's type, its own ``alg``, its ``use`` and its ``key_ops``.
    """
    if alg == "none":
        raise KeyMaterialError("alg none (an unsigned JWT) is refused", hint="pick a signing algorithm")
    if alg not in SIGNING_ALGS:
        raise KeyMaterialError(f"unknown or unsupported JWS algorithm {shorten(alg)!r}",
                               hint="supported: " + " ".join(SIGNING_ALGS))
    fits = usable_algs(key, short_secret_ok=short_secret_ok)
    if alg in fits:
        return
    if not fits:
        raise KeyMaterialError(f"this {key.describe()} key cannot sign {alg}{why_not(key, 'sign')}",
                               hint=_fix_for(key, "sign"), code="key_cannot_sign")
    type_fits = HMAC_ALGS if short_secret_ok and key.kty == "oct" else algs_for_key(key)
    if key.alg and alg in type_fits:
        raise KeyMaterialError(
            f"alg {alg} does not fit this {key.describe()} key: its JWK says alg {key.alg}, so it signs only {key.alg}",
            hint=Hint(f"sign with {key.alg} (--alg {key.alg}, or leave out --alg); or, to sign {alg}, make a key "
                      f"for it (oktatool keygen --kty {key.kty} --alg {alg}) or remove \"alg\" from this JWK",
                      window=f"choose alg {key.alg}; or, to sign {alg}, use a key made for it (generate one with "
                             f"alg {alg} in the Keys tab) or remove \"alg\" from this key's JWK"),
            code="alg_mismatch")
    raise KeyMaterialError(f"alg {alg} does not fit this {key.describe()} key", hint=f"this key fits {', '.join(fits)}",
                           code="alg_mismatch")


def okta_alg_warning(key: Key, alg: str) -> str | None:
    """Return a warning when a key without an alg of its own signs ``alg`` but its Okta-ready JWK claims another.

    A key that carries its alg cannot get here (``check_alg_fits`` refuses); a bare PEM or a JWK without alg
    signs any fitting alg, but the public JWK oktatool hands Okta for it says the default (RS256 for RSA).
    """
    claimed = None if key.alg else key.okta_alg()
    if claimed is None or claimed == alg:
        return None
    return (f"this key has no alg of its own, and its Okta-ready public JWK (jwk-public, jwks-public) says {claimed}: "
            f"Okta refuses a {alg} token unless the key registered there says alg {alg}")


def _private_object(key: Key) -> Any:
    if key.is_symmetric:
        return b64url_decode(key.to_dict(private=True)["k"])
    if not key.is_private:
        raise KeyMaterialError(f"this {key.describe()} key is public; signing needs the private key",
                               hint="give the private key (JWK with d, or a PRIVATE KEY PEM)", code="no_private_key")
    return key.pyca()


def _public_object(key: Key) -> Any:
    if key.is_symmetric:
        return b64url_decode(key.to_dict(private=True)["k"])
    obj: Any = key.pyca()
    return obj.public_key() if key.is_private else obj


def sign_bytes(key: Key, alg: str, data: bytes) -> bytes:
    """Sign ``data`` with ``key`` under ``alg`` (already checked to fit) and return the JWS signature."""
    obj = _private_object(key)
    if alg in _HMAC_DIGESTS:
        return hmac.new(obj, data, _HMAC_DIGESTS[alg]).digest()
    if alg in _RSA_SCHEMES:
        scheme, digest = _RSA_SCHEMES[alg]
        return bytes(obj.sign(data, scheme, digest))
    if alg in EC_ALGS:
        der = obj.sign(data, _ecdsa(alg))
        r, s = decode_dss_signature(der)
        size = _EC_COORD_BYTES[key.crv or ""]
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "EdDSA":
        return bytes(obj.sign(data))
    raise KeyMaterialError(f"unsupported JWS algorithm {alg!r}")  # pragma: no cover - check_alg_fits ran first


def verify_bytes(key: Key, alg: str, data: bytes, signature: bytes) -> bool:
    """Return True when ``signature`` over ``data`` verifies with ``key`` under ``alg``."""
    obj = _public_object(key)
    try:
        if alg in _HMAC_DIGESTS:
            return hmac.compare_digest(hmac.new(obj, data, _HMAC_DIGESTS[alg]).digest(), signature)
        if alg in _RSA_SCHEMES and isinstance(obj, rsa.RSAPublicKey):
            scheme, digest = _RSA_SCHEMES[alg]
            obj.verify(signature, data, scheme, digest)
        elif alg in EC_ALGS and isinstance(obj, ec.EllipticCurvePublicKey):
            size = _EC_COORD_BYTES[key.crv or ""]
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            obj.verify(encode_dss_signature(r, s), data, _ecdsa(alg))
        elif alg == "EdDSA" and isinstance(obj, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            obj.verify(signature, data)
        else:
            return False
    except InvalidSignature:
        return False
    return True
