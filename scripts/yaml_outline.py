"""Read the block structure of a large YAML file without PyYAML (maintainer tool, not shipped).

Okta's management spec is block-style YAML. This reader keeps its mappings and sequences and the
first line of every scalar, which is all the catalog generator needs (names, paths, scope lists,
lifecycle values). Multi-line scalars (block ``|``/``>``, folded plain or quoted text) are cut to
their first line; flow collections other than ``[]``/``{}``/``[a, b]`` stay as their source text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# a mapping key: quoted, or plain text up to the first ": " (or ":" at the end of the line)
_KEY = re.compile(
    r"""^(?P<key>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|(?:[^'"\s#\-?]|-\S)(?:[^#]|(?<=\S)#)*?)"""
    r"""\s*:(?:\s+(?P<value>.*)|)$"""
)


@dataclass(frozen=True)
class _Token:
    col: int
    kind: str  # "item" (a "- " marker), "key", "scalar"
    key: str = ""
    value: str | None = None  # scalar text; None when a nested block follows


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def _quoted_end(text: str) -> int:
    """Return the index of the quote that closes the scalar opening ``text``, or -1."""
    quote, index = text[0], 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1:index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return -1


def _strip_comment(text: str) -> str:
    if text.startswith(("'", '"')):
        end = _quoted_end(text)
        return text[:end + 1] if end > 0 else text
    cut = text.find(" #")
    return text[:cut].rstrip() if cut >= 0 else text


def _tokens(lines: Iterator[str]) -> Iterator[_Token]:
    skip_deeper_than = -1  # a scalar started here: deeper lines continue it
    for raw in lines:
        line = raw.rstrip("\r\n")
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        col = len(line) - len(stripped)
        if skip_deeper_than >= 0 and col > skip_deeper_than:
            continue
        skip_deeper_than = -1
        if stripped in ("---", "..."):
            continue
        # peel "- " markers: each one opens a sequence item one level deeper
        item_col = col - 1
        while stripped == "-" or stripped.startswith("- "):
            yield _Token(col, "item")
            item_col = col
            rest = stripped[1:].lstrip(" ")
            col += len(stripped) - len(rest)
            stripped = rest
            if not stripped:
                break
        if not stripped:
            continue
        match = _KEY.match(stripped) if not stripped.startswith(("'", '"')) or _is_quoted_key(stripped) else None
        if match:
            value = match.group("value")
            value = _strip_comment(value) if value else None
            yield _Token(col, "key", _unquote(match.group("key").strip()), value or None)
            if value:
                skip_deeper_than = col
        else:
            yield _Token(col, "scalar", value=_strip_comment(stripped))
            skip_deeper_than = max(item_col, 0)


def _is_quoted_key(text: str) -> bool:
    end = _quoted_end(text)
    return end > 0 and text[end + 1:].lstrip().startswith(":")


def _scalar(text: str) -> Any:
    if text in ("[]", "{}"):
        return [] if text == "[]" else {}
    if text.startswith("[") and text.endswith("]") and "{" not in text:
        return [_unquote(part.strip()) for part in text[1:-1].split(",") if part.strip()]
    if text in ("true", "false"):
        return text == "true"
    return _unquote(text)


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def node(self, min_col: int) -> Any:
        token = self.peek()
        if token is None or token.col < min_col:
            return None
        if token.kind == "item":
            return self.sequence(token.col)
        if token.kind == "key":
            return self.mapping(token.col)
        self.pos += 1
        return _scalar(token.value or "")

    def mapping(self, col: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while (token := self.peek()) is not None and token.kind == "key" and token.col == col:
            self.pos += 1
            if token.value is not None:
                result[token.key] = _scalar(token.value)
                continue
            nxt = self.peek()
            # "key:" followed by "- item" at the same column is a sequence value in YAML
            if nxt is not None and (nxt.col > col or (nxt.col == col and nxt.kind == "item")):
                result[token.key] = self.node(nxt.col)
            else:
                result[token.key] = None
        return result

    def sequence(self, col: int) -> list[Any]:
        result: list[Any] = []
        while (token := self.peek()) is not None and token.kind == "item" and token.col == col:
            self.pos += 1
            nxt = self.peek()
            result.append(self.node(nxt.col) if nxt is not None and nxt.col > col else None)
        return result


def load_outline(text: str) -> Any:
    """Return the block structure of ``text`` as dicts, lists and first-line scalars."""
    reader = _Reader(list(_tokens(iter(text.splitlines()))))
    document = reader.node(0)
    if reader.peek() is not None:
        stuck = reader.peek()
        raise ValueError(f"cannot follow the YAML structure near token {reader.pos}: {stuck}")
    return document
