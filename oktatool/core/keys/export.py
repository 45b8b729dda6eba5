"""PEM and X.509 output of key material: PKCS#8 (plain or encrypted), PKCS#1/SEC1, SPKI, self-signed certs."""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from oktatool.core.errors import KeyMaterialError
from oktatool.core.keys.jwk import PRIVATE_TYPES, Material, PrivateKey, public_of, shape_of

if TYPE_CHECKING:
    from cryptography import x509

MAX_CERT_DAYS = 36500
#: a certificate's validity when none is asked for (the CLI's --days, the Keys tab's Days)
DEFAULT_CERT_DAYS = 365
_CN_MAX = 64  # ub-common-name, RFC 5280 appendix A
#: the subject attributes a certificate name may hold: openssl's short names and cryptography's NameOID names
#: (cryptography.x509 is imported where a certificate is made: ~20 ms the Keys tab's build does without)
SUBJECT_ATTRIBUTES = {
    "CN": "COMMON_NAME", "O": "ORGANIZATION_NAME", "OU": "ORGANIZATIONAL_UNIT_NAME", "C": "COUNTRY_NAME",
    "ST": "STATE_OR_PROVINCE_NAME", "L": "LOCALITY_NAME", "emailAddress": "EMAIL_ADDRESS",
    "DC": "DOMAIN_COMPONENT", "serialNumber": "SERIAL_NUMBER",
}
_ATTRIBUTE_START = re.compile(r"\s*[A-Za-z][A-Za-z0-9]*\s*=")


def _split_unescaped(text: str, separator: str) -> list[str]:
    """Split ``text`` on ``separator`` except where a backslash escapes it; the escapes are removed."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_subject(text: str) -> list[tuple[str, str]]:
    """Read a certificate subject: a bare name (the CN), ``CN=x,O=y`` or openssl's ``/CN=x/O=y``.

    Returns (attribute, value) pairs in order; refuses unknown attributes and empty values.
    """
    stripped = text.strip()
    if stripped.startswith("/"):
        pieces = _split_unescaped(stripped[1:], "/")
    elif _ATTRIBUTE_START.match(stripped):
        pieces = _split_unescaped(stripped, ",")
    else:
        return [("CN", stripped)]
    pairs: list[tuple[str, str]] = []
    known = {name.lower(): name for name in SUBJECT_ATTRIBUTES}
    for piece in pieces:
        name, equals, value = piece.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not value:
            raise KeyMaterialError(f"the subject part {piece.strip()!r} is not NAME=value",
                                   hint="give a bare name, CN=svc-app,O=Example or /CN=svc-app/O=Example")
        if name.lower() not in known:
            raise KeyMaterialError(f"the subject attribute {name!r} is not one oktatool writes",
                                   hint=f"use {', '.join(SUBJECT_ATTRIBUTES)}")
        pairs.append((known[name.lower()], value))
    return pairs


def _subject_name(text: str) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributes = []
    for name, value in parse_subject(text):
        if name == "CN" and len(value) > _CN_MAX:
            raise KeyMaterialError(f"the certificate common name must be 1 to {_CN_MAX} characters "
                                   f"(this one has {len(value)})", hint="give a shorter subject")
        if name == "C" and len(value) != 2:
            raise KeyMaterialError(f"the country (C) is a two-letter code, not {value!r}", hint="for example C=US")
        attributes.append(x509.NameAttribute(getattr(NameOID, SUBJECT_ATTRIBUTES[name]), value))
    return x509.Name(attributes)


_DNS_NAME = re.compile(r"^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
                       r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$")
_SAN_KINDS = ("DNS", "IP", "email", "URI")


def parse_san(text: str) -> x509.GeneralName:
    """Read one subject alternative name: ``DNS:``, ``IP:``, ``email:`` or ``URI:`` and a value, as openssl
    writes them, or a bare value whose kind is plain (an address, ``user@host``, ``scheme://…``, a host name).
    """
    from cryptography import x509

    stripped = text.strip()
    kind, colon, value = stripped.partition(":")
    known = {name.lower(): name for name in _SAN_KINDS}
    if colon and kind.strip().lower() in known and not value.startswith("//"):
        kind, value = known[kind.strip().lower()], value.strip()
    else:
        value = stripped
        kind = _bare_san_kind(value)
    if not value:
        raise KeyMaterialError(f"the alternative name {text.strip()!r} has no value",
                               hint="for example DNS:svc.example.com, IP:10.0.0.1 or email:ops@example.com")
    if kind == "IP":
        try:
            return x509.IPAddress(ipaddress.ip_address(value))
        except ValueError:
            raise KeyMaterialError(f"{value!r} is not an IP address") from None
    if kind == "email":
        if value.count("@") != 1 or not all(value.split("@")):
            raise KeyMaterialError(f"{value!r} is not an email address")
        return x509.RFC822Name(value)
    if kind == "URI":
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value):
            raise KeyMaterialError(f"{value!r} is not a URI", hint="for example spiffe://example.org/svc")
        return x509.UniformResourceIdentifier(value)
    if not value.isascii() or not _DNS_NAME.match(value):
        raise KeyMaterialError(f"{value!r} is not a DNS name",
                               hint="give a host name such as svc.example.com (or *.example.com)")
    return x509.DNSName(value)


def _bare_san_kind(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        return "IP"
    if "://" in value:
        return "URI"
    if "@" in value:
        return "email"
    return "DNS"


def parse_sans(texts: Sequence[str]) -> list[x509.GeneralName]:
    """Read alternative names, each entry one name or several separated by commas or spaces (doubles dropped)."""
    names: list[x509.GeneralName] = []
    for text in texts:
        for piece in re.split(r"[,\s]+", text):
            if piece and (name := parse_san(piece)) not in names:
                names.append(name)
    return names


def _private(material: Material, fmt: str) -> PrivateKey:
    if isinstance(material, bytes):
        raise KeyMaterialError(f"an oct key is a shared secret; it has no {fmt} form", hint="use jwk or jwks")
    if not isinstance(material, PRIVATE_TYPES):
        raise KeyMaterialError(f"this is a public key; {fmt} needs the private key",
                               hint="use pem-public, jwk-public or jwks-public, or load the private key")
    return material


def pem_pkcs8(material: Material, passphrase: bytes | None) -> str:
    """Return PKCS#8 PEM (``PRIVATE KEY``, or ``ENCRYPTED PRIVATE KEY`` with a passphrase)."""
    key = _private(material, "pem")
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def pem_traditional(material: Material) -> str:
    """Return PKCS#1 (``RSA PRIVATE KEY``) or SEC1 (``EC PRIVATE KEY``) PEM."""
    key = _private(material, "pem-traditional")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyMaterialError(f"OKP {shape_of(key).crv} keys have no traditional PEM form (only RSA and EC do)",
                               hint="use format pem (PKCS#8)")
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def pem_spki(material: Material) -> str:
    """Return the SubjectPublicKeyInfo PEM (``PUBLIC KEY``)."""
    if isinstance(material, bytes):
        raise KeyMaterialError("an oct key is a shared secret; it has no public key", hint="use jwk or jwks")
    return public_of(material).public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _cert_hash(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None  # EdDSA hashes internally
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.key_size == 384:
            return hashes.SHA384()
        if key.curve.key_size == 521:
            return hashes.SHA512()
    return hashes.SHA256()


def self_signed_cert(material: Material, *, subject: str, days: int, now: datetime | None = None,
                     sans: Sequence[str] = ()) -> str:
    """Return a self-signed X.509 v3 certificate PEM for an RSA, EC, Ed25519 or Ed448 private key.

    ``subject`` is read by ``parse_subject`` (a bare name is the common name); ``sans`` by ``parse_sans``
    (none: no subjectAltName extension).
    """
    key = _private(material, "cert")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
                      | ed448.Ed448PrivateKey):
        raise KeyMaterialError(f"OKP {shape_of(key).crv} keys cannot sign, so they cannot self-sign a certificate",
                               hint="certificates are made for RSA, EC, Ed25519 and Ed448 keys")
    if not 1 <= days <= MAX_CERT_DAYS:
        raise KeyMaterialError(f"certificate validity must be 1 to {MAX_CERT_DAYS} days, not {days}")
    if not subject.strip():
        raise KeyMaterialError("the certificate subject is empty", hint="give a name, or leave out the subject")
    name = _subject_name(subject)
    alternative_names = parse_sans(sans)
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    public = key.public_key()
    from cryptography import x509

    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        # 159 random bits keep the serial positive and under the 20-octet limit of RFC 5280 §4.1.2.2
        .serial_number(secrets.randbits(159) | 1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if alternative_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
    cert = builder.sign(key, _cert_hash(key))
    return cert.public_bytes(serialization.Encoding.PEM).decode()
