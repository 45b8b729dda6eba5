"""Recognise and parse key input: JWK, JWKS, mkjwk JSON, PEM (every key block and certificates), DER.

Everything here turns user text into cryptography objects or refuses with a KeyMaterialError that says
what is wrong and how to fix it. No message quotes the input: it may be a private key.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from oktatool.core.errors import Hint, KeyMaterialError, PassphraseError, with_article
from oktatool.core.keys.jwk import PRIVATE_TYPES, PUBLIC_TYPES, Material, material_from_jwk

#: refuse larger input before looking at it: a JWKS of a dozen RSA-8192 keys with certificates is < 200 KB
MAX_KEY_INPUT = 1024 * 1024
_ACCEPTED = "a JWK, a JWKS, mkjwk's JSON, or a PEM key or certificate"

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")
_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \1-----", re.DOTALL)
_B64_BODY = re.compile(r"[A-Za-z0-9+/=]*")
_PRIVATE_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")
_PUBLIC_LABELS = ("PUBLIC KEY", "RSA PUBLIC KEY")
_CERT_LABELS = ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE")
_IGNORED_LABELS = ("EC PARAMETERS",)
_PASS_HINT = Hint("put the passphrase on the first line of a file and pass --password-file FILE",
                  window="type the key's passphrase where it is asked for")


@dataclass(frozen=True)
class ParsedKey:
    """One key found in the input, with the JOSE members that came with it."""

    material: Material
    kid: str | None = None
    use: str | None = None
    alg: str | None = None
    key_ops: tuple[str, ...] | None = None
    #: PEM, DER and certificates carry no kid; the loader gives them the thumbprint
    from_jwk: bool = False


def parse_key_input(data: str | bytes, *, passphrase: bytes | None = None, validated: bool = False) -> list[ParsedKey]:
    """Return every key in ``data`` (text or bytes, any line endings, with or without a BOM); ``validated``: a JWK
    input was validated before (see ``material_from_jwk``)."""
    if len(data) > MAX_KEY_INPUT:
        raise KeyMaterialError(f"the key input is {len(data) / (1024 * 1024):.1f} MB; a key is a few KB at most",
                               hint=f"give {_ACCEPTED}")
    text = _as_text(data)
    if text is None:
        assert isinstance(data, bytes)
        return [_from_der(data, passphrase)]
    text = text.strip().lstrip("\ufeff").strip()
    if not text:
        raise KeyMaterialError("the key input is empty", hint=f"give {_ACCEPTED}")
    if text.startswith(("{", "[")):
        return _from_json_text(text, validated)
    if "-----BEGIN" in text:
        return _from_pem_text(text, passphrase)
    if text.count(".") in (2, 4) and text.startswith("eyJ"):
        raise KeyMaterialError("this is a JWT (or JWE), not a key", hint=f"give {_ACCEPTED}")
    raise KeyMaterialError("the input is not a key: it is neither JSON nor PEM", hint=f"give {_ACCEPTED}")


def _as_text(data: str | bytes) -> str | None:
    """Decode bytes as UTF-8 (or BOM-marked UTF-16, as Windows tools write); None for binary."""
    if isinstance(data, str):
        return data
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    # Text with control characters other than whitespace is binary data that happens to decode.
    if any(ord(ch) < 32 and ch not in "\t\r\n\f\v" for ch in text):
        return None
    return text


# ---- JSON ------------------------------------------------------------------------------------------------


def _from_json_text(text: str, validated: bool) -> list[ParsedKey]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KeyMaterialError(f"the key input looks like JSON but is not valid JSON: {exc.msg} at line "
                               f"{exc.lineno}, column {exc.colno}",
                               hint="copy the whole key, including the closing brace") from None
    except RecursionError:
        raise KeyMaterialError("the JSON input is nested too deeply to be a key", hint=f"give {_ACCEPTED}") from None
    if isinstance(value, list):
        # A bare array of JWKs is what people paste out of a JWKS; accept it as the set it came from.
        return _from_jwks({"keys": value}, validated)
    if not isinstance(value, dict):
        raise KeyMaterialError(f"the JSON is {with_article(type(value).__name__)}, not a key", hint=f"give {_ACCEPTED}")
    return _from_json_object(value, validated)


def _from_json_object(obj: Mapping[str, Any], validated: bool) -> list[ParsedKey]:
    if "kty" in obj:
        return [_from_jwk(obj, validated)]
    if "keys" in obj:
        return _from_jwks(obj, validated)
    # mkjwk's answer: {"jwk": full key, "jwks": {"keys": [full key]}, "pub": public key or null}
    for member in ("jwk", "jwks", "pub"):
        inner = obj.get(member)
        if isinstance(inner, dict):
            return _from_json_object(inner, validated)
    names = ", ".join(sorted(str(name)[:20] for name in obj)[:8]) or "none"
    raise KeyMaterialError(f"the JSON is not a key: it has no kty, keys or jwk member (members: {names})",
                           hint=f"give {_ACCEPTED}")


def _from_jwks(obj: Mapping[str, Any], validated: bool) -> list[ParsedKey]:
    keys = obj.get("keys")
    if not isinstance(keys, list):
        raise KeyMaterialError("the JWKS member 'keys' must be an array of JWKs")
    if not keys:
        raise KeyMaterialError("the JWKS has no keys", hint="add a key to 'keys', or give a single JWK")
    parsed = []
    for index, jwk in enumerate(keys):
        if not isinstance(jwk, dict):
            raise KeyMaterialError(
                f"key {index + 1} of the JWKS is {with_article(type(jwk).__name__)}, not a JWK object")
        try:
            parsed.append(_from_jwk(jwk, validated))
        except KeyMaterialError as exc:
            raise KeyMaterialError(f"key {index + 1} of the JWKS: {exc.description}", hint=exc.hint) from None
    return parsed


def _optional_text(jwk: Mapping[str, Any], name: str) -> str | None:
    value = jwk.get(name)
    if value is None or isinstance(value, str):
        return value
    raise KeyMaterialError(f"the JWK member {name!r} must be a string, not {type(value).__name__}")


def _from_jwk(jwk: Mapping[str, Any], validated: bool) -> ParsedKey:
    material = material_from_jwk(jwk, validated=validated)
    ops = jwk.get("key_ops")
    if ops is not None and not (isinstance(ops, list) and all(isinstance(op, str) for op in ops)):
        raise KeyMaterialError("the JWK member 'key_ops' must be an array of strings")
    if ops is not None and len(set(ops)) != len(ops):
        raise KeyMaterialError("the JWK member 'key_ops' names an operation twice (RFC 7517 §4.3)",
                               hint="list each operation once")
    use = _optional_text(jwk, "use")
    if use is not None and use not in ("sig", "enc"):
        raise KeyMaterialError(f"the JWK member 'use' is {use[:20]!r}; it must be sig or enc")
    return ParsedKey(material, kid=_optional_text(jwk, "kid"), use=use, alg=_optional_text(jwk, "alg"),
                     key_ops=tuple(ops) if ops is not None else None, from_jwk=True)


# ---- PEM and DER -----------------------------------------------------------------------------------------


def _from_pem_text(text: str, passphrase: bytes | None) -> list[ParsedKey]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = list(_BLOCK.finditer(text))
    for begin in _BEGIN.finditer(text):
        if not any(m.start() <= begin.start() < m.end() for m in blocks):
            raise KeyMaterialError(f"the PEM block {begin.group(1)!r} has no matching END line: the text is cut off",
                                   hint="copy the whole block, from -----BEGIN to -----END")
    found: list[ParsedKey] = []
    skipped: list[str] = []
    for block in blocks:
        label = block.group(1)
        if label in _IGNORED_LABELS:
            continue
        if label not in (*_PRIVATE_LABELS, *_PUBLIC_LABELS, *_CERT_LABELS):
            skipped.append(label)
            continue
        found.append(ParsedKey(_load_pem_block(label, _clean_pem(label, block.group(2)), passphrase)))
    if not found:
        if "OPENSSH PRIVATE KEY" in skipped:
            raise KeyMaterialError("OpenSSH private keys are not read here",
                                   hint="convert it with: ssh-keygen -p -m PKCS8 -f KEYFILE")
        kinds = ", ".join(skipped) if skipped else "none"
        raise KeyMaterialError(f"the PEM text holds no key or certificate (blocks found: {kinds})",
                               hint="give a PRIVATE KEY, PUBLIC KEY, RSA/EC PRIVATE KEY or CERTIFICATE block")
    return found


def _clean_pem(label: str, body: str) -> bytes:
    """Rebuild a PEM block from pasted text: indentation, blank lines and odd wrapping removed."""
    headers: list[str] = []
    b64_lines: list[str] = []
    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if ":" in line and not b64_lines:
            headers.append(line)  # RFC 1421 headers of legacy encrypted keys: Proc-Type, DEK-Info
        else:
            b64_lines.append(line)
    if not all(line.isascii() and line.isprintable() for line in headers):
        raise KeyMaterialError(f"the PEM block {label!r} has a damaged header line",
                               hint="copy the block again; it was changed on the way")
    b64 = "".join("".join(b64_lines).split())
    if not b64:
        raise KeyMaterialError(f"the PEM block {label!r} is empty", hint="copy the whole block")
    if not _B64_BODY.fullmatch(b64):
        raise KeyMaterialError(f"the PEM block {label!r} contains characters that are not base64",
                               hint="copy the block again; it was changed on the way")
    try:
        base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"the PEM block {label!r} is truncated or damaged (its base64 does not decode)",
                               hint="copy the whole block again") from None
    wrapped = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    head = "\n".join(headers) + "\n\n" if headers else ""
    return f"-----BEGIN {label}-----\n{head}{wrapped}\n-----END {label}-----\n".encode("ascii")


def _is_encrypted(label: str, pem: bytes) -> bool:
    return label == "ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in pem


def _load_pem_block(label: str, pem: bytes, passphrase: bytes | None) -> Material:
    try:
        if label in _CERT_LABELS:
            from cryptography import x509  # here: the Keys tab is built without it (core/keys/export.py)

            return _checked(x509.load_pem_x509_certificate(pem).public_key())
        if label in _PUBLIC_LABELS:
            return _checked(serialization.load_pem_public_key(pem))
        encrypted = _is_encrypted(label, pem)
        if not encrypted:
            passphrase = None
        elif passphrase is None:
            raise PassphraseError("the private key is encrypted and no passphrase was given", hint=_PASS_HINT)
        # The one RSA validation of this key happens here (cryptography checks it while loading).
        return _checked(serialization.load_pem_private_key(pem, passphrase))
    except UnsupportedAlgorithm:
        raise KeyMaterialError(f"the PEM block {label!r} holds a key type or cipher oktatool does not support",
                               hint="use an RSA, EC (P-256, P-384, P-521, secp256k1), Ed25519, Ed448, X25519 or "
                                    "X448 key") from None
    except (ValueError, TypeError):
        if label in _PRIVATE_LABELS and _is_encrypted(label, pem):
            raise PassphraseError("the passphrase does not decrypt the private key (wrong passphrase, or the key "
                                  "is damaged)", hint="check the passphrase file: its first line is the passphrase"
                                  ) from None
        raise KeyMaterialError(f"the PEM block {label!r} cannot be read: its content is damaged or truncated",
                               hint="copy the whole block again, or export the key again") from None


def _checked(obj: Any) -> Material:
    if isinstance(obj, PRIVATE_TYPES + PUBLIC_TYPES):
        return obj
    raise KeyMaterialError(f"the key is {with_article(type(obj).__name__.lstrip('_'))}, which JOSE cannot express",
                           hint="use an RSA, EC, Ed25519, Ed448, X25519 or X448 key")


def _from_der(data: bytes, passphrase: bytes | None) -> ParsedKey:
    """Read DER (private, public or certificate); anything else binary is refused."""
    from cryptography import x509

    loaders = (
        lambda: serialization.load_der_private_key(data, passphrase),
        lambda: serialization.load_der_private_key(data, None),
        lambda: serialization.load_der_public_key(data),
        lambda: x509.load_der_x509_certificate(data).public_key(),
    )
    encrypted = False
    for load in loaders:
        try:
            return ParsedKey(_checked(load()))
        except TypeError:
            encrypted = True  # "Password was not given but private key is encrypted"
        except (ValueError, UnsupportedAlgorithm):
            continue
    if encrypted and passphrase is None:
        raise PassphraseError("the DER private key is encrypted and no passphrase was given", hint=_PASS_HINT)
    if encrypted:
        raise PassphraseError("the passphrase does not decrypt the DER private key", hint=_PASS_HINT)
    raise KeyMaterialError("the input is binary data, not a key",
                           hint=f"give {_ACCEPTED} as text (or a DER key or certificate)")
