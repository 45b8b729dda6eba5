"""What a paste, a dropped file or standard input is when it is not a token: binary data, a DER or PEM key,
a certificate, JSON. The JWT tab and ``oktatool decode`` say so instead of complaining about spaces or dots.
"""

from __future__ import annotations

import json

from oktatool.core.errors import Hint, TokenFormatError

#: how many leading bytes a message about binary data shows
_SHOWN_BYTES = 4
#: characters a token is made of (base64url and the dots between parts)
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
#: what a key or certificate is read with, in each interface
_OPEN_KEY = Hint("read keys and certificates with oktatool convert or oktatool thumbprint",
                 window="open it in the Keys tab (Import), or choose it under Verify with")
_TOKEN_IS_TEXT = "a JWT is text: three base64url parts joined by dots (eyJ…)"  # noqa: S105


def token_text(data: bytes) -> str:
    """Return a file's or standard input's bytes as text; raise TokenFormatError saying what binary input is."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _binary(data) from None
    if any(_is_control(ch) for ch in text):
        raise _binary(data)
    return text


def check_token_text(text: str) -> None:
    """Raise TokenFormatError saying what ``text`` is when it is plainly not a token (binary, PEM, JSON)."""
    stripped = text.strip().lstrip("\ufeff")
    if all(ch in _TOKEN_CHARS for ch in stripped):
        return
    if "\ufffd" in stripped or any(_is_control(ch) for ch in stripped):
        # the trailing characters kept: a DER blob's last byte may read as a space (0x20, 0x85, 0xa0) and its
        # length byte counts it
        raise _binary(_original_bytes(text.lstrip().lstrip("\ufeff")))
    if stripped.startswith("-----BEGIN "):
        raise _pem(stripped)
    if stripped.startswith(("{", "[")):
        raise _json(stripped)


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 32 and ch not in "\t\r\n\f\v") or code == 127 or 0xD800 <= code <= 0xDFFF


def _original_bytes(text: str) -> bytes:
    """Return the bytes behind pasted text as far as they can be known (undecodable bytes became U+FFFD)."""
    if all(ord(ch) < 256 for ch in text):
        return text.encode("latin-1")
    return text.encode("utf-8", "surrogateescape" if _escaped_only(text) else "replace")


def _escaped_only(text: str) -> bool:
    # surrogateescape (a command-line argument's undecodable bytes) maps only U+DC80..U+DCFF back to bytes
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def _looks_der(data: bytes) -> bool:
    """An ASN.1 SEQUENCE, as every DER key and certificate is: 0x30, then a long-form length or the exact short one."""
    return len(data) > 2 and data[0] == 0x30 and (data[1] in (0x81, 0x82, 0x83) or data[1] == len(data) - 2)


def _binary(data: bytes) -> TokenFormatError:
    shown = " ".join(f"0x{byte:02x}" for byte in data[:_SHOWN_BYTES]) + ("…" if len(data) > _SHOWN_BYTES else "")
    if _looks_der(data):
        return TokenFormatError(f"this is binary data, not a token (it starts with bytes {shown}, which looks like "
                                "a DER certificate or key)", hint=_OPEN_KEY, code="binary_input")
    if data.startswith(b"0\xef\xbf\xbd"):  # 0x30 then a byte the paste could not keep as text
        return TokenFormatError("this is binary data, not a token (it starts with byte 0x30 and bytes that are not "
                                "text, which looks like a DER certificate or key)", hint=_OPEN_KEY, code="binary_input")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if not any(byte < 32 and byte not in b"\t\r\n\f\v" for byte in data):
            return TokenFormatError("this is not UTF-8 text, so it is not a token", hint=_TOKEN_IS_TEXT,
                                    code="not_utf8")
    return TokenFormatError(f"this is binary data, not a token (it starts with bytes {shown})", hint=_TOKEN_IS_TEXT,
                            code="binary_input")


def _pem(text: str) -> TokenFormatError:
    label = text[len("-----BEGIN "):].partition("-----")[0].strip()[:40]
    if "PRIVATE KEY" in label:
        what = "a PEM private key"
    elif "PUBLIC KEY" in label:
        what = "a PEM public key"
    elif "CERTIFICATE" in label:
        what = "a PEM certificate"
    else:
        what = f"a PEM block ({label or 'no label'})"
    return TokenFormatError(f"this is {what}, not a token", hint=_OPEN_KEY, code="pem_input")


def _json(text: str) -> TokenFormatError:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict) and isinstance(value.get("keys"), list):
        return TokenFormatError("this is a JWK set (JWKS), not a token", hint=_OPEN_KEY, code="json_input")
    if isinstance(value, dict) and "kty" in value:
        return TokenFormatError("this is a JWK (a key as JSON), not a token", hint=_OPEN_KEY, code="json_input")
    what = "JSON" if value is not None else "text that starts like JSON"
    return TokenFormatError(f"this is {what}, not a token", code="json_input", hint=Hint(
        "to sign JSON claims, give them to oktatool sign --claims @FILE",
        window="to sign it, paste it into the claims editor (Claims, JSON) and press Sign"))
