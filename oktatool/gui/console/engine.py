"""The Console's engine (no Qt): one OktaClient per profile, tokens with their recorded exchanges, calls.

Every method here blocks (network, signing, the sandbox starting): the tab runs them with
``tasks.run_blocking``. Token exchanges that the client makes by itself (renewal before a call) reach
the tab through ``listener``, called on the worker thread; the tab hops to the GUI thread itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oktatool.core.okta.exchange import AccessTokenFacts, RecordingTokenClient, TokenExchange, token_facts

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.tokens import TokenResponse
    from oktatool.core.store.settings import Profile


@dataclass(frozen=True)
class TokenOutcome:
    """A token the Console holds: the token, its decoded facts, and whether it came from the cache."""

    token: TokenResponse
    facts: AccessTokenFacts
    cached: bool
    org_url: str


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


class ConsoleEngine:
    """Clients per profile (built on first use), token fetches and calls for the Console."""

    def __init__(self, context: AppContext, listener: Callable[[str, TokenExchange], None] | None = None) -> None:
        self.context = context
        self.listener = listener
        self._clients: dict[str, tuple[Profile, OktaClient]] = {}
        self._lock = threading.Lock()

    def client(self, profile: Profile) -> OktaClient:
        """Return the OktaClient of ``profile`` (built again when the profile changed)."""
        from oktatool.core.okta.client import OktaClient

        with self._lock:
            known = self._clients.get(profile.name)
            if known is not None and known[0] == profile:
                return known[1]
        connection = self.context.connection(profile)
        # max_retries=0: a 429 comes back at once, so the Console can show its countdown and let the user cancel
        client = OktaClient(connection, max_retries=0)
        name = profile.name
        client.tokens = RecordingTokenClient(
            client.session, timeout=connection.http.timeout, nonces=client.nonces,
            listener=lambda exchange: self.listener(name, exchange) if self.listener else None)
        with self._lock:
            self._clients[profile.name] = (profile, client)
        return client

    def org_url(self, profile_name: str) -> str:
        """Return the org URL of a profile whose client was built (else "")."""
        with self._lock:
            known = self._clients.get(profile_name)
        return known[1].connection.org.base if known is not None else ""

    def default_scopes(self, profile: Profile) -> tuple[str, ...]:
        """Return the scopes a Get token asks for by default (the profile's, or the sandbox app's)."""
        return self.client(profile).connection.scopes

    def get_token(self, profile: Profile, scopes: tuple[str, ...], *, use_cache: bool = True) -> TokenOutcome:
        """Return a token for ``scopes`` (cache first when ``use_cache``); raise OktaToolError."""
        client = self.client(profile)
        tokens = client.tokens
        assert isinstance(tokens, RecordingTokenClient)
        wanted = scopes or client.connection.scopes
        cached = tokens.cached(client.credentials, wanted, client.dpop) if use_cache else None
        if cached is not None:
            return TokenOutcome(cached, token_facts(cached, wanted), True, client.connection.org.base)
        tokens.explicit()
        token = client.token(wanted, use_cache=False)
        return TokenOutcome(token, token_facts(token, wanted), False, client.connection.org.base)

    def forget(self, profile: Profile) -> None:
        """Drop the profile's cached tokens (the next call fetches a new one)."""
        with self._lock:
            known = self._clients.get(profile.name)
        if known is not None:
            known[1].tokens.forget()

    def api(self, profile: Profile, scopes: tuple[str, ...], headers: Mapping[str, str],
            pasted: PastedToken | None = None) -> ApiClient:
        """Return the API client for a call: the profile's token for ``scopes``, or the pasted token."""
        client = self.client(profile)
        api = client.api(scopes or client.connection.scopes, headers=headers)
        if pasted is not None:
            from oktatool.core.okta.tokens import TokenResponse

            token = TokenResponse(pasted.token, pasted.scheme, 3600, "", time.time())
            api.token_source = lambda: token
            api.renew_token = None
        return api

    def scopes_for(self, profile: Profile, method: str, path: str) -> tuple[str, ...]:
        """Return the scopes to ask for when no token was fetched yet (what the endpoint needs)."""
        return self.client(profile).scopes_for(method, path)

    def proof(self, profile: Profile, method: str, url: str, access_token: str) -> str | None:
        """Return a fresh DPoP proof for copying a call as curl (None without DPoP)."""
        client = self.client(profile)
        if client.dpop is None:
            return None
        return client.dpop.proof(method, url, nonce=client.nonces.get(url), access_token=access_token)


def fetch_page(api: ApiClient, method: str, url: str, body: Any,
               cancel: threading.Event) -> tuple[ApiResponse, list[Any] | None]:
    """Fetch one page and read its items in the same worker call (None when the body is not a JSON list/object)."""
    import json

    response = api.send(method, url, body=body, cancel=cancel)
    if not response.ok or len(response.content) > MAX_PARSED_BODY:
        return response, None
    try:
        data = json.loads(response.content) if response.content.strip() else []
    except (ValueError, RecursionError):
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


def parse_body(content: bytes) -> ParsedBody:
    """Parse an answer body (in the executor): JSON when it is, plain text otherwise, with a note for limits."""
    import json

    size = len(content)
    if not content.strip():
        return ParsedBody(text="", note="(empty body)")
    if size > MAX_PARSED_BODY:
        head = content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace")
        return ParsedBody(text=head, note=f"The body is {size / 1e6:.0f} MB: only its first "
                          f"{MAX_PRETTY_TEXT // 1024} KB are shown, as text. Save it to keep all of it.")
    try:
        data = json.loads(content)
    except RecursionError:
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The JSON nests too deeply to show as a tree; shown as text.")
    except (ValueError, UnicodeDecodeError):
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The body is not JSON; shown as text.")
    try:
        pretty = json.dumps(data, indent=2, ensure_ascii=False)
    except RecursionError:
        return ParsedBody(text=content[:MAX_PRETTY_TEXT].decode("utf-8", errors="replace"),
                          note="The JSON nests too deeply to show as a tree; shown as text.")
    note = None
    if len(pretty) > MAX_PRETTY_TEXT:
        pretty = pretty[:MAX_PRETTY_TEXT]
        note = f"The text view shows the first {MAX_PRETTY_TEXT // 1024} KB; the tree and the table hold everything."
    return ParsedBody(data, True, pretty, note)
