"""What the Console holds for one profile (no Qt): its client, token, pasted token and request tabs (each with
its last answer and page walk).

It lives in the profile's session (``console_state(session)``), so a profile switch, or an edit of the active
profile, drops all of it at once; the tab draws it and keeps no copy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oktatool.context import ProfileSession
    from oktatool.core.okta.api import ApiResponse
    from oktatool.core.okta.authserver import AuthServer
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.exchange import AccessTokenFacts
    from oktatool.core.okta.request_tabs import RequestDraft
    from oktatool.core.okta.tokens import TokenResponse


@dataclass(frozen=True)
class TokenOutcome:
    """A token the Console holds: the token, its decoded facts, and whether it came from the cache."""

    token: TokenResponse
    facts: AccessTokenFacts
    cached: bool
    org_url: str
    #: the authorization server it came from (its iss and aud are checked against it)
    server: AuthServer | None = None


@dataclass(frozen=True)
class PastedToken:
    """An Authorization value given by hand (the JWT tab's token): sent as it is, never stored."""

    scheme: str
    token: str

    @classmethod
    def parse(cls, value: str) -> PastedToken:
        """Read ``Bearer x``, ``DPoP x``, ``SSWS x`` or a bare token (Bearer)."""
        text = value.strip()
        scheme, _, rest = text.partition(" ")
        if rest and scheme.lower() in ("bearer", "dpop", "ssws"):
            return cls({"bearer": "Bearer", "dpop": "DPoP", "ssws": "SSWS"}[scheme.lower()], rest.strip())
        return cls("Bearer", text)

    def as_token(self) -> TokenResponse:
        """Return the value as a token to send (never renewed)."""
        from oktatool.core.okta.tokens import TokenResponse

        return TokenResponse(self.token, self.scheme, 3600, "", time.time())


@dataclass(frozen=True)
class PageRecord:
    """One page of a page walk as it answered: status, headers, rate limit and request id, with its size and
    its items (the same objects the table holds: the body itself is not kept twice)."""

    response: ApiResponse
    size: int
    data: tuple[Any, ...]

    @property
    def items(self) -> int:
        """Return how many items the page held."""
        return len(self.data)


class PageWalk:
    """The pages of one Fetch all pages, in the order they came."""

    def __init__(self) -> None:
        self.pages: list[PageRecord] = []
        #: True once the last page came (not when the walk was cancelled or failed)
        self.complete = False

    def add(self, response: ApiResponse, items: Sequence[Any]) -> PageRecord:
        """Record a page (its body is dropped here: its items are the table's rows)."""
        record = PageRecord(replace(response, content=b""), len(response.content), tuple(items))
        self.pages.append(record)
        return record

    @property
    def items(self) -> int:
        """Return how many items every page held together."""
        return sum(page.items for page in self.pages)

    def summary(self, *, running: bool = False) -> str:
        """Say what the walk holds: ``137 items in 14 pages.`` (``so far…`` while ``running``)."""
        items, pages = self.items, len(self.pages)
        text = f"{items:,} item{'s' if items != 1 else ''} in {pages} page{'s' if pages != 1 else ''}"
        if running:
            return text + " so far…"
        return text + ("." if self.complete else " (stopped before the last page).")


class RequestTab:
    """One request tab of the Console: the request as its editor holds it, its latest answer and page walk."""

    def __init__(self, draft: RequestDraft) -> None:
        self.draft = draft
        #: the tab's latest answer (the last page after Fetch all pages)
        self.last_response: ApiResponse | None = None
        #: the pages of the tab's latest Fetch all pages (None when its latest answer was one call)
        self.walk: PageWalk | None = None


class ConsoleState:
    """The Console's part of one profile session."""

    def __init__(self) -> None:
        #: the profile's client, built on first use by the engine (in a worker thread)
        self.client: OktaClient | None = None
        self.client_lock = threading.Lock()
        #: the token shown in the Token pane and used for calls
        self.token: TokenOutcome | None = None
        #: an Authorization given by hand, sent instead of the profile's token to this profile's org only
        self.pasted: PastedToken | None = None
        #: the request tabs, in order (None until the profile's kept tabs were read), and the one shown
        self.tabs: list[RequestTab] | None = None
        self.current = 0
        #: True once the profile's kept tabs were read back (until then nothing is written over them)
        self.tabs_read = False

    @property
    def shown(self) -> RequestTab | None:
        """Return the request tab shown (None before the tabs were read)."""
        return self.tabs[self.current] if self.tabs else None

    @property
    def last_response(self) -> ApiResponse | None:
        """Return the shown tab's latest answer."""
        shown = self.shown
        return shown.last_response if shown is not None else None

    @property
    def walk(self) -> PageWalk | None:
        """Return the shown tab's page walk (None when its latest answer was one call)."""
        shown = self.shown
        return shown.walk if shown is not None else None

    def traces(self) -> list[str]:
        """Return what this state would send or show that belongs to its profile (token, pasted token, cid,
        org, client id, the last answer's URL and request id)."""
        values: list[str] = []
        if self.token is not None:
            values += [self.token.token.access_token, self.token.org_url, self.token.facts.client_id or ""]
        if self.pasted is not None:
            values.append(self.pasted.token)
        for tab in self.tabs or ():
            if tab.last_response is not None:
                values += [tab.last_response.url, tab.last_response.request_id or ""]
        if self.client is not None:
            values += [self.client.connection.org.base, self.client.connection.client_id]
        return values


def console_state(session: ProfileSession) -> ConsoleState:
    """Return the Console's state in ``session`` (made on first use)."""
    return session.part("console", ConsoleState)
