"""The Console's engine (no Qt): each profile session's OktaClient, tokens with their recorded exchanges, calls.

Every method here blocks (network, signing, the sandbox starting): the tab runs them with
``tasks.run_blocking``. The client lives in the session's ``ConsoleState``; a closed session (another profile
became active) gets no new client and no call. Token exchanges that the client makes by itself (renewal
before a call) reach the tab through ``listener(session, exchange)``, called on the worker thread with the
session they were made for; the tab hops to the GUI thread itself and drops what belongs to a closed session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import TooDeepError, loads_answer
from oktatool.core.errors import CancelledError
from oktatool.core.okta.exchange import RecordingTokenClient, TokenExchange, token_facts
from oktatool.gui.console.state import PastedToken, TokenOutcome, console_state

if TYPE_CHECKING:
    import threading

    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.revocation import Introspection
    from oktatool.core.okta.tokens import TokenResponse
    from oktatool.core.store.settings import Profile


class ConsoleEngine:
    """Token fetches and calls for the Console, each with the client of the session it is made for."""

    def __init__(self, context: AppContext,
                 listener: Callable[[ProfileSession, TokenExchange], None] | None = None) -> None:
        self.context = context
        self.listener = listener

    def client(self, session: ProfileSession) -> OktaClient:
        """Return the OktaClient of ``session``'s profile (built on first use); raise CancelledError once the
        session is closed."""
        from oktatool.core.okta.client import OktaClient
        from oktatool.core.okta.http import new_session

        state = console_state(session)
        with state.client_lock:
            if session.closed:
                raise CancelledError("the active profile changed; the request was dropped")
            if state.client is None:
                connection = self.context.connection(session.profile)
                http = connection.http
                recorder = RecordingTokenClient(new_session(http), timeout=http.timeout,
                                                max_body=http.max_body_bytes, listener=self._reporter(session))
                # max_retries=0: a 429 comes back at once, so the Console shows its countdown and the user may cancel
                state.client = OktaClient(connection, token_client=recorder, max_retries=0)
            return state.client

    def _reporter(self, session: ProfileSession) -> Callable[[TokenExchange], None]:
        def report(exchange: TokenExchange) -> None:
            if self.listener is not None:
                self.listener(session, exchange)

        return report

    def outcome(self, session: ProfileSession, token: TokenResponse, asked: tuple[str, ...],
                cached: bool) -> TokenOutcome:
        """Return ``token`` as the Console shows it, for the org of ``session``'s client."""
        client = console_state(session).client
        return TokenOutcome(token, token_facts(token, asked), cached, client.connection.org.base if client else "",
                            client.connection.server if client else None)

    def get_token(self, session: ProfileSession, scopes: tuple[str, ...], *, use_cache: bool = True) -> TokenOutcome:
        """Return a token for ``scopes`` (cache first when ``use_cache``); raise OktaToolError."""
        client = self.client(session)
        tokens = client.tokens
        assert isinstance(tokens, RecordingTokenClient)
        wanted = scopes or client.connection.scopes
        cached = tokens.cached(client.credentials, wanted, client.dpop) if use_cache else None
        if cached is not None:
            return self.outcome(session, cached, wanted, True)
        tokens.explicit()
        token = client.token(wanted, use_cache=False)
        return self.outcome(session, token, wanted, False)

    def forget(self, session: ProfileSession) -> None:
        """Drop the session's cached tokens (the next call fetches a new one)."""
        client = console_state(session).client
        if client is not None:
            client.tokens.forget()

    def revoke(self, session: ProfileSession, access_token: str) -> None:
        """Revoke ``access_token`` at the org (the session's cached tokens go with it); raise OktaToolError."""
        from oktatool.core.okta.revocation import revoke_token

        revoke_token(self.client(session), access_token)

    def introspect(self, session: ProfileSession, access_token: str) -> Introspection:
        """Return what the org says of ``access_token``; raise OktaToolError."""
        from oktatool.core.okta.revocation import introspect_token

        return introspect_token(self.client(session), access_token)

    def api(self, session: ProfileSession, scopes: tuple[str, ...], headers: Mapping[str, str],
            pasted: PastedToken | None = None) -> ApiClient:
        """Return the API client for a call: the profile's token for ``scopes``, or the pasted token."""
        client = self.client(session)
        return client.api(scopes or client.connection.scopes, headers=headers,
                          token=pasted.as_token() if pasted is not None else None)

    def scopes_for(self, session: ProfileSession, method: str, path: str) -> tuple[str, ...]:
        """Return the scopes to ask for when no token was fetched yet (what the endpoint needs)."""
        return self.client(session).scopes_for(method, path)

    def proof(self, session: ProfileSession, method: str, url: str, access_token: str) -> str | None:
        """Return a fresh DPoP proof for copying a call as curl (None without DPoP)."""
        client = self.client(session)
        if client.dpop is None:
            return None
        return client.dpop.proof(method, url, nonce=client.nonces.get(url), access_token=access_token)

    def self_test(self, sandbox: Profile) -> str:
        """Get a token from the in-process sandbox and make one call, in a session of its own; say what came."""
        from oktatool.context import ProfileSession

        session = ProfileSession(sandbox)
        try:
            outcome = self.get_token(session, ())
            response = self.api(session, outcome.facts.asked, {}).send("GET", "/api/v1/users?limit=5")
        finally:
            session.close()
        if not response.ok:
            raise RuntimeError(f"GET /api/v1/users answered {response.status}")
        return f"{outcome.token.token_type} token ({' '.join(outcome.facts.granted)}), GET /api/v1/users → " \
               f"{response.status} with {len(response.items())} users"


def fetch_page(api: ApiClient, method: str, url: str, body: Any,
               cancel: threading.Event) -> tuple[ApiResponse, list[Any] | None]:
    """Fetch one page and read its items in the same worker call (None when the body is not a JSON list/object)."""
    response = api.send(method, url, body=body, cancel=cancel)
    if not response.ok or len(response.content) > MAX_PARSED_BODY:
        return response, None
    try:
        data = loads_answer(response.content) if response.content.strip() else []
    except ValueError:  # not JSON, or nested too deeply
        return response, None
    return response, data if isinstance(data, list) else [data] if isinstance(data, dict) else None


#: bodies larger than this are shown as text only (first part), never parsed into a tree or table; answers
#: above the HTTP layer's cap (HttpOptions.max_body_bytes, 32 MB) are refused before they get here
MAX_PARSED_BODY = 16 * 1024 * 1024
#: most characters of pretty text put in the raw view
MAX_PRETTY_TEXT = 512 * 1024


@dataclass(frozen=True)
class ParsedBody:
    """An answer body read for showing: the JSON value, its pretty text (cut), or why it is not shown."""

    data: Any = None
    is_json: bool = False
    text: str = ""
    note: str | None = None


def items_body(items: Sequence[Any]) -> ParsedBody:
    """Return one page's items (parsed already) as a body to show: the list and its pretty text (cut)."""
    data = list(items)
    return _shown(data, *pretty_head(data))


def pretty_head(data: Any, limit: int = MAX_PRETTY_TEXT) -> tuple[str, bool]:
    """Return the first ``limit`` characters of ``data`` as the Text view shows JSON, and whether there is more.

    Only that much is printed (16 MB printed whole took seconds, to keep half a megabyte); raises RecursionError
    for JSON nested too deeply.
    """
    import json

    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            return "".join(pieces)[:limit], True
    return "".join(pieces), False


def _shown(data: Any, pretty: str, cut: bool) -> ParsedBody:
    """Return parsed JSON and its pretty text, cut to what the Text view takes (saying so)."""
    if cut:
        return ParsedBody(data, True, pretty, f"The text view shows the first "
                          f"{MAX_PRETTY_TEXT // 1024} KB; the tree and the table hold everything.")
    return ParsedBody(data, True, pretty)


def parse_body(content: bytes) -> ParsedBody:
    """Parse an answer body (in the executor): JSON when it is, plain text otherwise, with a note for limits."""
    size = len(content)
    if not content.strip():
        return ParsedBody(text="", note="(empty body)")
    if size > MAX_PARSED_BODY:
        head = content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace")
        return ParsedBody(text=head, note=f"The body is {size / 1e6:.0f} MB: only its first "
                          f"{MAX_PRETTY_TEXT // 1024} KB are shown, as text. Save it to keep all of it.")
    try:
        data = loads_answer(content)
    except TooDeepError:
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The JSON nests too deeply to show as a tree; shown as text.")
    except ValueError:
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The body is not JSON; shown as text.")
    try:
        pretty, cut = pretty_head(data)
    except RecursionError:
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The JSON nests too deeply to show as a tree; shown as text.")
    return _shown(data, pretty, cut)
