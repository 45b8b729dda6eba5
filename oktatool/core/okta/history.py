"""The Console's history of calls, kept in the data dir without secrets.

Each entry says when, which profile, the method and path (with its query), the status, how long it took and
Okta's request id, plus what replay needs: the JSON body and the headers the user added. Before an entry
is stored, secret headers are dropped, the value of every JSON member, query or form parameter and header whose
name ends in token, secret, password, code or assertion (any case: Okta's one-time sessionToken, passCode,
stateToken, recoveryToken, activationToken) is replaced with ``[redacted]``, and so are secret-looking values
(JWTs, SSWS tokens) anywhere in the path, the body and the headers; access tokens never get here at all.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from oktatool.core.files import write_atomic
from oktatool.core.okta.http import SECRET_HEADERS, redact_text

#: entries kept; the oldest go first
MAX_ENTRIES = 1000
#: most characters of a request body kept for replay
MAX_BODY = 64 * 1024
HISTORY_FILE = "console-history.json"
FORMAT = 1

#: a run of base64url characters, and what follows a JWT's header segment: ``.payload.signature``
_B64URL_RUN = re.compile(r"[A-Za-z0-9_-]+")
_JWT_TAIL = re.compile(r"\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
#: an Okta SSWS API token after "SSWS "
_SSWS_RE = re.compile(r"(?i)(SSWS\s+)\S+")
#: query parameters whose values are secrets
_SECRET_QUERY_RE = re.compile(r"(?i)([?&](?:token|access_token|id_token|refresh_token|client_secret|"
                              r"client_assertion|password|api_key|apikey|secret)=)[^&#]*")


#: JSON members whose whole value is a secret (Okta's credentials.password.value, recovery answers, tokens)
SECRET_MEMBERS = frozenset({"password", "answer", "recovery_question", "client_secret", "secret", "token",
                            "access_token", "refresh_token", "id_token", "client_assertion", "ssws", "api_token"})


#: a name whose value is a one-time or lasting secret whatever comes before it: Okta's sessionToken, passCode,
#: stateToken, recoveryToken, activationToken, a client_secret, a password, a client_assertion
_SECRET_NAME_RE = re.compile(r"(?:token|secret|password|code|assertion)\Z", re.IGNORECASE)
#: one ``name=value`` of a query or form (the name ends before ``=``; the value runs to ``&``, ``;`` or ``#``)
_PARAMETER_RE = re.compile(r"(^|[?&;])([^=&;#?]+)=([^&;#]*)")


def is_secret_name(name: str) -> bool:
    """Say whether a JSON member, query parameter or header named ``name`` holds a secret (case-insensitive)."""
    return name.lower() in SECRET_MEMBERS or bool(_SECRET_NAME_RE.search(urllib.parse.unquote_plus(name).strip()))


def redact_parameters(text: str) -> str:
    """Return a path with its query, or a form body, with the value of every secret-named parameter redacted."""
    def one(match: re.Match[str]) -> str:
        start, name, value = match.groups()
        return f"{start}{name}=[redacted]" if value and is_secret_name(name) else match.group(0)
    return _PARAMETER_RE.sub(one, text) if "=" in text else text


def _scrub_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "[redacted]" if is_secret_name(str(k)) else _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v) for v in value]
    return scrub(value) if isinstance(value, str) else value


def holds_secret(value: Any) -> bool:
    """Say whether parsed JSON (or a string) holds what the history redacts: a password, a token, an assertion."""
    return bool(_scrub_value(value) != value)


def scrub_body(text: str) -> str:
    """Return a JSON body with secret members redacted (whole values); any other text as ``scrub`` leaves it."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return scrub(redact_parameters(text))
    try:
        return json.dumps(_scrub_value(value), indent=2, ensure_ascii=False)
    except RecursionError:
        return "[a body nested too deeply to keep]"


def redact_jwts(text: str) -> str:
    """Replace every compact JWS/JWT in ``text`` (``eyJ`` + 4 or more characters, ``.payload.signature``).

    A scan, not one regex: ``eyJ[...]{4,}\\.`` tried at every ``eyJ`` of a long run without a dot read the
    rest of the run each time (quadratic: 64 KB of ``eyJ`` took seconds). Here each run is read once: a later
    ``eyJ`` of the same run has less room and the same ``.payload.signature`` after it, so it cannot match
    where the first did not.
    """
    kept: list[str] = []
    done = pos = 0
    while (start := text.find("eyJ", pos)) != -1:
        run = _B64URL_RUN.match(text, start)
        assert run is not None  # "eyJ" itself is a run
        tail = _JWT_TAIL.match(text, run.end()) if run.end() - start >= 7 else None
        if tail is None:
            pos = run.end()
            continue
        kept.append(text[done:start])
        kept.append("[redacted]")
        done = pos = tail.end()
    kept.append(text[done:])
    return "".join(kept)


def scrub(text: str) -> str:
    """Return ``text`` with tokens, assertions, SSWS tokens and secret members or parameters redacted."""
    text = redact_jwts(text)
    text = _SSWS_RE.sub(r"\1[redacted]", text)
    text = _SECRET_QUERY_RE.sub(r"\1[redacted]", text)
    return redact_text(text)


@dataclass(frozen=True)
class HistoryEntry:
    """One call as the history keeps it (never a secret)."""

    time: float
    profile: str
    method: str
    path: str
    status: int | None
    duration_ms: float
    request_id: str | None = None
    #: the error's one-line message when no answer came (network, cancelled)
    error: str | None = None
    body: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())
    #: the profile's org as its settings name it (``sandbox`` for the Local sandbox); "" in older files
    org: str = ""

    @classmethod
    def safe(cls, *, time: float, profile: str, method: str, path: str, status: int | None, duration_ms: float,
             request_id: str | None = None, error: str | None = None, body: str = "",
             headers: Iterable[tuple[str, str]] = (), org: str = "") -> HistoryEntry:
        """Build an entry with every secret removed: the only way entries should be made."""
        kept = tuple((name, "[redacted]" if is_secret_name(name) else scrub(value))
                     for name, value in headers if name.lower() not in SECRET_HEADERS)
        return cls(time, profile, method.upper(), scrub(redact_parameters(path)), status, round(duration_ms, 1),
                   request_id, scrub(error) if error else None, scrub_body(body[:MAX_BODY]) if body else "", kept, org)

    def belongs_to(self, profile: str, org: str) -> bool:
        """Say whether the call was made with the profile ``profile`` on ``org`` (older entries name no org)."""
        return self.profile == profile and (not self.org or self.org == org)

    @property
    def call(self) -> str:
        """Return ``METHOD /path`` without the query (what the Scopes tab analyses)."""
        return f"{self.method} {self.path.partition('?')[0]}"

    def matches(self, words: Sequence[str]) -> bool:
        """Say whether every word (lower case) appears in the method, path, status, request id or profile."""
        text = " ".join((self.method, self.path, str(self.status or ""), self.request_id or "", self.profile,
                         self.error or "")).lower()
        return all(word in text for word in words)


def _entry_from(raw: Any) -> HistoryEntry | None:
    if not isinstance(raw, dict):
        return None
    try:
        status = raw.get("status")
        headers = raw.get("headers") or []
        return HistoryEntry.safe(
            time=float(raw["time"]), profile=str(raw["profile"]), method=str(raw["method"]), path=str(raw["path"]),
            status=int(status) if isinstance(status, int) and not isinstance(status, bool) else None,
            duration_ms=float(raw.get("duration_ms", 0.0)),
            request_id=raw["request_id"] if isinstance(raw.get("request_id"), str) else None,
            error=raw["error"] if isinstance(raw.get("error"), str) else None,
            body=raw["body"] if isinstance(raw.get("body"), str) else "",
            headers=[(str(h[0]), str(h[1])) for h in headers if isinstance(h, list) and len(h) == 2],
            org=raw["org"] if isinstance(raw.get("org"), str) else "")
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


class HistoryStore:
    """The history file: load once, then add, delete and clear (each change rewritten atomically, 0600)."""

    def __init__(self, data_dir: Path, *, limit: int = MAX_ENTRIES) -> None:
        self.path = data_dir / HISTORY_FILE
        self.limit = limit
        self._lock = threading.Lock()

    def load(self) -> list[HistoryEntry]:
        """Return the stored entries, oldest first; a missing or damaged file reads as what could be kept."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return []
        items = raw.get("entries") if isinstance(raw, dict) else None
        entries = [e for e in (_entry_from(item) for item in items or []) if e is not None]
        return entries[-self.limit:]

    def save(self, entries: Sequence[HistoryEntry]) -> None:
        """Write ``entries`` (the newest ``limit``); raises OSError."""
        data = {"format": FORMAT, "entries": [_as_json(e) for e in list(entries)[-self.limit:]]}
        with self._lock:
            write_atomic(self.path, json.dumps(data, indent=1).encode("utf-8"))

    def add(self, entry: HistoryEntry) -> list[HistoryEntry]:
        """Append ``entry`` to what is stored and return the entries now kept."""
        entries = [*self.load(), entry][-self.limit:]
        self.save(entries)
        return entries


def _as_json(entry: HistoryEntry) -> dict[str, Any]:
    data = asdict(entry)
    data["headers"] = [list(h) for h in entry.headers]
    return data
