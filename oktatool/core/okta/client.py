"""One service app talking to one Okta org: the token client and the API client wired to a key.

``OktaClient`` is what the CLI and the GUI Console use: it signs client assertions with the app's key,
keeps a DPoP key for the session when DPoP is on, asks for the scopes an endpoint needs (from the scope
catalog) and hands out tokens and API calls. Everything it returns is a frozen value.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oktatool.core.errors import BadInputError, Hint
from oktatool.core.jose.assertion import DEFAULT_LIFETIME, build_client_assertion
from oktatool.core.jose.dpop import DPoPKey, make_proof
from oktatool.core.keys.key import Key
from oktatool.core.okta.api import MAX_RETRIES, MAX_WAIT, ApiClient, ApiResponse, check_path, is_public_endpoint
from oktatool.core.okta.authserver import ORG_SERVER, AuthServer, auth_server
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.http import HttpOptions, new_session
from oktatool.core.okta.orgurl import OrgUrl
from oktatool.core.okta.tokens import ClientCredentials, NonceStore, TokenClient, TokenResponse, normalize_scopes

if TYPE_CHECKING:
    import requests

    from oktatool.core.okta.scopes import ScopeCatalog


@dataclass(frozen=True)
class Connection:
    """Everything needed to act as one service app on one org."""

    org: OrgUrl
    client_id: str
    key: Key = field(repr=False)
    #: kid for the assertion header (default: the key's own kid)
    kid: str | None = None
    #: every kid in the key file, so a "kid is invalid" answer can list them
    key_kids: tuple[str, ...] = ()
    #: scopes to ask for when a call does not say (a profile's granted scopes)
    scopes: tuple[str, ...] = ()
    dpop: bool = False
    http: HttpOptions = field(default_factory=HttpOptions)
    assertion_lifetime: int = DEFAULT_LIFETIME
    #: the app lives in the Local sandbox (advice names this program's dialogs, not an Admin Console)
    local_sandbox: bool = False
    #: the authorization server tokens come from ("": the org server; "default" or "aus…": a custom one)
    auth_server: str = ORG_SERVER

    @property
    def server(self) -> AuthServer:
        """Return the authorization server the app's tokens come from."""
        return auth_server(self.org, self.auth_server)


class DPoPSigner:
    """Signs DPoP proofs with one key pair for the life of a client (the token is bound to it)."""

    def __init__(self, key: DPoPKey) -> None:
        self.key = key

    @property
    def thumbprint(self) -> str:
        """Return the RFC 7638 thumbprint of the DPoP public key."""
        return self.key.thumbprint

    def proof(self, method: str, url: str, *, nonce: str | None = None, access_token: str | None = None) -> str:
        """Return a new proof for one request."""
        return make_proof(self.key, method, url, nonce=nonce, access_token=access_token)


class OktaClient:
    """Tokens and API calls for one Connection; safe to use from worker threads."""

    def __init__(self, connection: Connection, *, session: requests.Session | None = None,
                 token_client: TokenClient | None = None, dpop_key: DPoPKey | None = None,
                 catalog: ScopeCatalog | None = None, max_wait: float = MAX_WAIT,
                 max_retries: int = MAX_RETRIES) -> None:
        """``token_client`` (e.g. one that records its exchanges) brings the HTTP session and the DPoP nonce
        store that the API calls share with it; without it a TokenClient is made on ``session``."""
        self.connection = connection
        self.tokens = token_client or TokenClient(session or new_session(connection.http),
                                                  timeout=connection.http.timeout, nonces=NonceStore(),
                                                  max_body=connection.http.max_body_bytes)
        self.session = self.tokens.session
        self.nonces = self.tokens.nonces
        self.dpop = DPoPSigner(dpop_key or DPoPKey.generate()) if connection.dpop else None
        self.max_wait = max_wait
        self.max_retries = max_retries
        self._catalog = catalog
        self._catalog_lock = threading.Lock()

    @property
    def credentials(self) -> ClientCredentials:
        """Return the app's credentials: each call of ``sign_assertion`` signs a new assertion."""
        conn = self.connection
        return ClientCredentials(conn.server.token_url, conn.client_id, self.sign_assertion,
                                 kid=conn.kid or conn.key.kid,
                                 key_kids=conn.key_kids, local_sandbox=conn.local_sandbox)

    def sign_assertion(self, endpoint: str | None = None) -> str:
        """Sign a new client assertion for the org's ``endpoint`` (token, revoke or introspect; by default the
        token endpoint of the app's authorization server)."""
        conn = self.connection
        return build_client_assertion(conn.org, conn.client_id, conn.key, kid=conn.kid,
                                      lifetime=conn.assertion_lifetime,
                                      endpoint=endpoint or conn.server.token_path).token

    def catalog(self) -> ScopeCatalog:
        """Return the scope catalog (loaded on first use)."""
        with self._catalog_lock:
            if self._catalog is None:
                from oktatool.core.okta.scopes import ScopeCatalog

                self._catalog = ScopeCatalog.load()
            return self._catalog

    def required_scopes(self, method: str, path: str) -> tuple[str, ...]:
        """Return the scopes ``method path`` needs, from the catalog; raise BadInputError for unknown endpoints."""
        return self.catalog().required_scopes(method, _endpoint(path)).scopes

    def scopes_for(self, method: str, path: str, scopes: str | Iterable[str] | None = None) -> tuple[str, ...]:
        """Return the scopes to ask for: those given, else what the endpoint needs, else the connection's.

        For each scope the endpoint needs, a connection scope that grants it (``okta.users.manage`` for
        ``okta.users.read``) is preferred: the app may hold only that one.
        """
        if scopes:
            return normalize_scopes(scopes)
        try:
            requirement = self.catalog().required_scopes(method, _endpoint(path))
        except BadInputError:
            if self.connection.scopes:
                return self.connection.scopes
            raise
        if not requirement.alternatives:
            raise BadInputError(f"{method.upper()} {path} takes no OAuth scope (SSWS API tokens only, or public)",
                                hint=Hint("see oktatool scopes --for \"METHOD PATH\"",
                                         window="Scopes tab > Endpoints names the scope a call needs"))
        held = self.connection.scopes
        return tuple(next((s for s in options if s in held), options[0]) for options in requirement.alternatives)

    def token(self, scopes: str | Iterable[str] | None = None, *, use_cache: bool = True) -> TokenResponse:
        """Return a token for ``scopes`` (default: the connection's), cached until 5 minutes before expiry."""
        wanted = normalize_scopes(scopes if scopes else self.connection.scopes)
        return self.tokens.get_token(self.credentials, wanted, dpop=self.dpop, use_cache=use_cache)

    def api(self, scopes: str | Iterable[str], *, headers: Mapping[str, str] | None = None,
            token: TokenResponse | None = None) -> ApiClient:
        """Return an API client whose calls carry a token for ``scopes`` (and ``headers``, if given).

        ``token`` is an Authorization given by hand (a pasted token): every call carries it as it is, and
        it is never renewed (a refused one is shown, not replaced with the app's own).
        """
        wanted = normalize_scopes(scopes)
        server = self.connection.server
        if not server.is_org:
            raise BadInputError(f"not sent: a custom server's token is not for the Okta API\n{server.label} mints "
                                f"tokens (aud {server.audience or 'its audience'}) for your own APIs; Okta refuses "
                                "them",
                                hint=Hint("use the org authorization server for Okta API calls; copy, decode or "
                                          "verify the custom server's token instead (oktatool token --auth-server)",
                                          window="choose Org server (Okta API) as the Authorization server to "
                                                 "call Okta; Copy, Decode or Verify this token"),
                                code="custom_server_token_not_for_okta")
        context = ExplainContext(client_id=self.connection.client_id, token_url=server.token_url,
                                 requested_scopes=wanted, dpop=self.dpop is not None,
                                 local_sandbox=self.connection.local_sandbox)
        if token is not None:
            given = token
            source, renew = (lambda: given), None
        else:
            source, renew = (lambda: self.token(wanted)), (lambda: self.token(wanted, use_cache=False))
        return ApiClient(self.connection.org.base, self.session, source, dpop=self.dpop,
                         nonces=self.nonces, timeout=self.connection.http.timeout, max_wait=self.max_wait,
                         max_retries=self.max_retries, context=context, scope_lookup=self.required_scopes,
                         renew_token=renew, max_body=self.connection.http.max_body_bytes, extra_headers=headers)

    def public_api(self) -> ApiClient:
        """Return an API client for the org's public endpoints (keys, metadata): no token is asked for or sent."""
        return ApiClient(self.connection.org.base, self.session, None, timeout=self.connection.http.timeout,
                         max_wait=self.max_wait, max_retries=self.max_retries,
                         max_body=self.connection.http.max_body_bytes)

    def api_for(self, method: str, path: str, scopes: str | Iterable[str] | None = None) -> ApiClient:
        """Return the client for ``method path``: tokenless for a public endpoint, else with the scopes it needs."""
        if not scopes and is_public_endpoint(method, path):
            return self.public_api()
        return self.api(self.scopes_for(method, path, scopes))

    def send(self, method: str, path: str, *, body: Any = None, scopes: str | Iterable[str] | None = None,
             cancel: threading.Event | None = None) -> ApiResponse:
        """Call the API once and return the answer, errors included (what a console shows)."""
        return self.api_for(method, path, scopes).send(method, path, body=body, cancel=cancel)

    def pages(self, method: str, path: str, *, body: Any = None, scopes: str | Iterable[str] | None = None,
              cancel: threading.Event | None = None) -> Iterator[ApiResponse]:
        """Yield every page of a list as it arrives; raise ApiError on an error answer."""
        return self.api_for(method, path, scopes).pages(method, path, body=body, cancel=cancel)


def _endpoint(path: str) -> str:
    """Return the path of ``path`` (which may be a full URL or lack its leading slash), without the query."""
    bare = urlsplit(check_path(path)).path
    return bare if bare.startswith("/") else "/" + bare
