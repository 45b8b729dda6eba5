"""Parsers for the response headers an Okta client reads: Link, WWW-Authenticate, rate limits, request id.

Every parser is lenient (a malformed part is skipped, never raised on) because the headers come from a
server we do not control, and a console must still show the rest of the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_SPACE = " \t"
_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Link:
    """One link of an RFC 8288 ``Link`` header: the target and its relation types (lower case)."""

    url: str
    rels: tuple[str, ...]


@dataclass(frozen=True)
class Challenge:
    """One RFC 7235 challenge of a ``WWW-Authenticate`` header (e.g. Bearer with error/scope params)."""

    scheme: str
    params: tuple[tuple[str, str], ...] = ()
    token68: str | None = None

    def get(self, name: str) -> str | None:
        """Return the value of the parameter ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        for key, value in self.params:
            if key == lowered:
                return value
        return None


@dataclass(frozen=True)
class RateLimit:
    """The X-Rate-Limit-* values of one response; ``reset`` is a UTC epoch second."""

    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None


def _skip(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def _quoted(text: str, i: int) -> tuple[str, int]:
    """Read the quoted-string that starts at ``text[i] == '"'``; return (value, index after it)."""
    out: list[str] = []
    i += 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    return "".join(out), i


def _param_value(text: str, i: int) -> tuple[str, int]:
    if i < len(text) and text[i] == '"':
        return _quoted(text, i)
    match = _TOKEN.match(text, i)
    return (match.group(), match.end()) if match else ("", i)


def parse_link_header(value: str | None) -> tuple[Link, ...]:
    """Parse a ``Link`` header (several headers joined by commas work too) into its links."""
    if not value:
        return ()
    links: list[Link] = []
    i, n = 0, len(value)
    while i < n:
        i = _skip(value, i, _SPACE + ",")
        if i >= n:
            break
        if value[i] != "<":
            # junk before a link: resynchronise at the next top-level comma
            i = _next_comma(value, i)
            continue
        end = value.find(">", i + 1)
        if end < 0:
            break
        url = value[i + 1:end].strip()
        i = end + 1
        rels: list[str] = []
        while True:
            i = _skip(value, i, _SPACE)
            if i >= n or value[i] != ";":
                break
            i = _skip(value, i + 1, _SPACE)
            name = _TOKEN.match(value, i)
            if not name:
                break
            i = _skip(value, name.end(), _SPACE)
            param = ""
            if i < n and value[i] == "=":
                param, i = _param_value(value, _skip(value, i + 1, _SPACE))
            if name.group().lower() == "rel":
                rels.extend(r.lower() for r in param.split())
        links.append(Link(url, tuple(rels)))
        i = _next_comma(value, i)
    return tuple(links)


def _next_comma(text: str, i: int) -> int:
    """Return the index after the next comma that is not inside a quoted string or <...>."""
    quoted = angled = False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif angled:
            angled = char != ">"
        elif char == '"':
            quoted = True
        elif char == "<":
            angled = True
        elif char == ",":
            return i + 1
        i += 1
    return i


def next_link(value: str | None) -> str | None:
    """Return the URL of the ``rel="next"`` link of a Link header, or None at the end of a list."""
    for link in parse_link_header(value):
        if "next" in link.rels:
            return link.url
    return None


def parse_www_authenticate(value: str | None) -> tuple[Challenge, ...]:
    """Parse a ``WWW-Authenticate`` header into its challenges, keeping quoted values unescaped."""
    if not value:
        return ()
    challenges: list[Challenge] = []
    scheme: str | None = None
    params: list[tuple[str, str]] = []
    token68: str | None = None

    def close() -> None:
        if scheme is not None:
            challenges.append(Challenge(scheme, tuple(params), token68))

    i, n = 0, len(value)
    while i < n:
        i = _skip(value, i, _SPACE + ",")
        if i >= n:
            break
        name = _TOKEN.match(value, i)
        if not name:
            i = _next_comma(value, i + 1)
            continue
        after = _skip(value, name.end(), _SPACE)
        if scheme is not None and after < n and value[after] == "=":
            param, i = _param_value(value, _skip(value, after + 1, _SPACE))
            params.append((name.group().lower(), param))
            continue
        if after < n and value[after] == "=":
            i = _next_comma(value, after)  # a parameter before any scheme: not a challenge
            continue
        close()
        scheme, params, token68 = name.group(), [], None
        i = _skip(value, name.end(), _SPACE)
        blob = _TOKEN68.match(value, i)
        if blob:
            rest = _skip(value, blob.end(), _SPACE)
            if rest >= n or value[rest] == ",":
                token68, i = blob.group(), rest
    close()
    return tuple(challenges)


def _ints(value: str | None) -> list[int]:
    if not value:
        return []
    found: list[int] = []
    for part in value.split(","):
        part = part.strip()
        if _DIGITS.fullmatch(part):
            found.append(int(part))
    return found


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit:
    """Read X-Rate-Limit-Limit/-Remaining/-Reset; repeated headers count by their smallest value."""

    def smallest(name: str) -> int | None:
        values = _ints(headers.get(name))
        return min(values) if values else None

    return RateLimit(smallest("X-Rate-Limit-Limit"), smallest("X-Rate-Limit-Remaining"),
                     smallest("X-Rate-Limit-Reset"))


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def seconds_until_retry(headers: Mapping[str, str], now: float) -> float | None:
    """Return how long a 429/503 answer asks us to wait, from X-Rate-Limit-Reset or Retry-After; None if unsaid.

    The reset is compared with the server's own Date when present, so a skewed local clock does not
    turn a 5-second wait into an hour (or into none).
    """
    reset = parse_rate_limit(headers).reset
    if reset is not None:
        server_now = _http_date(headers.get("Date"))
        return max(0.0, reset - (server_now if server_now is not None else now))
    retry_after = (headers.get("Retry-After") or "").strip()
    if _DIGITS.fullmatch(retry_after):
        return float(retry_after)
    when = _http_date(retry_after)
    return max(0.0, when - now) if when is not None else None
