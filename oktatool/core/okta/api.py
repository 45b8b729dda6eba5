"""The API client: any method and path on the org, Bearer or DPoP, pagination, rate limits, explained errors.

``ApiClient.send`` returns every answer (errors included) as a frozen ``ApiResponse``, which is what a
console shows; ``call`` and ``pages`` raise ``ApiError`` for error answers, which is what scripts want.
Pages are yielded as they arrive, so memory stays proportional to what the caller keeps.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from oktatool.core.encoding import TOO_DEEP, TooDeepError, dumps_compact, loads_answer
from oktatool.core.errors import ApiError, BadInputError, CancelledError, Hint, OktaToolError, joined
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.headers import (
    RateLimit,
    next_link,
    parse_rate_limit,
    parse_www_authenticate,
    seconds_until_retry,
)
from oktatool.core.okta.http import (
    MAX_BODY_BYTES,
    check_url,
    explain_network_error,
    read_body,
    redact_headers,
)
from oktatool.core.okta.problems import Problem, parse_problem
from oktatool.core.okta.tokens import NonceStore, ProofSigner, TokenResponse, origin_of

if TYPE_CHECKING:
    import requests

#: wait at most this long for a rate limit to reset before giving up (seconds)
MAX_WAIT = 60.0
#: how many 429 answers in a row we wait through before giving up
MAX_RETRIES = 3
#: wait this long after a 429 that says nothing about when to come back
DEFAULT_RETRY_WAIT = 1.0
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def check_page_walk(method: str) -> str:
    """Return ``method`` upper-cased if pages may be walked with it (GET only); raise BadInputError otherwise.

    A page walk sends the method again to every rel="next" link the server names: with a write, a server
    (or a tampered Link) would turn one confirmed call into many.
    """
    upper = method.upper()
    if upper != "GET":
        raise BadInputError(f"only GET walks pages; {upper} is sent once, never to every rel=\"next\" link",
                            hint=Hint("leave out --all", window="use Send"))
    return upper


@dataclass(frozen=True)
class ApiResponse:
    """One answer of the API: status, headers, body, and what was read from them."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str] = field(repr=False)
    content: bytes = field(repr=False)
    rate_limit: RateLimit
    request_id: str | None
    #: the rel="next" URL, only when it is on the same org (never follow a link elsewhere with our token)
    next_url: str | None
    elapsed: float
    problem: Problem | None = None
    #: how many 429 answers were waited through before this one
    retries: int = 0
    #: the headers that were sent, secrets redacted (``Authorization: DPoP [redacted]``)
    request_headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """Say whether the status is 2xx."""
        return 200 <= self.status < 300

    def json(self) -> Any:
        """Return the body parsed as JSON (None for an empty body); raise ApiError if it is not JSON."""
        if not self.content.strip():
            return None
        try:
            return loads_answer(self.content)
        except TooDeepError:
            raise ApiError(f"{self.method} {self.url} answered {self.status} with {TOO_DEEP}",
                           code="bad_answer") from None
        except ValueError:
            raise ApiError(f"{self.method} {self.url} answered {self.status} with a body that is not JSON",
                           code="not_json") from None

    def items(self) -> list[Any]:
        """Return the page's items: the JSON array, or the single JSON value as a one-item list."""
        data = self.json()
        if data is None:
            return []
        return data if isinstance(data, list) else [data]


class ApiClient:
    """Calls one org's API with tokens from ``token_source``; thread-safe apart from the session it is given."""

    def __init__(self, org_url: str, session: requests.Session, token_source: Callable[[], TokenResponse] | None, *,
                 dpop: ProofSigner | None = None, nonces: NonceStore | None = None,
                 timeout: tuple[float, float] = (10.0, 30.0), max_wait: float = MAX_WAIT,
                 max_retries: int = MAX_RETRIES, context: ExplainContext | None = None,
                 scope_lookup: Callable[[str, str], tuple[str, ...]] | None = None,
                 renew_token: Callable[[], TokenResponse] | None = None,
                 clock: Callable[[], float] = time.time, max_body: int = MAX_BODY_BYTES,
                 extra_headers: Mapping[str, str] | None = None) -> None:
        self.org_url = check_url(org_url.rstrip("/"))
        #: the largest answer body read, in bytes (larger answers fail with a clear NetworkError)
        self.max_body = max_body
        self.session = session
        #: where access tokens come from; None for the public endpoints (keys, metadata): no Authorization
        self.token_source = token_source
        self.dpop = dpop
        self.nonces = nonces or NonceStore()
        self.timeout = timeout
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.context = context or ExplainContext()
        self.scope_lookup = scope_lookup
        #: fetches a new token past the cache; called once when the server says the token is no good
        self.renew_token = renew_token
        self.clock = clock
        #: headers every call carries besides ours (the Console's header table); Authorization and DPoP win
        self.extra_headers = {k: v for k, v in (extra_headers or {}).items()
                              if k.lower() not in ("authorization", "dpop", "content-type")}

    def target(self, method: str, path: str) -> tuple[str, str]:
        """Return the upper-case method and absolute URL of a request; raise BadInputError for either."""
        return request_target(self.org_url, method, path)

    def send(self, method: str, path: str, *, body: Any = None, cancel: threading.Event | None = None,
             context: ExplainContext | None = None) -> ApiResponse:
        """Send one request (waiting through 429s, answering DPoP nonce challenges); return the answer."""
        method, url = self.target(method, path)
        data = dumps_compact(body).encode("utf-8") if body is not None else None
        retries = 0
        nonce_retried = renewed = False
        while True:
            if cancel is not None and cancel.is_set():
                raise CancelledError("cancelled")
            started = time.perf_counter()
            response, content, sent = self._send_once(method, url, data)
            elapsed = time.perf_counter() - started
            headers = response.headers
            if self.nonces.remember(url, headers) and not nonce_retried and response.status_code in (400, 401) \
                    and _challenge_error(headers) == "use_dpop_nonce":
                nonce_retried = True
                continue
            if response.status_code == 401 and self.renew_token is not None and self.token_source is not None \
                    and not renewed \
                    and _token_refused(headers, content):
                renewed = True  # revoked, or issued by a server that has since restarted (the sandbox)
                self.renew_token()
                continue
            if response.status_code == 429 and retries < self.max_retries:
                wait = seconds_until_retry(headers, self.clock())
                wait = DEFAULT_RETRY_WAIT if wait is None else wait
                if wait <= self.max_wait:
                    retries += 1
                    if _wait(wait, cancel):
                        raise CancelledError("cancelled while waiting for the rate limit to reset")
                    continue
            return self._answer(method, url, response, content, elapsed, retries, context, sent)

    def call(self, method: str, path: str, *, body: Any = None, cancel: threading.Event | None = None) -> ApiResponse:
        """Send one request; raise ApiError (explained) when the answer is an error."""
        response = self.send(method, path, body=body, cancel=cancel)
        if response.problem is not None:
            raise self._error(response)
        return response

    def pages(self, method: str, path: str, *, body: Any = None,
              cancel: threading.Event | None = None) -> Iterator[ApiResponse]:
        """Yield the first page and every rel="next" page after it, as each arrives; raise ApiError on an error.

        Only GET walks pages (BadInputError before any call otherwise); links to another origin are not followed.
        """
        check_page_walk(method)
        url: str | None = path
        seen: set[str] = set()
        while url is not None:
            response = self.call(method, url, body=body, cancel=cancel)
            yield response
            seen.add(response.url)
            url = response.next_url
            # System Log polling always links a next page: an empty page, or a link back, ends the walk
            if url in seen or (url is not None and len(response.content) < 16
                               and response.content.strip() in (b"[]", b"")):
                url = None

    def _send_once(self, method: str, url: str,
                   data: bytes | None) -> tuple[requests.Response, bytes, dict[str, str]]:
        import requests

        headers = {"Accept": "application/json", **self.extra_headers}
        token = self.token_source() if self.token_source is not None else None
        if token is not None:
            headers["Authorization"] = f"{token.scheme} {token.access_token}"
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token is not None and token.is_dpop:
            if self.dpop is None:
                raise BadInputError("the token is DPoP-bound but no DPoP key was given to sign proofs",
                                    hint="ask for the token and call the API with the same DPoP key")
            headers["DPoP"] = self.dpop.proof(method, url, nonce=self.nonces.get(url),
                                              access_token=token.access_token)
        try:
            response = self.session.request(method, url, data=data, headers=headers, timeout=self.timeout,
                                            allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            raise explain_network_error(exc, url) from None
        return response, read_body(response, url, self.max_body, seconds=self.timeout[1]), headers

    def _answer(self, method: str, url: str, response: requests.Response, body: bytes, elapsed: float, retries: int,
                context: ExplainContext | None, sent: dict[str, str]) -> ApiResponse:
        headers = response.headers
        problem = None
        if response.status_code >= 400:
            ctx = context or self._context_for(method, url)
            problem = parse_problem(response.status_code, headers, body, source="api", context=ctx)
        link = next_link(headers.get("Link"))
        if link is not None:
            link = urljoin(url, link)
            if origin_of(link) != origin_of(self.org_url):
                link = None
        return ApiResponse(method, url, response.status_code, headers, body, parse_rate_limit(headers),
                           headers.get("X-Okta-Request-Id"), link, elapsed, problem, retries, redact_headers(sent))

    def _context_for(self, method: str, url: str) -> ExplainContext:
        path = urlsplit(url).path
        required: tuple[str, ...] = ()
        if self.scope_lookup is not None:
            try:
                required = self.scope_lookup(method, path)
            except OktaToolError:
                required = ()  # an endpoint the catalog lacks: the server's challenge may still name the scope
        return replace(self.context, method=method, path=path, required_scopes=required)

    def _error(self, response: ApiResponse) -> ApiError:
        problem = response.problem
        assert problem is not None
        hint = problem.hint()
        if response.status == 429:
            wait = seconds_until_retry(response.headers, self.clock())
            if response.retries >= self.max_retries:
                note = f"still limited after waiting {response.retries} time(s)"
            elif wait is not None:
                waits = f"the limit resets in {wait:.0f} s, longer than the {self.max_wait:.0f} s this client waits"
                note = Hint(f"{waits} (--max-wait)", window=waits)
            else:
                note = "the server did not say when the limit resets"
            hint = joined([hint, note], "\n") if hint else note
        return ApiError(problem.message(), hint=hint, code=problem.error or f"http_{problem.status}")


#: org endpoints anyone may GET without a token: the org authorization server's keys and metadata
_PUBLIC_PATH = re.compile(r"^(?:/oauth2(?:/[^/]+)?)?(?:/v1/keys|/\.well-known/[^/]+)$")


def is_public_endpoint(method: str, path: str) -> bool:
    """Say whether ``method path`` is a public read (``/oauth2/v1/keys``, ``/.well-known/*``): no token needed."""
    bare = urlsplit(path).path
    return method.upper() in ("GET", "HEAD") and bool(_PUBLIC_PATH.match("/" + bare.lstrip("/")))


def org_url_for(org_url: str, path: str) -> str:
    """Return the absolute URL of ``path`` on ``org_url``; refuse a URL on another host (the token goes there)."""
    check_path(path)
    url = urljoin(org_url + "/", path.lstrip("/")) if not urlsplit(path).scheme else path
    if origin_of(url) != origin_of(org_url):
        raise BadInputError(f"{url} is not on the org {org_url}; the access token is sent only there",
                            hint="give a path such as /api/v1/users")
    return url


def request_target(org_url: str, method: str, path: str) -> tuple[str, str]:
    """Return the upper-case method and absolute URL of a request to ``org_url``: what is sent, or copied.

    Send and every copy of a request (curl, PowerShell, Python) go through here, so a copy is refused exactly
    as Send is: a path that leaves the org, a control character, an unknown method.
    """
    upper = method.upper()
    if upper not in METHODS:
        raise BadInputError(f"unknown HTTP method {method!r}", hint="use " + ", ".join(METHODS))
    return upper, org_url_for(org_url, path)


def check_path(path: str) -> str:
    """Return ``path``, or raise BadInputError when it holds control characters (URL parsing drops CR, LF, tab)."""
    bad = next((c for c in path if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise BadInputError(f"the path contains the control character {bad!r}; it would not be sent as typed",
                            hint="remove line breaks and tabs from the path; percent-encode them in a query (%0A)")
    return path


def _challenge_error(headers: Mapping[str, str]) -> str | None:
    for challenge in parse_www_authenticate(headers.get("WWW-Authenticate")):
        error = challenge.get("error")
        if error:
            return error
    return None


def _token_refused(headers: Mapping[str, str], body: bytes) -> bool:
    """Say whether a 401 means the access token itself is no good (not, say, a DPoP proof problem)."""
    return _challenge_error(headers) == "invalid_token" or b'"E0000011"' in body


def _wait(seconds: float, cancel: threading.Event | None) -> bool:
    """Sleep ``seconds``; return True at once if ``cancel`` is set meanwhile."""
    if cancel is not None:
        return cancel.wait(seconds)
    time.sleep(seconds)
    return False
