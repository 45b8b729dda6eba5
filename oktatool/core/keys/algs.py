"""Which JOSE algorithms fit which key: the tables behind ``allowed_algs`` and the Okta-ready defaults."""

from __future__ import annotations

from oktatool.core.errors import KeyMaterialError, with_article

KTYS = ("RSA", "EC", "OKP", "oct")
EC_CURVES = ("P-256", "P-384", "P-521", "secp256k1")
OKP_CURVES = ("Ed25519", "Ed448", "X25519", "X448")
USES = ("sig", "enc")

RSA_MIN_BITS = 2048
RSA_MAX_BITS = 8192
OCT_MIN_BITS = 128
OCT_MAX_BITS = 512
DEFAULT_RSA_BITS = 2048
DEFAULT_OCT_BITS = 256
DEFAULT_CRV = {"EC": "P-256", "OKP": "Ed25519"}

_RSA_SIG = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
# RSA1_5 is left out on purpose: RFC 8725 §3.1 and jwcrypto's defaults reject it.
_RSA_ENC = ("RSA-OAEP", "RSA-OAEP-256")
_EC_SIG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}
_ECDH = ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW")
# ECDH-ES is registered for the NIST curves (RFC 7518 §4.6) and the X curves (RFC 8037 §3.2), not secp256k1.
_ECDH_CURVES = ("P-256", "P-384", "P-521", "X25519", "X448")
_HMAC = {"HS256": 256, "HS384": 384, "HS512": 512}
# Key wrapping needs a key of exactly the AES size; "dir" needs one of the content-encryption key sizes.
_OCT_ENC = {"A128KW": (128,), "A192KW": (192,), "A256KW": (256,),
            "A128GCMKW": (128,), "A192GCMKW": (192,), "A256GCMKW": (256,),
            "dir": (128, 192, 256, 384, 512)}


def check_kty(kty: str) -> None:
    """Refuse a key type JOSE does not define."""
    if kty not in KTYS:
        raise KeyMaterialError(f"unknown key type {kty!r}", hint=f"choose one of {', '.join(KTYS)}")


def check_crv(kty: str, crv: str) -> None:
    """Refuse a curve that does not belong to ``kty``."""
    curves = EC_CURVES if kty == "EC" else OKP_CURVES if kty == "OKP" else ()
    if not curves:
        raise KeyMaterialError(f"{kty} keys have no curve", hint="leave out the curve (crv)")
    if crv not in curves:
        raise KeyMaterialError(f"{crv!r} is not a curve for {kty} keys", hint=f"choose one of {', '.join(curves)}")


def _sig_algs(kty: str, size: int, crv: str | None) -> tuple[str, ...]:
    if kty == "RSA":
        return _RSA_SIG
    if kty == "EC":
        return (_EC_SIG[crv],) if crv in _EC_SIG else ()
    if kty == "OKP":
        return ("EdDSA",) if crv in ("Ed25519", "Ed448") else ()
    return tuple(alg for alg, bits in _HMAC.items() if size >= bits)


def _enc_algs(kty: str, size: int, crv: str | None) -> tuple[str, ...]:
    if kty == "RSA":
        return _RSA_ENC
    if kty in ("EC", "OKP"):
        return _ECDH if crv in _ECDH_CURVES else ()
    return tuple(alg for alg, sizes in _OCT_ENC.items() if size in sizes)


def allowed_algs(kty: str, *, size: int | None = None, crv: str | None = None,
                 use: str | None = None) -> tuple[str, ...]:
    """Return the algorithms that fit a key of this type, size or curve, and use (no use: signing algs)."""
    check_kty(kty)
    if kty in DEFAULT_CRV:
        crv = crv or DEFAULT_CRV[kty]
        check_crv(kty, crv)
    elif crv is not None:
        check_crv(kty, crv)
    if use is not None and use not in USES:
        raise KeyMaterialError(f"unknown key use {use!r}", hint="use is sig or enc")
    bits = size if size is not None else (DEFAULT_OCT_BITS if kty == "oct" else DEFAULT_RSA_BITS)
    # Encryption algorithms need use "enc" said out loud (issue 2): a key without a use is a signing key.
    return _enc_algs(kty, bits, crv) if use == "enc" else _sig_algs(kty, bits, crv)


def describe_shape(kty: str, size: int | None, crv: str | None) -> str:
    """Name a key shape the way people say it: "RSA 2048", "EC P-256", "oct 256"."""
    if kty in DEFAULT_CRV:
        return f"{kty} {crv or DEFAULT_CRV[kty]}"
    return f"{kty} {size if size is not None else (DEFAULT_OCT_BITS if kty == 'oct' else DEFAULT_RSA_BITS)}"


def _what_alg_needs(alg: str) -> str | None:
    if alg in _HMAC:
        return f"{alg} needs an oct key of at least {_HMAC[alg]} bits"
    for crv, ec_alg in _EC_SIG.items():
        if alg == ec_alg:
            return f"{alg} needs an EC key on curve {crv}"
    if alg == "EdDSA":
        return "EdDSA needs an OKP key on curve Ed25519 or Ed448"
    if alg in _ECDH:
        return f"{alg} needs use enc and an EC key (P-256, P-384, P-521) or an OKP key (X25519, X448)"
    if alg in _RSA_ENC:
        return f"{alg} needs an RSA key with use enc"
    if alg in _RSA_SIG:
        return f"{alg} needs an RSA key with use sig"
    if alg in _OCT_ENC:
        return f"{alg} needs use enc and an oct key of {' or '.join(map(str, _OCT_ENC[alg]))} bits"
    return None


def check_use(kty: str, *, size: int | None, crv: str | None, use: str | None) -> None:
    """Refuse a use that no algorithm of this key supports (an X25519 key cannot sign)."""
    if use is not None and not allowed_algs(kty, size=size, crv=crv, use=use):
        other = "enc" if use == "sig" else "sig"
        verb = "sign" if use == "sig" else "encrypt"
        raise KeyMaterialError(f"{describe_shape(kty, size, crv)} keys cannot {verb} (use {use})",
                               hint=f"use {other}, or pick another key type or curve")


def check_alg(alg: str, kty: str, *, size: int | None, crv: str | None, use: str | None) -> None:
    """Refuse ``alg`` unless it fits the key and use, naming the algorithms that do."""
    fits = allowed_algs(kty, size=size, crv=crv, use=use)
    if alg in fits:
        return
    shape = describe_shape(kty, size, crv) + (f" with use {use}" if use else "")
    hint = _what_alg_needs(alg) or "check the spelling: algorithm names are case-sensitive"
    if fits:
        raise KeyMaterialError(f"alg {alg} does not fit {with_article(shape)} key; algs that fit: {', '.join(fits)}",
                               hint=hint)
    raise KeyMaterialError(f"alg {alg} does not fit {with_article(shape)} key, and no alg does", hint=hint)


def default_alg(kty: str, *, crv: str | None, use: str) -> str | None:
    """Return the alg Okta-ready output writes when the key has none (RS256 and ES256 are Okta's own)."""
    if kty == "RSA":
        return "RS256" if use == "sig" else "RSA-OAEP-256"
    if kty == "EC":
        return _EC_SIG.get(crv or "") if use == "sig" else ("ECDH-ES" if crv in _ECDH_CURVES else None)
    if kty == "OKP":
        if crv in ("Ed25519", "Ed448"):
            return "EdDSA" if use == "sig" else None
        return "ECDH-ES" if use == "enc" else None
    return None


def natural_use(kty: str, crv: str | None) -> str:
    """Return the use a key is made for when nobody said: X25519/X448 only encrypt, the rest sign."""
    return "enc" if kty == "OKP" and crv in ("X25519", "X448") else "sig"


def okta_alg(kty: str, *, crv: str | None, use: str | None, alg: str | None) -> str | None:
    """Return the alg a key's Okta-ready public JWK claims: its own, else the default for its (natural) use."""
    return alg or default_alg(kty, crv=crv, use=use or natural_use(kty, crv))


def made_alg(kty: str, *, crv: str | None, use: str | None) -> str | None:
    """Return the alg a new key is made with when none is asked: the one its Okta-ready public JWK will claim.

    Okta and strict libraries refuse a token whose alg differs from the registered key's, so a key that its
    private JWK lets sign PS256 while its public JWK says RS256 makes tokens that fail (issue 20). A key made
    without a use that can only encrypt (X25519, X448) gets none: an encryption alg needs use enc said out loud.
    """
    if use is None and natural_use(kty, crv) == "enc":
        return None
    return okta_alg(kty, crv=crv, use=use, alg=None)
