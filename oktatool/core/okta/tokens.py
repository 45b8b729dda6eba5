"""The token client: client credentials with private_key_jwt at ``{org}/oauth2/v1/token``, Bearer or DPoP.

Building a request (``build_token_request``) is separate from sending it (``TokenClient``), so tests can
assert on exactly what would go over the wire. The client signs a new assertion for every attempt
(Okta consumes the jti even when it answers ``use_dpop_nonce``), keeps the DPoP nonce per origin, and
caches tokens in memory until five minutes before they expire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from oktatool.core.encoding import TOO_DEEP, TooDeepError, loads_answer
from oktatool.core.errors import BadInputError, Hint, TokenError, with_article
from oktatool.core.okta.explain_builders import dpop_rule_fix
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.http import MAX_BODY_BYTES, explain_network_error, read_body
from oktatool.core.okta.problems import oauth_error, parse_problem

if TYPE_CHECKING:
    import requests

#: the fix when the token endpoint answered something that is not Okta's
_ORG_IS_OKTA = Hint("check that --org points at an Okta org",
                    window="check that the profile's org URL is an Okta org")

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: tokens are renewed this many seconds before they expire (the Okta SDKs' default)
RENEW_MARGIN = 300
#: Okta's access tokens from the org authorization server last one hour (FACTS.md §4.6)
DEFAULT_EXPIRES_IN = 3600
#: a longer expires_in than this (ten years) is treated as absent
MAX_EXPIRES_IN = 10 * 366 * 86_400


class ProofSigner(Protocol):
    """Makes DPoP proofs with one key pair (RFC 9449)."""

    @property
    def thumbprint(self) -> str:
        """Return the RFC 7638 thumbprint of the DPoP public key (the token's cnf.jkt)."""
        ...

    def proof(self, method: str, url: str, *, nonce: str | None = None, access_token: str | None = None) -> str:
        """Return a new proof for ``method url`` (with ``ath`` when an access token is given)."""
        ...


@dataclass(frozen=True)
class ClientCredentials:
    """Who asks for tokens: the token URL, the client id, and how to sign a fresh client assertion."""

    token_url: str
    client_id: str
    sign_assertion: Callable[[], str] = field(repr=False, compare=False)
    #: the kid the assertions carry, and every kid of the key file (for explanations)
    kid: str | None = None
    key_kids: tuple[str, ...] = ()
    #: the app lives in the Local sandbox (advice names this program's dialogs, not an Admin Console)
    local_sandbox: bool = False


@dataclass(frozen=True)
class TokenRequest:
    """One token request exactly as it goes over the wire: URL, form fields and headers."""

    url: str
    form: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """Return the value of the header ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def __repr__(self) -> str:  # the assertion, the proof and a token to revoke are credentials while they live
        fields = [(k, "[redacted]" if k in ("client_assertion", "token") else v) for k, v in self.form]
        headers = [(k, "[redacted]" if k.lower() == "dpop" else v) for k, v in self.headers]
        return f"TokenRequest(url={self.url!r}, form={fields!r}, headers={headers!r})"


@dataclass(frozen=True)
class TokenResponse:
    """An access token and what came with it; ``obtained_at`` is the local epoch time it arrived."""

    access_token: str = field(repr=False)
    token_type: str
    expires_in: int
    scope: str
    obtained_at: float
    #: things the caller should tell the user (e.g. DPoP asked for but a Bearer token issued)
    warnings: tuple[str, ...] = ()

    @property
    def expires_at(self) -> float:
        """Return the epoch time the token expires."""
        return self.obtained_at + self.expires_in

    @property
    def is_dpop(self) -> bool:
        """Say whether the token is DPoP-bound (calls need ``Authorization: DPoP`` and a proof)."""
        return self.token_type.lower() == "dpop"

    @property
    def scheme(self) -> str:
        """Return the Authorization scheme the token is sent with (``SSWS`` for an admin API token)."""
        if self.is_dpop:
            return "DPoP"
        return "SSWS" if self.token_type.upper() == "SSWS" else "Bearer"

    def to_dict(self) -> dict[str, Any]:
        """Return the token response members (access_token, token_type, expires_in, scope)."""
        return {"access_token": self.access_token, "token_type": self.token_type,
                "expires_in": self.expires_in, "scope": self.scope}


def normalize_scopes(scopes: str | Iterable[str]) -> tuple[str, ...]:
    """Split (on spaces and commas), de-duplicate (keeping order) and check a scope list; raise BadInputError
    when it is empty."""
    from oktatool.core.okta.scope_names import split_scopes

    parts = split_scopes(scopes) if isinstance(scopes, str) else [p for s in scopes for p in split_scopes(s)]
    unique = tuple(dict.fromkeys(parts))
    if not unique:
        raise BadInputError("no scopes given", hint=Hint(
            'name at least one, e.g. --scopes "okta.users.read"',
            window="pick at least one scope (Scopes tab, or the profile's scopes in Edit profiles…)"))
    return unique


def build_token_request(token_url: str, scopes: str | Iterable[str], client_assertion: str, *,
                        dpop_proof: str | None = None) -> TokenRequest:
    """Return the client-credentials request: these four form fields and nothing else (Okta refuses extras)."""
    form = (
        ("grant_type", "client_credentials"),
        ("scope", " ".join(normalize_scopes(scopes))),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", client_assertion),
    )
    headers: tuple[tuple[str, str], ...] = (
        ("Accept", "application/json"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    )
    if dpop_proof is not None:
        headers += (("DPoP", dpop_proof),)
    return TokenRequest(token_url, form, headers)


def origin_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url`` (lower case): the key of DPoP nonces."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class NonceStore:
    """The latest DPoP nonce each server gave us, by origin; safe to share between threads."""

    def __init__(self) -> None:
        self._nonces: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> str | None:
        """Return the nonce last seen from the origin of ``url``."""
        with self._lock:
            return self._nonces.get(origin_of(url))

    def remember(self, url: str, headers: Mapping[str, str]) -> str | None:
        """Store the DPoP-Nonce header of an answer from ``url``, if any; return it."""
        nonce = headers.get("DPoP-Nonce")
        if nonce:
            with self._lock:
                self._nonces[origin_of(url)] = nonce
        return nonce


CacheKey = tuple[str, str, tuple[str, ...], str | None]


class TokenClient:
    """Gets client-credentials tokens, Bearer or DPoP, and caches them in memory."""

    def __init__(self, session: requests.Session, *, timeout: tuple[float, float] = (10.0, 30.0),
                 clock: Callable[[], float] = time.time, nonces: NonceStore | None = None,
                 renew_margin: float = RENEW_MARGIN, max_body: int = MAX_BODY_BYTES) -> None:
        self.session = session
        self.max_body = max_body
        self.timeout = timeout
        self.clock = clock
        self.nonces = nonces or NonceStore()
        self.renew_margin = renew_margin
        self._cache: dict[CacheKey, TokenResponse] = {}
        self._lock = threading.Lock()

    def cached(self, credentials: ClientCredentials, scopes: str | Iterable[str],
               dpop: ProofSigner | None = None) -> TokenResponse | None:
        """Return a cached token that is good for at least the renew margin, or None."""
        key = self._key(credentials, normalize_scopes(scopes), dpop)
        with self._lock:
            token = self._cache.get(key)
            if token is not None and self.clock() < token.expires_at - self.renew_margin:
                return token
            self._cache.pop(key, None)
        return None

    def forget(self) -> None:
        """Drop every cached token (e.g. after the user edits a profile)."""
        with self._lock:
            self._cache.clear()

    def get_token(self, credentials: ClientCredentials, scopes: str | Iterable[str], *,
                  dpop: ProofSigner | None = None, use_cache: bool = True) -> TokenResponse:
        """Return a token for ``scopes``, from the cache or from the token endpoint; raise TokenError if refused."""
        wanted = normalize_scopes(scopes)
        if use_cache:
            hit = self.cached(credentials, wanted, dpop)
            if hit is not None:
                return hit
        token = self._request_token(credentials, wanted, dpop)
        with self._lock:
            self._cache[self._key(credentials, wanted, dpop)] = token
        return token

    @staticmethod
    def _key(credentials: ClientCredentials, scopes: tuple[str, ...], dpop: ProofSigner | None) -> CacheKey:
        return (credentials.token_url, credentials.client_id, tuple(sorted(scopes)),
                dpop.thumbprint if dpop else None)

    def _request_token(self, credentials: ClientCredentials, scopes: tuple[str, ...],
                       dpop: ProofSigner | None) -> TokenResponse:
        url = credentials.token_url
        for attempt in (1, 2):
            proof = dpop.proof("POST", url, nonce=self.nonces.get(url)) if dpop else None
            request = build_token_request(url, scopes, credentials.sign_assertion(), dpop_proof=proof)
            status, headers, body = self.send(request)
            nonce = self.nonces.remember(url, headers)
            if status == 400 and dpop and attempt == 1 and nonce and oauth_error(body) == "use_dpop_nonce":
                continue  # the assertion was consumed: the loop signs a new one with the nonce in a new proof
            break
        if status != 200:
            context = ExplainContext(client_id=credentials.client_id, token_url=url, assertion_kid=credentials.kid,
                                     key_kids=credentials.key_kids, requested_scopes=scopes, dpop=dpop is not None,
                                     local_sandbox=credentials.local_sandbox)
            raise parse_problem(status, headers, body, source="token", context=context).to_error()
        return self._parse_token(body, scopes, dpop is not None, credentials.local_sandbox)

    def send(self, request: TokenRequest) -> tuple[int, Mapping[str, str], bytes]:
        """POST ``request``; return (status, headers, body) or raise NetworkError."""
        import requests

        try:
            response = self.session.post(request.url, data=dict(request.form), headers=dict(request.headers),
                                         timeout=self.timeout, allow_redirects=False, stream=True)
            return response.status_code, response.headers, read_body(response, request.url, self.max_body,
                                                                     seconds=self.timeout[1])
        except requests.RequestException as exc:
            raise explain_network_error(exc, request.url) from None

    def _parse_token(self, body: bytes, scopes: tuple[str, ...], dpop: bool, local_sandbox: bool) -> TokenResponse:
        try:
            data = loads_answer(body)
        except TooDeepError:
            raise TokenError(f"the token endpoint answered 200 with {TOO_DEEP}",
                             hint=_ORG_IS_OKTA, code="bad_answer") from None
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str) or not data["access_token"]:
            raise TokenError("the token endpoint answered 200 but without an access_token",
                             hint=Hint("check that --org points at an OAuth 2.0 authorization server",
                                       window="check that the profile's org URL is an Okta org"),
                             code="no_access_token")
        token_type = data["token_type"] if isinstance(data.get("token_type"), str) else "Bearer"
        expires_in = data.get("expires_in")
        try:
            lifetime = int(expires_in) if expires_in is not None else DEFAULT_EXPIRES_IN
        except (TypeError, ValueError, OverflowError):  # Python's JSON reads Infinity and 1e999 as inf
            lifetime = DEFAULT_EXPIRES_IN
        if not 0 <= lifetime <= MAX_EXPIRES_IN:  # nonsense that would overflow date arithmetic downstream
            lifetime = DEFAULT_EXPIRES_IN
        scope = data["scope"] if isinstance(data.get("scope"), str) else " ".join(scopes)
        warnings: tuple[str, ...] = ()
        if dpop and token_type.lower() != "dpop":
            server = "the Local sandbox" if local_sandbox else "the server"
            fix = dpop_rule_fix(app_requires=False, local_sandbox=local_sandbox)
            said = (f"DPoP was asked for but {server} issued {with_article(token_type)} token; the app does "
                    "not require DPoP (Okta then ignores the proof). ")
            warnings = (Hint(said + fix[:1].upper() + fix[1:], window=said + fix.window[:1].upper() + fix.window[1:]),)
        return TokenResponse(data["access_token"], token_type, lifetime, scope, self.clock(), warnings)

