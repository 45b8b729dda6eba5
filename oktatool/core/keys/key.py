"""Keys: generate, import and export every JOSE key (RSA, EC, OKP, oct), with kid strategies.

A ``Key`` is immutable and checked once when it enters the program (RSA keys are validated by
cryptography then, never again): later uses reuse the cached cryptography and jwcrypto objects.
"""

from __future__ import annotations

import enum
import functools
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x448, x25519

from oktatool.core.encoding import dumps_pretty
from oktatool.core.errors import Hint, KeyMaterialError
from oktatool.core.keys.algs import (
    DEFAULT_CRV,
    DEFAULT_OCT_BITS,
    DEFAULT_RSA_BITS,
    OCT_MAX_BITS,
    OCT_MIN_BITS,
    RSA_MAX_BITS,
    RSA_MIN_BITS,
    allowed_algs,
    check_alg,
    check_crv,
    check_kty,
    check_use,
    made_alg,
    natural_use,
    okta_alg,
)
from oktatool.core.keys.export import DEFAULT_CERT_DAYS, pem_pkcs8, pem_spki, pem_traditional, self_signed_cert
from oktatool.core.keys.formats import ParsedKey, parse_key_input
from oktatool.core.keys.jwk import (
    CURVE_BITS,
    EC_CURVE_BY_CRV,
    KEY_MEMBERS,
    PRIVATE_TYPES,
    Material,
    PrivateKey,
    PublicKey,
    Shape,
    private_members,
    public_members,
    public_of,
    shape_of,
    thumbprint_of,
)

if TYPE_CHECKING:
    from jwcrypto.jwk import JWK

__all__ = ["FORMATS", "KID_MODES", "PRIVATE_FORMATS", "Key", "KeySpec", "allowed_algs", "forget_loaded_keys",
           "generate_key", "load_key", "load_keys"]

FORMATS = ("jwk", "jwk-public", "jwks", "jwks-public", "pem", "pem-traditional", "pem-public", "cert")
#: formats whose output holds private material (written with mode 0600)
PRIVATE_FORMATS = ("jwk", "jwks", "pem", "pem-traditional")
KID_MODES = ("thumbprint", "random", "timestamp", "iso-date", "custom", "none")


class _Kid(enum.Enum):
    """A kid that is the key's RFC 7638 thumbprint, worked out only when first read.

    THUMBPRINT is a kid the key carries (made or renamed so); IMPLIED names a key read from a form that holds
    no kid (PEM, DER, a certificate) by its thumbprint, while the key itself carries none.
    """

    THUMBPRINT = "thumbprint"
    IMPLIED = "implied"


KidValue = str | None | _Kid


@dataclass(frozen=True)
class KeySpec:
    """What to generate."""

    kty: str
    size: int | None = None
    crv: str | None = None
    use: str | None = None
    alg: str | None = None
    #: None: the default for the type (``default_kid_mode``)
    kid_mode: str | None = None
    kid: str | None = None


def default_kid_mode(kty: str) -> str:
    """Return the kid mode a new key gets when none is asked: random for oct, the thumbprint otherwise.

    A thumbprint of a shared secret is an unsalted hash of it, and a kid travels in every JWT header.
    """
    return "random" if kty == "oct" else "thumbprint"


class Key:
    """An immutable JOSE key: private or public, with its kid, use and alg; never shows its secrets."""

    __slots__ = ("_cache", "_kid", "_material", "alg", "crv", "is_private", "key_ops", "kty", "size", "use")

    _material: Material
    _kid: KidValue
    _cache: dict[str, Any]
    kty: str
    crv: str | None
    size: int
    use: str | None
    alg: str | None
    key_ops: tuple[str, ...] | None
    is_private: bool

    def __init__(self, material: Material, *, kid: KidValue = _Kid.THUMBPRINT, use: str | None = None,
                 alg: str | None = None, key_ops: Iterable[str] | None = None, shape: Shape | None = None,
                 cache: dict[str, Any] | None = None) -> None:
        """Wrap checked key material (a cryptography key object, or the bytes of an oct secret)."""
        shape = shape or shape_of(material)
        init = object.__setattr__
        init(self, "_material", material)
        init(self, "_kid", kid)
        init(self, "kty", shape.kty)
        init(self, "crv", shape.crv)
        init(self, "size", shape.size)
        init(self, "use", use)
        init(self, "alg", alg)
        init(self, "key_ops", tuple(key_ops) if key_ops is not None else None)
        init(self, "is_private", shape.is_private)
        init(self, "_cache", dict(cache) if cache else {})

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Key is immutable; use with_kid() or public() to derive a new one ({name})")

    def __copy__(self) -> Key:
        return self  # immutable: a copy is the same key

    def __deepcopy__(self, memo: dict[int, Any]) -> Key:
        return self

    def __repr__(self) -> str:
        return f"Key({self.describe()}, kid={self.kid!r}, {'private' if self.is_private else 'public'})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return self._full_dict() == other._full_dict()

    def __hash__(self) -> int:
        return hash((self.thumbprint(), self.is_private, self.kid))

    @property
    def is_symmetric(self) -> bool:
        """Tell whether this is a shared secret (kty oct)."""
        return self.kty == "oct"

    @property
    def kid(self) -> str | None:
        """Return the key id (the thumbprint unless one was given or none was asked for)."""
        return self.thumbprint() if isinstance(self._kid, _Kid) else self._kid

    @property
    def carries_kid(self) -> bool:
        """Tell whether the key carries a kid of its own (a JWK's, or one it was made with), not a PEM's implied one."""
        return self._kid is not _Kid.IMPLIED and self._kid is not None

    def _cached(self, name: str, make: Any) -> Any:
        value = self._cache.get(name)
        if value is None:
            value = self._cache[name] = make()
        return value

    def _public_members(self) -> dict[str, str]:
        return self._cached("public_members", lambda: public_members(self._material))  # type: ignore[no-any-return]

    def thumbprint(self) -> str:
        """Return the RFC 7638 SHA-256 thumbprint, base64url."""
        return self._cached(  # type: ignore[no-any-return]
            "thumbprint", lambda: thumbprint_of(self.kty, self._public_members()))

    def shown_thumbprint(self) -> str | None:
        """Return the thumbprint to show people, or None for an oct key: its thumbprint is a hash of the secret."""
        return None if self.is_symmetric else self.thumbprint()

    def public_id(self) -> str | None:
        """Return what names this key to people: its kid, else its thumbprint (None for an oct key without a kid)."""
        return self.kid or self.shown_thumbprint()

    def describe(self) -> str:
        """Name the key shape: "RSA 2048", "EC P-256", "OKP Ed25519", "oct 256"."""
        return f"{self.kty} {self.crv if self.crv else self.size}"

    def _derive(self, material: Material, kid: KidValue, *, keep_jwk: bool = False) -> Key:
        shared = {k: v for k, v in self._cache.items() if k in ("public_members", "thumbprint")}
        if keep_jwk:
            shared = dict(self._cache)
        return Key(material, kid=kid, use=self.use, alg=self.alg, key_ops=self.key_ops, cache=shared)

    def public(self) -> Key:
        """Return this key with public members only (refused for oct: a secret has no public half)."""
        if isinstance(self._material, bytes):
            raise KeyMaterialError("an oct key is a shared secret; it has no public part",
                                   hint="share it only over a secure channel, as jwk")
        if not self.is_private:
            return self
        return self._derive(public_of(self._material), self._kid)

    def with_kid(self, kid: str | None) -> Key:
        """Return this key with another kid (None removes it)."""
        return self._derive(self._material, kid)

    def with_thumbprint_kid(self) -> Key:
        """Return this key with its kid set to its RFC 7638 thumbprint."""
        return self._derive(self._material, _Kid.THUMBPRINT)

    def pyca(self) -> PrivateKey | PublicKey:
        """Return the cached cryptography key object (private when there is one); refused for oct."""
        if isinstance(self._material, bytes):
            raise KeyMaterialError("an oct key is a shared secret, not a public-key object", hint="use jwk()")
        return self._material

    def jwk(self) -> JWK:
        """Return the cached jwcrypto JWK (shared: do not modify it); RSA validation is not run again."""
        return self._cached("jwk", self._make_jwk)

    def _make_jwk(self) -> JWK:
        from jwcrypto.common import JWException
        from jwcrypto.jwk import JWK

        try:
            obj = JWK(**self._full_dict())
        except (JWException, ValueError, TypeError) as exc:
            raise KeyMaterialError(f"jwcrypto cannot use this {self.describe()} key: {type(exc).__name__}",
                                   hint="remove unusual members such as key_ops, or export the key again") from None
        if not isinstance(self._material, bytes):
            # Validated when it entered the program; hand jwcrypto the ready objects so its first
            # signature does not rebuild (and, for RSA, re-validate) them from the JWK numbers.
            obj.unsafe_skip_rsa_key_validation = True
            obj._cache_pub_k = public_of(self._material)
            if isinstance(self._material, PRIVATE_TYPES):
                obj._cache_pri_k = self._material
        return obj

    def _full_dict(self) -> dict[str, Any]:
        return self._members(private=True, use=self.use, alg=self.alg)

    def _members(self, *, private: bool, use: str | None, alg: str | None) -> dict[str, Any]:
        if not private and isinstance(self._material, bytes):
            raise KeyMaterialError("an oct key is a shared secret; it has no public JWK",
                                   hint="export it as jwk or jwks, and share it only over a secure channel")
        members = dict(self._public_members())
        if private:
            members.update(self._cached("private_members", lambda: private_members(self._material)))
        out: dict[str, Any] = {"kty": self.kty}
        out.update((name, members[name]) for name in KEY_MEMBERS[self.kty] if name in members)
        common = (("use", use), ("key_ops", list(self.key_ops) if self.key_ops is not None else None),
                  ("alg", alg), ("kid", self.kid))
        out.update((name, value) for name, value in common if value is not None)
        return out

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """Return the JWK as a dict in RFC member order (kty, key members, use, key_ops, alg, kid)."""
        return self._members(private=private, use=self.use, alg=self.alg)

    def okta_public_dict(self) -> dict[str, Any]:
        """Return the public JWK Okta's Admin Console and API take: use and alg filled in when missing."""
        return self._members(private=False, use=self.use or natural_use(self.kty, self.crv), alg=self.okta_alg())

    def okta_alg(self) -> str | None:
        """Return the alg this key's Okta-ready public JWK claims (its own, else the default; None for oct)."""
        return okta_alg(self.kty, crv=self.crv, use=self.use, alg=self.alg)

    def export(self, fmt: str, *, passphrase: bytes | None = None, days: int = DEFAULT_CERT_DAYS,
               subject: str | None = None, now: datetime | None = None, sans: Sequence[str] = ()) -> str:
        """Return the key in format ``fmt`` (one of FORMATS); a passphrase encrypts pem output.

        ``days``, ``subject`` (default: CN=kid) and ``sans`` (subject alternative names) shape a cert.
        """
        if fmt not in FORMATS:
            raise KeyMaterialError(f"unknown key format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")
        if passphrase is not None and fmt != "pem":
            raise KeyMaterialError(f"a passphrase encrypts only the pem format, not {fmt}",
                                   hint=Hint("use --format pem, or leave out the passphrase",
                                              window="choose the private PEM output, or leave the passphrase empty"))
        if fmt == "jwk":
            return dumps_pretty(self.to_dict(private=True))
        if fmt == "jwk-public":
            return dumps_pretty(self.okta_public_dict())
        if fmt == "jwks":
            return dumps_pretty({"keys": [self.to_dict(private=True)]})
        if fmt == "jwks-public":
            return dumps_pretty({"keys": [self.okta_public_dict()]})
        if fmt == "pem":
            return pem_pkcs8(self._material, passphrase)
        if fmt == "pem-traditional":
            return pem_traditional(self._material)
        if fmt == "pem-public":
            return pem_spki(self._material)
        if subject is None:
            # a kid is a name, never a subject to parse
            subject = "CN=" + (self.kid or self.thumbprint()).replace("\\", "\\\\").replace(",", "\\,")
        return self_signed_cert(self._material, subject=subject, days=days, now=now, sans=sans)


# ---- generation ------------------------------------------------------------------------------------------


def _checked_spec(spec: KeySpec) -> tuple[int | None, str | None]:
    """Check the spec and return the effective (size, crv), refusing anything that does not fit."""
    check_kty(spec.kty)
    size, crv = spec.size, spec.crv
    if spec.kty in DEFAULT_CRV:
        if size is not None:
            raise KeyMaterialError(f"{spec.kty} keys take a curve, not a size", hint="give crv instead of size")
        crv = crv or DEFAULT_CRV[spec.kty]
        check_crv(spec.kty, crv)
    else:
        if crv is not None:
            check_crv(spec.kty, crv)
        if spec.kty == "RSA":
            size = DEFAULT_RSA_BITS if size is None else size
            if size < RSA_MIN_BITS:
                raise KeyMaterialError(f"RSA keys shorter than {RSA_MIN_BITS} bits are refused ({size} asked): "
                                       "they can be factored and Okta does not accept them",
                                       hint=f"use {RSA_MIN_BITS}, 3072 or 4096 bits")
            if size > RSA_MAX_BITS or size % 8:
                raise KeyMaterialError(f"RSA key size {size} is not possible here",
                                       hint=f"give {RSA_MIN_BITS} to {RSA_MAX_BITS} bits in steps of 8")
        else:
            size = DEFAULT_OCT_BITS if size is None else size
            if not OCT_MIN_BITS <= size <= OCT_MAX_BITS or size % 8:
                raise KeyMaterialError(f"oct key size {size} is not possible here",
                                       hint=f"give {OCT_MIN_BITS} to {OCT_MAX_BITS} bits in steps of 8")
    check_use(spec.kty, size=size, crv=crv, use=spec.use)
    if spec.alg is not None:
        check_alg(spec.alg, spec.kty, size=size, crv=crv, use=spec.use)
    return size, crv


def _kid_for(spec: KeySpec, now: datetime | None) -> KidValue:
    if spec.kid is not None:
        if not spec.kid.strip():
            raise KeyMaterialError("the custom kid is empty", hint="give a kid, or choose another kid mode")
        return spec.kid
    mode = spec.kid_mode or default_kid_mode(spec.kty)
    if mode not in KID_MODES:
        raise KeyMaterialError(f"unknown kid mode {mode!r}", hint=f"choose one of {', '.join(KID_MODES)}")
    if mode == "custom":
        raise KeyMaterialError("kid mode custom needs a kid",
                               hint=Hint("give the kid (--kid ID)", window="type the kid"))
    if mode == "thumbprint":
        return _Kid.THUMBPRINT
    if mode == "random":
        return secrets.token_urlsafe(16)  # 128 random bits
    if mode == "none":
        return None
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if mode == "timestamp":
        return str(int(moment.timestamp()))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_material(kty: str, size: int | None, crv: str | None) -> Material:
    if kty == "RSA":
        assert size is not None
        return rsa.generate_private_key(public_exponent=65537, key_size=size)
    if kty == "EC":
        assert crv is not None
        return ec.generate_private_key(EC_CURVE_BY_CRV[crv])
    if kty == "oct":
        assert size is not None
        return secrets.token_bytes(size // 8)
    if crv == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if crv == "Ed448":
        return ed448.Ed448PrivateKey.generate()
    if crv == "X25519":
        return x25519.X25519PrivateKey.generate()
    return x448.X448PrivateKey.generate()


def generate_key(spec: KeySpec, *, now: datetime | None = None) -> Key:
    """Generate a new private key as ``spec`` says (no alg: the Okta-ready one); refuse specs that do not fit."""
    size, crv = _checked_spec(spec)
    kid = _kid_for(spec, now)
    material = _new_material(spec.kty, size, crv)
    shape = Shape(spec.kty, crv, CURVE_BITS[crv] if crv else int(size or 0), True)
    # the private JWK says the alg its public JWK will claim, so it cannot sign what Okta then refuses
    alg = spec.alg or made_alg(spec.kty, crv=crv, use=spec.use)
    return Key(material, kid=kid, use=spec.use, alg=alg, shape=shape)


# ---- import ----------------------------------------------------------------------------------------------


def _key_of(parsed: ParsedKey) -> Key:
    kid: KidValue = parsed.kid if parsed.from_jwk else _Kid.IMPLIED
    return Key(parsed.material, kid=kid, use=parsed.use, alg=parsed.alg, key_ops=parsed.key_ops)


@functools.lru_cache(maxsize=16)
def _load_cached(data: str | bytes, passphrase: bytes | None, validated: bool) -> tuple[Key, ...]:
    # The same stored key loaded again (each CLI call of the GUI, each signature) skips parsing and
    # RSA validation: the Key objects are immutable, so sharing them is safe.
    return tuple(_key_of(parsed) for parsed in parse_key_input(data, passphrase=passphrase, validated=validated))


def forget_loaded_keys() -> None:
    """Drop the keys remembered from earlier loads (a profile was removed, or to measure a cold load)."""
    _load_cached.cache_clear()


def load_keys(data: str | bytes, *, passphrase: bytes | None = None, validated: bool = False) -> list[Key]:
    """Return every key in the input: JWK, JWKS, mkjwk JSON, PEM blocks (keys and certificates), DER
    (``validated``: a JWK input was validated before, see ``material_from_jwk``)."""
    return list(_load_cached(data, passphrase, validated))


def _label(key: Key) -> str:
    if key.kid:
        return f"{key.kid} ({key.describe()})"
    shown = key.shown_thumbprint()
    return f"no kid, thumbprint {shown} ({key.describe()})" if shown else f"no kid ({key.describe()})"


def _best(keys: list[Key]) -> Key:
    """Pick the private one among copies of the same key."""
    return next((k for k in keys if k.is_private), keys[0])


def _choose(keys: list[Key], kid: str | None) -> Key:
    if kid is not None:
        matches = [k for k in keys if k.kid == kid] or [k for k in keys if k.thumbprint() == kid]
        if not matches:
            raise KeyMaterialError(f"no key has kid {kid!r}; the input has: {'; '.join(_label(k) for k in keys)}",
                                   hint="give one of those kids")
        if len({k.thumbprint() for k in matches}) > 1:
            shown = [k.shown_thumbprint() for k in matches]
            hint = ("pick one by its thumbprint instead: " + ", ".join(s for s in shown if s) if all(shown)
                    else "give each key its own kid")
            raise KeyMaterialError(f"{len(matches)} different keys share kid {kid!r}", hint=hint)
        return _best(matches)
    groups: dict[str, list[Key]] = {}
    for key in keys:
        groups.setdefault(key.thumbprint(), []).append(key)
    if len(groups) == 1:
        return _best(keys)
    choices = "; ".join(_label(_best(group)) for group in groups.values())
    raise KeyMaterialError(f"the input holds {len(groups)} keys; say which one: {choices}",
                           hint=Hint("give the kid of the key to use (--kid ID)",
                                     window="choose the key to use by its kid"))


def load_key(data: str | bytes, *, kid: str | None = None, passphrase: bytes | None = None,
             recompute_kid: bool = False, validated: bool = False) -> Key:
    """Return the one key in the input (or the one with ``kid``); optionally give it its thumbprint as kid."""
    key = _choose(load_keys(data, passphrase=passphrase, validated=validated), kid)
    return key.with_thumbprint_kid() if recompute_kid else key
