"""Serve a sandbox org over HTTP(S) on loopback: start and stop, dispatch, request ids and rate limits (the HTTP layer
is in ``http_server``, the limits in ``rate_limits``)."""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oktatool.core.errors import Hint, SandboxError
from oktatool.core.files import is_link, make_private_dirs, write_atomic
from oktatool.sandbox.api import ManagementApi
from oktatool.sandbox.authservers import find_server, split_server_path
from oktatool.sandbox.authservers import keys_document as custom_keys_document
from oktatool.sandbox.authservers import metadata_document as custom_metadata_document
from oktatool.sandbox.http_server import SandboxHttpServer
from oktatool.sandbox.kept import ORG_FILE
from oktatool.sandbox.messages import Request, Response, okta_error
from oktatool.sandbox.oauth import TOKEN_PATH, TokenEndpoint, keys_document, metadata_document
from oktatool.sandbox.org import Fault, SandboxOptions, SandboxOrg, make_service_key, reusable_service_key
from oktatool.sandbox.rate_limits import RateLimiter, rate_bucket
from oktatool.sandbox.tls import write_tls_files
from oktatool.sandbox.tokens import INTROSPECT_PATH, REVOKE_PATH, TokenIntrospection

KEY_PEM_FILE = "service-app.pem"
KEY_JWK_FILE = "service-app.jwk.json"
_UNLIMITED_PATHS = ("/oauth2/v1/keys", "/.well-known/openid-configuration",
                    "/.well-known/oauth-authorization-server")
_REQUEST_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class SandboxInfo:
    """Everything a client needs to use a running sandbox."""

    org_url: str
    token_url: str
    client_id: str
    key_file: Path  # the service app's private key, PKCS#8 PEM (mode 0600)
    jwk_file: Path  # the same key as a private JWK with kid, use and alg (mode 0600)
    kid: str
    ssws_token: str = dataclasses.field(repr=False)  # a credential: kept out of logs and test reports
    scopes: tuple[str, ...]
    directory: Path
    ca_file: Path | None  # the CA certificate to trust when TLS is on
    dpop_required: bool
    rate_limit: int | None
    port: int
    #: the service app that requires DPoP (same key, scopes and role), when the org has one
    dpop_client_id: str | None = None
    #: what the user should know about this start (a damaged org file set aside), else None
    notice: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the start-up line of ``oktatool sandbox`` as a JSON object."""
        line: dict[str, Any] = {
            "org_url": self.org_url,
            "token_endpoint": self.token_url,
            "client_id": self.client_id,
            "key_file": str(self.key_file),
            "jwk_file": str(self.jwk_file),
            "kid": self.kid,
            "ssws_token": self.ssws_token,
            "scopes": list(self.scopes),
            "dpop_required": self.dpop_required,
            "dir": str(self.directory),
        }
        if self.dpop_client_id is not None:
            line["dpop_client_id"] = self.dpop_client_id
        if self.notice is not None:
            line["notice"] = self.notice
        if self.ca_file is not None:
            line["ca_file"] = str(self.ca_file)
        return line


def _new_request_id() -> str:
    return "".join(secrets.choice(_REQUEST_ID_ALPHABET) for _ in range(24))


def check_folder(directory: Path) -> str | None:
    """Return why ``directory`` is unsafe for the private key (others could plant or swap files), or None."""
    if sys.platform == "win32":
        # NTFS access lists, not mode bits: oktatool creates its folders owner-only; a link could lead anywhere
        return "it is a symbolic link or junction to another folder" if is_link(directory) else None
    try:
        facts = directory.stat()
    except OSError as exc:
        return f"cannot inspect it ({exc.strerror})"
    if facts.st_uid != os.getuid():
        return "it belongs to another user"
    if facts.st_mode & 0o022:
        return "others can write to it, so they could plant or replace the key files"
    return None


class Sandbox:
    """A running (or ready to run) sandbox org; use ``start()``/``stop()`` or ``with``."""

    def __init__(self, options: SandboxOptions, directory: Path, *, keep_org: bool = False) -> None:
        self.options = options
        self.directory = directory
        #: keep the org (users, groups, apps with keys, grants and roles) in ``directory``/org.json
        self.keep_org = keep_org
        self.scheme = "https" if options.tls else "http"
        self.default_host = options.host
        self.org: SandboxOrg | None = None
        self._token_endpoint: TokenEndpoint | None = None
        self._api: ManagementApi | None = None
        self._introspection: TokenIntrospection | None = None
        self.limiter = RateLimiter(options.rate_limit, options.rate_window)
        self._fault_hits: dict[int, int] = {}
        self._fault_lock = threading.Lock()
        self._server: SandboxHttpServer | None = None
        self._thread: threading.Thread | None = None
        self._info: SandboxInfo | None = None

    @classmethod
    def keeping_key(cls, options: SandboxOptions, directory: Path, *, keep_org: bool = False) -> Sandbox:
        """Return a sandbox that reuses the service app key already in ``directory``, so kid and key file stay.

        With ``keep_org`` the org itself lives on in ``directory`` too (see ``oktatool.sandbox.kept``).
        """
        pem = reusable_service_key(directory / KEY_PEM_FILE) if directory.is_dir() and \
            check_folder(directory) is None else None
        return cls(dataclasses.replace(options, service_key_pem=pem) if pem else options, directory,
                   keep_org=keep_org)

    @property
    def info(self) -> SandboxInfo:
        """Return the connection details (after ``start()``)."""
        if self._info is None:
            raise SandboxError("the sandbox is not running", hint="call start() first")
        return self._info

    def start(self) -> SandboxInfo:
        """Write the key files (and TLS certificate), bind, and serve on a background thread."""
        options = self.options
        try:
            make_private_dirs(self.directory)
        except OSError as exc:
            raise SandboxError(f"cannot create the sandbox folder {self.directory}: {exc.strerror}",
                               hint=Hint("give a folder you can write to with --dir",
                                         window="make the data folder writable for you")) from None
        problem = check_folder(self.directory)
        if problem:
            raise SandboxError(f"refusing the sandbox folder {self.directory}: {problem}",
                               hint=Hint("give a folder only you can write to with --dir (e.g. mkdir -m 700 DIR)",
                                         window="make the sandbox folder writable by you only (chmod 700)"),
                               code="unsafe_folder")
        try:
            server = SandboxHttpServer((options.host, options.port), self)
        except OSError as exc:
            raise SandboxError(f"cannot start the sandbox on {options.host}:{options.port}: {exc.strerror}",
                               hint=Hint("choose another --port, or leave it out to take a free one",
                                         window="try again (a free port is taken)")) from None
        port = int(server.server_address[1])
        host = f"[{options.host}]" if ":" in options.host else options.host
        self.default_host = f"{host}:{port}"
        org_url = f"{self.scheme}://{self.default_host}"
        try:
            key = make_service_key(options.service_key_pem)
            self.org = SandboxOrg(options, key, org_url, keep_in=self.directory / ORG_FILE if self.keep_org else None)
            self._token_endpoint, self._api = TokenEndpoint(self.org), ManagementApi(self.org)
            self._introspection = TokenIntrospection(self.org, self._token_endpoint)
            key_file, jwk_file = self.directory / KEY_PEM_FILE, self.directory / KEY_JWK_FILE
            write_atomic(key_file, key.private_pem, mode=0o600)
            write_atomic(jwk_file, (json.dumps(key.private_jwk, indent=2) + "\n").encode("utf-8"), mode=0o600)
            ca_file = None
            if options.tls:
                tls_files = write_tls_files(self.directory)
                server.tls_context = tls_files.server_context()
                ca_file = tls_files.ca_file
        except (OSError, ValueError) as exc:
            server.server_close()
            raise SandboxError(f"cannot prepare the sandbox folder {self.directory}: {exc}") from None
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"oktatool-sandbox-{port}", daemon=True)
        self._thread.start()
        app, dpop_app = self.org.service_app, self.org.dpop_app
        self._info = SandboxInfo(
            org_url=org_url, token_url=org_url + TOKEN_PATH, client_id=app.id, key_file=key_file,
            jwk_file=jwk_file, kid=key.kid, ssws_token=self.org.ssws_token, scopes=tuple(options.scopes),
            directory=self.directory, ca_file=ca_file, dpop_required=options.dpop_required,
            rate_limit=options.rate_limit, port=port, dpop_client_id=dpop_app.id if dpop_app else None,
            notice=self.org.notice)
        return self._info

    def stop(self) -> None:
        """Stop serving, close every connection and the listening socket."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.org is not None:
            self.org.close()

    def __enter__(self) -> SandboxInfo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(self, request: Request) -> Response:
        """Answer one request: rate limit, route, and add the request id and rate limit headers."""
        request_id = _new_request_id()
        path = request.path
        exempt = path in _UNLIMITED_PATHS
        state = self.limiter.take(rate_bucket(path), count=not exempt)
        if not state.allowed and not exempt:
            response = okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
        else:
            try:
                response = self._route(request, request_id)
            except Exception:  # a sandbox bug must still give the client an answer, as Okta would
                response = okta_error(500, "E0000009", "Internal Server Error")
        return response.with_headers(("X-Okta-Request-Id", request_id), *state.headers())

    def take_fault(self, target: str) -> Fault | None:
        """Return the configured fault for this request path, counting it against its ``times``."""
        path = target.partition("?")[0]
        with self._fault_lock:
            for index, fault in enumerate(self.options.faults):
                hits = self._fault_hits.get(index, 0)
                if path.startswith(fault.path) and (fault.times is None or hits < fault.times):
                    self._fault_hits[index] = hits + 1
                    return fault
        return None

    def stamp(self, response: Response, target: str) -> Response:
        """Add a request id and the (uncounted) rate limit headers to a response made outside ``handle``."""
        state = self.limiter.take(rate_bucket(target.partition("?")[0]), count=False)
        return response.with_headers(("X-Okta-Request-Id", _new_request_id()), *state.headers())

    def _custom_server(self, request: Request, request_id: str, server_id: str, rest: str) -> Response:
        """Answer /oauth2/{id}/v1/token, /v1/keys, /v1/revoke, /v1/introspect and the metadata of a custom
        authorization server."""
        assert self.org is not None
        server = find_server(server_id)
        if server is None:
            return okta_error(404, "E0000007", f"Not found: Resource not found: {server_id} (AuthorizationServer)")
        wanted = {"/v1/token": "POST", "/v1/keys": "GET", "/v1/revoke": "POST", "/v1/introspect": "POST",
                  "/.well-known/oauth-authorization-server": "GET",
                  "/.well-known/openid-configuration": "GET"}.get(rest)
        if wanted is None:
            return okta_error(404, "E0000007", f"Not found: Resource not found: {request.raw_path} (Endpoint)")
        if request.method != wanted:
            return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")
        if rest == "/v1/token":
            return TokenEndpoint(self.org, server).handle(request, request_id)
        if rest in ("/v1/revoke", "/v1/introspect"):
            checks = TokenIntrospection(self.org, TokenEndpoint(self.org, server), f"/oauth2/{server.id}")
            return checks.handle(request)
        if rest == "/v1/keys":
            return custom_keys_document(server)
        return custom_metadata_document(server, request.base_url)

    def _route(self, request: Request, request_id: str) -> Response:
        org, token_endpoint, api = self.org, self._token_endpoint, self._api
        if org is None or token_endpoint is None or api is None:  # pragma: no cover - served only after start()
            return okta_error(503, "E0000009", "Internal Server Error")
        org.refresh()  # another process keeping the same org may have changed it
        path, method = request.path, request.method
        if path == TOKEN_PATH:
            if method != "POST":
                return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")
            return token_endpoint.handle(request, request_id)
        if path in (REVOKE_PATH, INTROSPECT_PATH) and self._introspection is not None:
            return self._introspection.handle(request)
        if path in _UNLIMITED_PATHS:
            if path.startswith("/.well-known/") and "metadata-missing" in self.options.misconfig:
                return okta_error(404, "E0000007", f"Not found: Resource not found: {request.raw_path} (Endpoint)")
            if method != "GET":
                return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")
            return keys_document(org) if path == "/oauth2/v1/keys" else metadata_document(org, request)
        custom = split_server_path(path)
        if custom is not None:
            return self._custom_server(request, request_id, *custom)
        response = api.handle(request)
        if response is None:
            return okta_error(404, "E0000007", f"Not found: Resource not found: {request.raw_path} (Endpoint)")
        return response

