"""The Console's request tabs as a profile keeps them: each tab's request fields, never a secret, in the data dir.

One file holds every profile's tabs (by profile name and org, as the history and the saved requests name them).
What is kept of a tab is what the editor holds: method, path with its query, the headers the user added and
the body, and the tab's name when the user gave one. The history's rules decide what a secret is: secret
headers are left out, secret-named header values, query parameters and body members are redacted, and so are
secret-looking values (JWTs, SSWS tokens). Answers are not kept. A damaged file is set aside (never written
over) and said once; the Console then starts that profile with one tab.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import ConfigError
from oktatool.core.files import keep_corrupt, write_atomic
from oktatool.core.okta.history import MAX_BODY, is_secret_name, redact_parameters, scrub, scrub_body
from oktatool.core.okta.http import SECRET_HEADERS

if TYPE_CHECKING:
    from pathlib import Path

    from oktatool.core.okta.saved_requests import Owner

FORMAT = 1
#: most tabs kept for one profile (the first ones, in order)
MAX_TABS = 50
#: the request a new tab starts with
DEFAULT_PATH = "/api/v1/users?limit=200"
#: most characters of a tab's title
TITLE_CHARS = 32


@dataclass(frozen=True)
class RequestDraft:
    """One tab's request as the editor holds it; ``name`` is the tab's own title ("" for METHOD + short path)."""

    method: str = "GET"
    path: str = DEFAULT_PATH
    headers: tuple[tuple[str, str], ...] = field(default=())
    body: str = ""
    name: str = ""

    @property
    def title(self) -> str:
        """Return what the tab shows: its name, else ``GET users`` (the path's last two segments, no query)."""
        if self.name:
            return _cut(self.name)
        return _cut(f"{self.method} {short_path(self.path)}")

    def safe(self) -> RequestDraft:
        """Return the draft as it may be kept on disk: no secret header, no secret value, a bounded body."""
        headers = tuple((name, "[redacted]" if is_secret_name(name) else scrub(value))
                        for name, value in self.headers if name.lower() not in SECRET_HEADERS)
        return RequestDraft(self.method.upper(), scrub(redact_parameters(self.path)), headers,
                            scrub_body(self.body[:MAX_BODY]) if self.body.strip() else "", scrub(self.name))


def short_path(path: str) -> str:
    """Return ``path`` short, without its query and ``/api/v1``: ``users``, ``users/00u1``, ``apps/…/grants``."""
    segments = [part for part in path.partition("?")[0].split("/") if part]
    if segments[:2] == ["api", "v1"]:
        segments = segments[2:]
    if len(segments) > 2:
        return f"{segments[0]}/…/{segments[-1]}"
    return "/".join(segments) or "/"


def _cut(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"


@dataclass(frozen=True)
class TabSet:
    """A profile's tabs, in order, and which one is shown."""

    drafts: tuple[RequestDraft, ...] = (RequestDraft(),)
    current: int = 0


def _draft_from(raw: Any) -> RequestDraft | None:
    if not isinstance(raw, dict):
        return None
    texts = {key: raw.get(key) for key in ("method", "path", "body", "name")}
    headers = raw.get("headers", [])
    if not all(isinstance(value, str) for value in texts.values()) or not isinstance(headers, list):
        return None
    pairs = tuple((pair[0], pair[1]) for pair in headers
                  if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair))
    return RequestDraft(str(texts["method"]), str(texts["path"]), pairs, str(texts["body"]),
                        str(texts["name"])).safe()


def _tabset_from(raw: dict[str, Any]) -> TabSet | None:
    drafts = tuple(d for d in (_draft_from(item) for item in raw.get("tabs") or []) if d is not None)[:MAX_TABS]
    if not drafts:
        return None
    current = raw.get("current")
    index = current if isinstance(current, int) and 0 <= current < len(drafts) else 0
    return TabSet(drafts, index)


def _as_json(owner: Owner, tabs: TabSet) -> dict[str, Any]:
    drafts = [draft.safe() for draft in tabs.drafts[:MAX_TABS]]
    return {"profile": owner.profile, "org": owner.org, "current": min(tabs.current, len(drafts) - 1),
            "tabs": [{"method": d.method, "path": d.path, "headers": [list(h) for h in d.headers], "body": d.body,
                      "name": d.name} for d in drafts]}


class RequestTabsStore:
    """The tabs file: read once (then kept), each profile's change written atomically (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] | None = None

    def load(self, owner: Owner) -> TabSet | None:
        """Return ``owner``'s tabs (None when it has none kept).

        Raises ConfigError once for a damaged file, after moving it aside as ``NAME.corrupt-<time>`` (every
        profile's tabs are in that copy); from then on the store holds no tabs and writes a new file.
        """
        with self._lock:
            entries = self._read()
        for entry in entries:
            if (entry.get("profile"), entry.get("org")) == (owner.profile, owner.org):
                return _tabset_from(entry)
        return None

    def save(self, owner: Owner, tabs: TabSet) -> None:
        """Keep ``tabs`` as ``owner``'s (raises OSError; ConfigError when a damaged file was just set aside)."""
        with self._lock:
            entries = [entry for entry in self._read()
                       if (entry.get("profile"), entry.get("org")) != (owner.profile, owner.org)]
            entries.append(_as_json(owner, tabs))
            write_atomic(self.path, json.dumps({"format": FORMAT, "profiles": entries}, indent=1,
                                               ensure_ascii=False).encode("utf-8"))
            self._entries = entries

    def _read(self) -> list[dict[str, Any]]:
        if self._entries is not None:
            return self._entries
        self._entries = []
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._entries
        except (OSError, UnicodeDecodeError) as exc:
            problem: str = str(exc)
        else:
            try:
                raw = json.loads(text)
            except ValueError as exc:
                raw = exc
            items = raw.get("profiles") if isinstance(raw, dict) and raw.get("format") == FORMAT else None
            if isinstance(items, list):
                self._entries = [item for item in items if isinstance(item, dict)]
                return self._entries
            problem = f"it is not an oktatool tabs file (format {FORMAT})"
        try:
            kept = keep_corrupt(self.path)
        except OSError as exc:
            raise ConfigError(f"the Console's request tabs in {self.path} cannot be read ({problem}) nor set "
                              f"aside: {exc}", hint="fix or remove the file") from None
        raise ConfigError(f"the Console's request tabs could not be read ({problem}); the file was kept as "
                          f"{kept.name} and the Console starts with one tab",
                          hint="nothing else was touched: history and saved requests are kept apart")


def tabs_from(drafts: Sequence[RequestDraft], current: int) -> TabSet:
    """Return a TabSet of ``drafts`` (one default tab when there is none), ``current`` kept in range."""
    kept = tuple(drafts) or (RequestDraft(),)
    return TabSet(kept, max(0, min(current, len(kept) - 1)))
