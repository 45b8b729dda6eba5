"""Base64url and JSON helpers shared by keys, JWTs and DPoP (RFC 7515 §2 encoding rules)."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
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


# json.loads hooks for strict reading (here and in core/jose/claims.py); a message reads after its subject
# ("the header has the member 'alg' twice", "it contains NaN, …")

def refuse_constant(name: str) -> Any:
    """Refuse NaN, Infinity and -Infinity (parse_constant)."""
    raise ValueError(f"contains {name}, which is not a JSON number (write a number or a string)")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"contains the number {text[:20]}, too large for a double")
    return number


def bounded_int(text: str) -> int:
    """Read an integer, saying so in words when it has too many digits (parse_int)."""
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        raise ValueError(f"contains a number with {len(text):,} digits, too many to read") from None


def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build an object, refusing a member name that appears twice (object_pairs_hook)."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"has the member {name!r} twice")
        result[name] = value
    return result


def loads_strict(text: str) -> Any:
    """Parse JSON as RFC 8259 / I-JSON demand; raise JSONDecodeError (syntax) or ValueError (saying what).

    Python's json module accepts NaN and Infinity, lone surrogate escapes and duplicate members,
    none of which another JOSE implementation reads the same way; they are refused here.
    """
    try:
        value = json.loads(text, object_pairs_hook=refuse_duplicates, parse_constant=refuse_constant,
                           parse_float=_finite_float, parse_int=bounded_int)
        # a \ud800 escape decodes to a lone surrogate, which no UTF-8 encoder will write back
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains a \\uD800-\\uDFFF escape that is not a character (a lone surrogate)") from None
    except RecursionError:
        raise ValueError("is nested too deeply") from None
    return value


#: what is said of JSON nested deeper than Python's parser goes (Okta's answers nest < 20 levels)
TOO_DEEP = "JSON nested too deeply to read (thousands of levels); that is not an Okta answer"


class TooDeepError(ValueError):
    """JSON nested deeper than Python's parser or printer goes (it would raise RecursionError)."""


def loads_answer(data: bytes | str) -> Any:
    """Parse JSON that came over the network; raise ValueError for anything else, never RecursionError.

    Deep nesting is a TooDeepError (a ValueError, so every ``except ValueError`` covers it), bytes that are
    not UTF-8 a UnicodeDecodeError (a ValueError too). Unlike loads_strict it reads what Python's json reads
    (NaN, duplicate members): an answer is shown or read leniently (a nonsense expires_in means the default
    hour), never signed, and a second pass over a 5 MB page would buy nothing.
    """
    try:
        text = _decoded(data) if isinstance(data, bytes) else data
        return json.loads(text) if len(text) <= PIECEWISE_FROM else _loads_piecewise(text)
    except RecursionError:
        raise TooDeepError(TOO_DEEP) from None


#: answers longer than this are decoded and parsed piece by piece: json's C parser holds the GIL for the whole
#: call (a 16 MB list held every other thread, the window's included, for most of a second); between the
#: pieces the GUI thread gets its turn
PIECEWISE_FROM = 256 * 1024
_SPACE = re.compile(r"[ \t\n\r]*")
_WHITE = frozenset(" \t\n\r")


def _decoded(data: bytes) -> str:
    """Decode UTF-8 (strictly), a megabyte at a time for long data."""
    if len(data) <= PIECEWISE_FROM:
        return data.decode("utf-8")
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1024 * 1024
    pieces = [decoder.decode(data[start:start + step]) for start in range(0, len(data), step)]
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


def _loads_piecewise(text: str) -> Any:
    """Read JSON as json.loads does, a top-level array's items or object's members one C call each."""
    from json.scanner import make_scanner

    scan = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # json.loads' own reader of one value (C)
    scan_string: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
    index = _SPACE.match(text).end()  # type: ignore[union-attr]  # the pattern matches the empty string
    opener = text[index:index + 1]
    if opener not in ("[", "{"):
        return json.loads(text)
    items: list[Any] = []
    members: dict[str, Any] = {}
    closer = "]" if opener == "[" else "}"
    index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    if text[index:index + 1] == closer:
        index += 1
    else:
        while True:
            if opener == "{":
                if text[index:index + 1] != '"':
                    raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
                key, index = scan_string(text, index + 1)
                index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
                if text[index:index + 1] != ":":
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
                index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            try:
                value, index = scan(text, index)
            except StopIteration as stop:
                raise json.JSONDecodeError("Expecting value", text, stop.value) from None
            if opener == "{":
                members[key] = value
            else:
                items.append(value)
            delimiter = text[index:index + 1]
            if delimiter == ",":  # compact JSON: the usual case, kept short (this loop runs once per item)
                index += 1
                if text[index:index + 1] in _WHITE:
                    index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
                continue
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            delimiter = text[index:index + 1]
            if delimiter == closer:
                index += 1
                break
            if delimiter != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    if _SPACE.match(text, index).end() != len(text):  # type: ignore[union-attr]
        raise json.JSONDecodeError("Extra data", text, index)
    return items if opener == "[" else members


def dumps_pretty(value: Any) -> str:
    """Serialize JSON the way oktatool shows it: two-space indent, insertion order kept, UTF-8.

    NaN and Infinity are a ValueError; nesting deeper than the printer goes a TooDeepError (it recurses
    three frames a level, so it gives up long before the parser does).
    """
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    except RecursionError:
        raise TooDeepError(TOO_DEEP) from None


def dumps_compact(value: Any) -> str:
    """Serialize JSON compactly (JWT segments, HTTP bodies); NaN and Infinity are refused (ValueError)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
