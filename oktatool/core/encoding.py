"""Base64url and JSON helpers shared by keys, JWTs and DPoP (RFC 7515 §2 encoding rules)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url text strictly; raise ValueError on anything else."""
    if not _B64URL.fullmatch(text):
        raise ValueError("contains characters outside the base64url alphabet (A-Z a-z 0-9 - _)")
    if len(text) % 4 == 1:
        raise ValueError("has an impossible length for base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - the regex and length check cover it
        raise ValueError("is not valid base64url") from exc


def dumps_pretty(value: Any) -> str:
    """Serialize JSON the way oktatool shows it: two-space indent, insertion order kept, UTF-8."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def dumps_compact(value: Any) -> str:
    """Serialize JSON compactly (JWT segments, HTTP bodies)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
