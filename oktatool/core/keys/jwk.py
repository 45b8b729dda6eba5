"""JWK members <-> cryptography key objects (RFC 7517/7518/8037), strictly checked, never echoing secrets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x448, x25519

from oktatool.core.encoding import b64url_decode, b64url_encode
from oktatool.core.errors import KeyMaterialError, with_article

PrivateKey = (rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
              | ed448.Ed448PrivateKey | x25519.X25519PrivateKey | x448.X448PrivateKey)
PublicKey = (rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
             | ed448.Ed448PublicKey | x25519.X25519PublicKey | x448.X448PublicKey)
#: what a Key holds: a private or public cryptography key, or an oct secret
Material = PrivateKey | PublicKey | bytes

PRIVATE_TYPES = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey,
                 ed448.Ed448PrivateKey, x25519.X25519PrivateKey, x448.X448PrivateKey)
PUBLIC_TYPES = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey,
                ed448.Ed448PublicKey, x25519.X25519PublicKey, x448.X448PublicKey)

EC_CURVE_BY_CRV: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1(), "secp256k1": ec.SECP256K1(),
}
CRV_BY_EC_NAME = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"}
_OKP_PRIVATE: dict[str, Any] = {"Ed25519": ed25519.Ed25519PrivateKey, "Ed448": ed448.Ed448PrivateKey,
                                "X25519": x25519.X25519PrivateKey, "X448": x448.X448PrivateKey}
_OKP_PUBLIC: dict[str, Any] = {"Ed25519": ed25519.Ed25519PublicKey, "Ed448": ed448.Ed448PublicKey,
                               "X25519": x25519.X25519PublicKey, "X448": x448.X448PublicKey}
#: Key.size of curve keys; Ed448 keys are 57 bytes, so 456 bits, though the curve is named for 448
CURVE_BITS = {"P-256": 256, "P-384": 384, "P-521": 521, "secp256k1": 256,
              "Ed25519": 256, "Ed448": 456, "X25519": 256, "X448": 448}
#: bytes of x (and d) per OKP curve (RFC 8032, RFC 7748)
OKP_LENGTHS = {"Ed25519": 32, "Ed448": 57, "X25519": 32, "X448": 56}
#: members in RFC order after kty: key members first (RFC 7518 §6, RFC 8037 §2), then the common ones
KEY_MEMBERS = {"RSA": ("n", "e", "d", "p", "q", "dp", "dq", "qi"), "EC": ("crv", "x", "y", "d"),
               "OKP": ("crv", "x", "d"), "oct": ("k",)}
PRIVATE_MEMBERS = {"RSA": ("d", "p", "q", "dp", "dq", "qi"), "EC": ("d",), "OKP": ("d",), "oct": ("k",)}
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x"),
                      "oct": ("k", "kty")}
#: RSA moduli above this are refused on import: OpenSSL's own ceiling, and validation time grows fast
RSA_IMPORT_MAX_BITS = 16384


@dataclass(frozen=True)
class Shape:
    """What kind of key some material is."""

    kty: str
    crv: str | None
    size: int
    is_private: bool


def okp_curve(material: Material) -> str:
    """Return the OKP curve name of an Edwards or Montgomery key object."""
    for crv, cls in (*_OKP_PRIVATE.items(), *_OKP_PUBLIC.items()):
        if isinstance(material, cls):
            return crv
    raise KeyMaterialError("this key type is not one JOSE can express",
                           hint="use an RSA, EC (P-256, P-384, P-521, secp256k1) or OKP key")


def shape_of(material: Material) -> Shape:
    """Describe key material: type, curve, size in bits, private or not."""
    if isinstance(material, bytes):
        return Shape("oct", None, len(material) * 8, True)
    if isinstance(material, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return Shape("RSA", None, material.key_size, isinstance(material, rsa.RSAPrivateKey))
    if isinstance(material, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        crv = CRV_BY_EC_NAME.get(material.curve.name)
        if crv is None:
            raise KeyMaterialError(f"EC curve {material.curve.name} has no JOSE name",
                                   hint="use P-256, P-384, P-521 or secp256k1")
        return Shape("EC", crv, material.curve.key_size, isinstance(material, ec.EllipticCurvePrivateKey))
    crv = okp_curve(material)
    return Shape("OKP", crv, CURVE_BITS[crv], isinstance(material, PRIVATE_TYPES))


def _uint(value: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return b64url_encode(value.to_bytes(size, "big"))


def public_of(material: PrivateKey | PublicKey) -> PublicKey:
    """Return the public key object of a private or public key object."""
    if isinstance(material, PRIVATE_TYPES):
        return material.public_key()
    return material


def public_members(material: Material) -> dict[str, str]:
    """Return the public JWK members of the material (the secret ``k`` for oct), without kty."""
    if isinstance(material, bytes):
        return {"k": b64url_encode(material)}
    pub = public_of(material)
    if isinstance(pub, rsa.RSAPublicKey):
        numbers = pub.public_numbers()
        return {"n": _uint(numbers.n), "e": _uint(numbers.e)}
    if isinstance(pub, ec.EllipticCurvePublicKey):
        points = pub.public_numbers()
        length = (pub.curve.key_size + 7) // 8
        return {"crv": CRV_BY_EC_NAME[pub.curve.name], "x": _uint(points.x, length), "y": _uint(points.y, length)}
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = pub.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"crv": okp_curve(pub), "x": b64url_encode(raw)}


def private_members(material: Material) -> dict[str, str]:
    """Return the private JWK members of private material (empty for a public key)."""
    if isinstance(material, bytes) or not isinstance(material, PRIVATE_TYPES):
        return {}
    if isinstance(material, rsa.RSAPrivateKey):
        n = material.private_numbers()
        return {"d": _uint(n.d), "p": _uint(n.p), "q": _uint(n.q), "dp": _uint(n.dmp1), "dq": _uint(n.dmq1),
                "qi": _uint(n.iqmp)}
    if isinstance(material, ec.EllipticCurvePrivateKey):
        return {"d": _uint(material.private_numbers().private_value, (material.curve.key_size + 7) // 8)}
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return {"d": b64url_encode(material.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))}


def thumbprint_of(kty: str, members: Mapping[str, str]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint from the required members."""
    required = {name: (kty if name == "kty" else members[name]) for name in THUMBPRINT_MEMBERS[kty]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


# ---- reading a JWK ---------------------------------------------------------------------------------------


def _text_member(jwk: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = jwk.get(name)
    if value is None:
        if required:
            kty = str(jwk.get("kty"))
            needed = [member for member in THUMBPRINT_MEMBERS[kty] if member != "kty"]
            raise KeyMaterialError(f"the {kty} JWK has no {name!r} member",
                                   hint=f"copy the whole key; {with_article(kty)} JWK needs kty, {', '.join(needed)}")
        return None
    if not isinstance(value, str):
        raise KeyMaterialError(f"the JWK member {name!r} must be a string, not {type(value).__name__}")
    return value


def _bytes_member(jwk: Mapping[str, Any], name: str, *, required: bool = True) -> bytes | None:
    text = _text_member(jwk, name, required=required)
    if text is None:
        return None
    try:
        return b64url_decode(text.strip())
    except ValueError as exc:
        # exc says what is wrong with the text, never quotes it
        raise KeyMaterialError(f"the JWK member {name!r} is not base64url: it {exc}",
                               hint="JWK values use the URL-safe alphabet without padding (RFC 7515 §2)") from None


def _int_member(jwk: Mapping[str, Any], name: str, *, required: bool = True) -> int | None:
    raw = _bytes_member(jwk, name, required=required)
    if raw is None:
        return None
    if not raw:
        raise KeyMaterialError(f"the JWK member {name!r} is empty")
    return int.from_bytes(raw, "big")


def _mismatch(kty: str) -> KeyMaterialError:
    return KeyMaterialError(f"the {kty} JWK's private member 'd' does not belong to its public members",
                            hint="the key was edited or pieced together from two keys; export it again")


def _rsa_from_jwk(jwk: Mapping[str, Any], validated: bool) -> PrivateKey | PublicKey:
    n = _int_member(jwk, "n")
    e = _int_member(jwk, "e")
    assert n is not None and e is not None
    if n.bit_length() > RSA_IMPORT_MAX_BITS or n.bit_length() < 512:
        raise KeyMaterialError(f"the RSA modulus has {n.bit_length()} bits; oktatool reads 512 to "
                               f"{RSA_IMPORT_MAX_BITS} bits")
    public = rsa.RSAPublicNumbers(e, n)
    d = _int_member(jwk, "d", required=False)
    try:
        if d is None:
            return public.public_key()
        crt = [_int_member(jwk, name, required=False) for name in ("p", "q", "dp", "dq", "qi")]
        if all(v is None for v in crt):
            # RFC 7518 §6.3.2 lets a JWK omit the CRT members; recover them from n, e and d.
            p, q = rsa.rsa_recover_prime_factors(n, e, d)
            crt = [p, q, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)]
        if any(v is None for v in crt):
            missing = [name for name, v in zip(("p", "q", "dp", "dq", "qi"), crt, strict=True) if v is None]
            raise KeyMaterialError(f"the RSA JWK has 'd' but lacks {', '.join(missing)}",
                                   hint="give all of p, q, dp, dq, qi, or none of them")
        p, q, dp, dq, qi = (int(v) for v in crt if v is not None)
        # The one RSA validation of this key: cryptography checks primes and CRT values here (holding the GIL,
        # and so the window, for a tenth of a second), unless the key passed this check before.
        return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key(
            unsafe_skip_rsa_key_validation=validated)
    except ValueError:
        raise KeyMaterialError("the RSA JWK's numbers do not form a valid RSA key",
                               hint="the key was edited or truncated; export it again from its source") from None


def _ec_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey | PublicKey:
    crv = _text_member(jwk, "crv", required=True)
    if crv not in EC_CURVE_BY_CRV:
        raise KeyMaterialError(f"the EC JWK's curve {crv!r} is not supported",
                               hint=f"use one of {', '.join(EC_CURVE_BY_CRV)}")
    curve = EC_CURVE_BY_CRV[crv]
    length = (curve.key_size + 7) // 8
    for name in ("x", "y", "d"):
        raw = _bytes_member(jwk, name, required=name != "d")
        if raw is not None and len(raw) > length:
            raise KeyMaterialError(f"the EC JWK's {name!r} has {len(raw)} bytes; {crv} takes at most {length}",
                                   hint=f"at most {length} bytes: the value was changed on the way; copy the key again")
    x = _int_member(jwk, "x")
    y = _int_member(jwk, "y")
    assert x is not None and y is not None
    try:
        public = ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except ValueError:
        raise KeyMaterialError(f"the EC JWK's x and y are not a point on {crv}",
                               hint="the key was edited or truncated; export it again") from None
    d = _int_member(jwk, "d", required=False)
    if d is None:
        return public
    try:
        private = ec.derive_private_key(d, curve)
    except ValueError:
        raise KeyMaterialError(f"the EC JWK's 'd' is out of range for {crv}") from None
    if private.public_key().public_numbers() != public.public_numbers():
        raise _mismatch("EC")
    return private


def _okp_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey | PublicKey:
    crv = _text_member(jwk, "crv", required=True)
    if crv not in _OKP_PUBLIC:
        raise KeyMaterialError(f"the OKP JWK's curve {crv!r} is not supported",
                               hint=f"use one of {', '.join(_OKP_PUBLIC)}")
    x = _bytes_member(jwk, "x")
    d = _bytes_member(jwk, "d", required=False)
    length = OKP_LENGTHS[crv]
    for name, value in (("x", x), ("d", d)):
        if value is not None and len(value) != length:
            raise KeyMaterialError(f"the OKP JWK's {name!r} has {len(value)} bytes; {crv} needs {length}")
    try:
        public = _OKP_PUBLIC[crv].from_public_bytes(x)
        if d is None:
            return public  # type: ignore[no-any-return]
        private = _OKP_PRIVATE[crv].from_private_bytes(d)
    except ValueError:
        raise KeyMaterialError(f"the OKP JWK's members are not a valid {crv} key") from None
    if public_members(private)["x"] != public_members(public)["x"]:
        raise _mismatch("OKP")
    return private  # type: ignore[no-any-return]


def material_from_jwk(jwk: Mapping[str, Any], *, validated: bool = False) -> Material:
    """Build key material from a JWK object, checking every member it needs (``validated``: the RSA key passed
    cryptography's validation before, as every key of the key library did; it is not done again)."""
    kty = jwk.get("kty")
    if not isinstance(kty, str):
        raise KeyMaterialError("the JWK has no 'kty' member (key type)", hint="a JWK needs kty RSA, EC, OKP or oct")
    if kty == "RSA":
        return _rsa_from_jwk(jwk, validated)
    if kty == "EC":
        return _ec_from_jwk(jwk)
    if kty == "OKP":
        return _okp_from_jwk(jwk)
    if kty == "oct":
        k = _bytes_member(jwk, "k")
        if not k:
            raise KeyMaterialError("the oct JWK's 'k' is empty", hint="an HMAC secret needs at least 16 bytes")
        return k
    raise KeyMaterialError(f"the JWK's key type {kty[:20]!r} is not supported", hint="kty is RSA, EC, OKP or oct")
