"""The one way oktatool talks HTTP: a requests Session with the OS trust store, timeouts and clear errors.

TLS is always verified (the OS trust store through truststore, plus an optional CA bundle); plain http
is allowed only to loopback addresses. Network failures become ``NetworkError`` with a message that
says what failed and never repeats a token or an assertion.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oktatool import __version__
from oktatool.core.errors import BadInputError, Hint, NetworkError, shorten
from oktatool.core.okta.deadline import RequestDeadline

#: the fix for an answer that did not come in time
_SLOW = Hint("try again; raise --timeout for slow endpoints", window="try again")

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

USER_AGENT = f"oktatool/{__version__}"

#: header names whose values are secrets and never shown, logged or stored
SECRET_HEADERS = frozenset({"authorization", "dpop", "cookie", "set-cookie", "proxy-authorization"})
#: form or JSON members whose values are secrets
SECRET_FIELDS = ("client_assertion", "access_token", "refresh_token", "id_token", "client_secret", "password")


#: the largest answer body read by default: a page of 200 users is about 1 MB, a System Log page of 1,000
#: events about 5 MB; anything far past that is a broken or hostile server, not an Okta answer
MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class HttpOptions:
    """How to connect: extra trusted CAs, timeouts in seconds, proxies from the environment, body cap in bytes."""

    ca_bundle: Path | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    trust_env: bool = True
    max_body_bytes: int = MAX_BODY_BYTES

    @property
    def timeout(self) -> tuple[float, float]:
        """Return the (connect, read) timeout pair requests takes."""
        return (self.connect_timeout, self.read_timeout)


def is_loopback_host(host: str) -> bool:
    """Return True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    # not *.localhost: glibc (hosts: files dns) asks DNS for those names, which may answer anything
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Return ``url`` if it is https, or http to a loopback address; raise BadInputError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise BadInputError(f"not an http(s) URL: {shorten(url)!r}", hint="use https://host/path")
    authority = url.split("//", 1)[1].split("/", 1)[0] if "//" in url else ""
    if "\\" in authority or "@" in parts.netloc:
        # http://evil.example\@127.0.0.1/ is 127.0.0.1 to Python's urlsplit but evil.example to urllib3 and
        # browsers; a user name in a URL is never needed here, so neither form is accepted
        if "\\" in authority:
            other = authority.replace("\\", "/").split("/", 1)[0].split(":")[0]
            reason = (f"a backslash in its host part makes programs disagree about the host: {parts.hostname} "
                      f"to some, {other} to others (browsers and urllib3)")
        else:
            reason = f"it names a user before '@' (the host is {parts.hostname}); oktatool never sends one in a URL"
        raise BadInputError(f"refused the URL {shorten(url)}: {reason}",
                            hint="give the URL as https://host/path, with no user name, '@' or backslash")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise BadInputError(
            f"plain http is allowed only to this computer (loopback), not to {parts.hostname}",
            hint=f"use https://{parts.netloc}{shorten(parts.path)}",
        )
    return url


def _refuse_plain_http(url: str, *, redirected_by: str | None = None) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname or ""):
        if redirected_by is not None:
            raise NetworkError(f"{redirected_by} redirected to plain http at {parts.hostname}; the redirect was "
                               "not followed: http is allowed only to this computer (loopback)",
                               hint="use a URL that answers over https without leaving it",
                               code="plain_http_refused")
        raise NetworkError(f"refused to send a request over plain http to {parts.hostname}: http is allowed only "
                           "to this computer (loopback)", hint=f"use https://{parts.netloc}", code="plain_http_refused")


def _refuse_redirect(source: str, target: str) -> None:
    """Raise NetworkError for a redirect from https to http, or from another computer to this one (loopback)."""
    _refuse_plain_http(target, redirected_by=urlsplit(source).netloc)
    src, dst = urlsplit(source), urlsplit(target)
    if src.scheme.lower() == "https" and dst.scheme.lower() == "http":
        reason = "from https to plain http"
    elif is_loopback_host(dst.hostname or "") and not is_loopback_host(src.hostname or ""):
        reason = "from another computer to this one (loopback)"  # a server reaching round to local services
    else:
        return
    raise NetworkError(f"{src.netloc} redirected {reason}, to {dst.netloc}; the redirect was not followed",
                       hint="use a URL that answers over https without leaving it", code="redirect_refused")


def _headers_as_given(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def check_ca_bundle(ca_bundle: Path) -> None:
    """Raise BadInputError unless ``ca_bundle`` is a file of CA certificates that TLS can load."""
    _load_ca_bundle(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), ca_bundle)


def _load_ca_bundle(context: ssl.SSLContext, ca_bundle: Path) -> None:
    try:
        context.load_verify_locations(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as exc:
        raise BadInputError(f"cannot load the CA bundle {ca_bundle}: {exc}",
                            hint="give a PEM file of CA certificates") from None


def _ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    import truststore

    context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle is not None:
        _load_ca_bundle(context, ca_bundle)
    return context


#: the deadline of the request this thread is sending (the connections below register with it)
_sending = threading.local()
#: where a response's deadline travels to read_body
_DEADLINE = "_oktatool_deadline"


def _deadline_of(response: requests.Response) -> RequestDeadline | None:
    deadline = getattr(response, _DEADLINE, None)
    return deadline if isinstance(deadline, RequestDeadline) else None


def _watched_pools() -> dict[str, type[Any]]:
    """Return urllib3 pool classes whose connections register their sockets with the sending thread's deadline."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _WatchedHTTPConnection(HTTPConnection):
        #: the deadline this connection's socket is registered with
        watched_by: RequestDeadline | None = None

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            self._register(sock)  # before the TLS handshake, which reads from it too
            return sock

        def request(self, *args: Any, **kwargs: Any) -> None:
            if self.watched_by is not getattr(_sending, "deadline", None):
                self._register(self.sock)  # a connection kept alive from an earlier request
            super().request(*args, **kwargs)

        def _register(self, sock: socket.socket | None) -> None:
            deadline: RequestDeadline | None = getattr(_sending, "deadline", None)
            if deadline is not None:
                deadline.watch(sock)
            self.watched_by = deadline

    class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
        pass

    class _WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = _WatchedHTTPConnection

    class _WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _WatchedHTTPSConnection

    return {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def new_session(options: HttpOptions | None = None) -> requests.Session:
    """Return a Session that verifies TLS against the OS trust store (+ ``options.ca_bundle``)."""
    import requests
    from requests.adapters import HTTPAdapter

    options = options or HttpOptions()
    context = _ssl_context(options.ca_bundle)
    pools = _watched_pools()

    class _TrustStoreAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["ssl_context"] = context
            manager = super().proxy_manager_for(*args, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            # The context above already holds the trust anchors; keep requests from adding certifi's.
            super().cert_verify(conn, url, True, cert)  # type: ignore[no-untyped-call]
            conn.ca_certs = None
            conn.ca_cert_dir = None

    class _LoopbackHttpOnlySession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            #: the proxy variables' answer for each origin (requests reads them anew for every request, ~1 ms;
            #: a running process's environment does not change under it)
            self._environ_proxies: dict[tuple[str, str, str | None], dict[str, str]] = {}

        def merge_environment_settings(self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any,
                                       cert: Any) -> Any:
            if not self.trust_env:
                return super().merge_environment_settings(url, proxies, stream, verify, cert)
            from requests.sessions import merge_setting
            from requests.utils import get_environ_proxies

            merge: Callable[[Any, Any], Any] = merge_setting  # requests' own (untyped) merge
            text = url.decode() if isinstance(url, bytes) else url or ""
            parts = urlsplit(text)
            no_proxy = proxies.get("no_proxy") if proxies is not None else None
            key = (parts.scheme, parts.netloc, no_proxy)
            found = self._environ_proxies.get(key)
            if found is None:
                found = self._environ_proxies[key] = get_environ_proxies(text, no_proxy=no_proxy)
            proxies = {**found, **(proxies or {})}
            if verify is True or verify is None:  # as requests does: its CA variables (cert_verify keeps ours)
                verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or verify
            return {"proxies": merge(proxies, self.proxies), "stream": merge(stream, self.stream),
                    "verify": merge(verify, self.verify), "cert": merge(cert, self.cert)}

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            # every hop passes here, redirects included: a server cannot send us to plain http elsewhere
            _refuse_plain_http(request.url or "")
            if is_loopback_host(urlsplit(request.url or "").hostname or ""):
                # this computer is never reached through HTTP(S)_PROXY: the proxy would see tokens and
                # assertions sent over plain http, and could not reach our loopback anyway
                kwargs["proxies"] = {}
                request.headers.pop("Proxy-Authorization", None)
            seconds = read_seconds(kwargs.get("timeout"))
            deadline = RequestDeadline(seconds) if seconds is not None else None
            outer = getattr(_sending, "deadline", None)
            _sending.deadline = deadline
            try:
                response = super().send(request, **{**kwargs, "stream": True})
                if deadline is not None and deadline.expired:  # http.client takes a cut-off as the headers' end
                    response.close()
                    raise requests.exceptions.ReadTimeout(f"no complete answer within {seconds:g} s")
            except requests.RequestException:
                if deadline is not None:
                    deadline.done()
                    if deadline.expired:  # the watchdog ended it: say so as a timeout, the usual message
                        raise requests.exceptions.ReadTimeout(f"no answer within {seconds:g} s") from None
                raise
            finally:
                _sending.deadline = outer
            setattr(response, _DEADLINE, deadline)
            if not kwargs.get("stream"):
                read_body(response, request.url or "", seconds=seconds)
            # else the caller reads the body with read_body(), on the same deadline
            return response

        def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
            # called for every redirect hop before it is sent: say that a server sent us there
            deadline = _deadline_of(response)
            if deadline is not None:
                deadline.done()  # the hop's answer was read; its connection may carry the next hop
            _refuse_redirect(response.url or "", prepared_request.url or "")
            # what requests does on a redirect, minus adding ~/.netrc credentials
            if "Authorization" in prepared_request.headers and self.should_strip_auth(  # type: ignore[no-untyped-call]
                    response.request.url or "", prepared_request.url or ""):
                del prepared_request.headers["Authorization"]

    session = _LoopbackHttpOnlySession()
    # any auth object keeps requests from reading ~/.netrc, whose Basic credentials would replace our
    # Authorization header (SSWS, Bearer or DPoP); this one leaves the request as it is
    session.auth = _headers_as_given
    session.trust_env = options.trust_env
    session.headers["User-Agent"] = USER_AGENT
    session.mount("https://", _TrustStoreAdapter())
    session.mount("http://", _TrustStoreAdapter())  # loopback only; its connections keep the deadline too
    return session


def megabytes(size: int) -> str:
    """Return ``size`` bytes as a short text (``32 MB``, ``512 KB``)."""
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def body_too_large(url: str, limit: int) -> NetworkError:
    """Return the error for an answer larger than ``limit`` bytes."""
    host = urlsplit(url).netloc or url
    return NetworkError(f"the answer from {host} is larger than {megabytes(limit)}; it was not read",
                        hint=Hint("ask for smaller pages (e.g. ?limit=200), or raise the cap with --max-body MB",
                                  window="ask for smaller pages (e.g. ?limit=200)"),
                        code="body_too_large")


def read_seconds(timeout: Any) -> float | None:
    """Return the read part of a requests timeout (a number or a (connect, read) pair), or None."""
    value = timeout[1] if isinstance(timeout, tuple) else timeout
    return float(value) if isinstance(value, int | float) else None


def read_body(response: requests.Response, url: str, limit: int = MAX_BODY_BYTES, *,
              seconds: float | None = None) -> bytes:
    """Read a streamed answer's whole body (decompressed): at most ``limit`` bytes, within ``seconds``.

    The response must come from ``stream=True``. Past the cap the connection is closed unread, so a huge
    answer never fills memory; urllib3 (>= 2.6) decompresses in bounded steps, so a compressed bomb is
    stopped too. A per-read timeout never fires on a body that trickles in a byte a second, so the body as
    a whole gets ``seconds`` as well. A body cut short, a reset or a bad encoding is a NetworkError, never
    a stray urllib3 exception.
    """
    whole = _deadline_of(response)
    try:
        return _read_body(response, url, limit, seconds, whole)
    finally:
        if whole is not None:
            whole.done()


def _read_body(response: requests.Response, url: str, limit: int, seconds: float | None,
               whole: RequestDeadline | None) -> bytes:
    from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, ReadTimeoutError

    host = urlsplit(url).netloc or url
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise body_too_large(url, limit)
    deadline = None if seconds is None else time.monotonic() + seconds
    if whole is not None:  # the request's own deadline, counted from before it connected
        deadline, seconds = min(deadline or whole.at, whole.at), whole.seconds
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # one socket read per call (urllib3 >= 2.3)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = read1(65536, decode_content=True) if read1 else raw.read(65536, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise body_too_large(url, limit)
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise NetworkError(f"{host} did not finish its answer in time ({size:,} bytes in {seconds:g} s)",
                                   hint=_SLOW, code="read_timeout")
        if whole is not None and whole.expired:  # shut down at the deadline: the end seen was not the body's
            raise NetworkError(f"{host} did not finish its answer in time ({size:,} bytes in {seconds:g} s)",
                               hint=_SLOW, code="read_timeout")
    except (NetworkError, HTTPError, OSError) as exc:
        response.close()  # the connection is in an unknown state: never reuse it
        if isinstance(exc, NetworkError):
            raise
        if whole is not None and whole.expired:
            raise NetworkError(f"{host} did not finish its answer in time ({size:,} bytes in {seconds:g} s)",
                               hint=_SLOW, code="read_timeout") from None
        if isinstance(exc, ReadTimeoutError):
            raise NetworkError(f"{host} did not answer in time (read timeout)",
                               hint=_SLOW, code="read_timeout") from None
        if isinstance(exc, ProtocolError):
            raise NetworkError(f"the answer from {host} was cut off before its end", hint="try again",
                               code="truncated_answer") from None
        if isinstance(exc, DecodeError):
            raise NetworkError(f"the answer from {host} could not be decompressed", code="bad_answer") from None
        raise NetworkError(f"reading the answer from {host} failed ({type(exc).__name__})", code="network") from None
    body = b"".join(chunks)
    # what requests' own read leaves behind (.content/.json() work); the connection goes back to the pool
    response._content = body
    setattr(response, "_content_consumed", True)  # noqa: B010 - a private member types-requests does not declare
    return body


#: the org host the examples and help use; a user who typed it copied an example
EXAMPLE_ORG_HOST = "dev-123456.okta.com"


def _check_hint(what: str, hostname: str) -> str:
    """Return the "check what you typed" hint for ``what`` (the org URL, the JWKS URL) and its host."""
    if hostname == EXAMPLE_ORG_HOST:
        return f"{EXAMPLE_ORG_HOST} is the example host; use your own org's (the Admin Console address without -admin)"
    if what == ORG_URL:
        return f"check {what} for typos (e.g. {EXAMPLE_ORG_HOST}), your network or proxy"
    return f"check {what} for typos, your network or proxy"


#: how explain_network_error names the URL by default
ORG_URL = "the org URL"


def explain_network_error(exc: BaseException, url: str, *, what: str = ORG_URL) -> NetworkError:
    """Turn a requests/urllib3 exception into a NetworkError that says what failed and what to try.

    ``what`` names where the URL came from (``the org URL``, ``the JWKS URL``) so the hint fits what was typed.
    """
    import requests

    host = urlsplit(url).netloc or url
    hostname = urlsplit(url).hostname or host
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text.lower():
            return NetworkError(
                f"the TLS certificate of {host} could not be verified",
                hint=Hint("if a proxy inspects TLS, give its CA with --ca-bundle FILE; never turn verification off",
                         window="if a proxy inspects TLS, give its CA bundle in Edit profiles…; never turn "
                                "verification off"),
                code="tls_verify_failed",
            )
        return NetworkError(f"TLS handshake with {host} failed", code="tls_failed")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetworkError(f"connecting to {host} timed out", hint=_check_hint(what, hostname),
                            code="connect_timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return NetworkError(f"{host} did not answer in time (read timeout)",
                            hint=_SLOW, code="read_timeout")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return NetworkError(f"the answer from {host} was cut off before its end", hint="try again",
                            code="truncated_answer")
    if isinstance(exc, requests.exceptions.ProxyError):
        return NetworkError(f"the proxy refused or failed the connection to {host}",
                            hint="check HTTPS_PROXY / NO_PROXY", code="proxy")
    if isinstance(exc, requests.exceptions.ConnectionError):
        lowered = text.lower()
        if "name or service not known" in lowered or "nodename nor servname" in lowered or \
                "getaddrinfo failed" in lowered or "failed to resolve" in lowered or \
                "temporary failure in name resolution" in lowered or "no address associated" in lowered:
            return NetworkError(f"the host name {hostname} does not resolve", hint=_check_hint(what, hostname),
                                code="dns")
        if "refused" in lowered:
            return NetworkError(f"{host} refused the connection", hint="is the server (or sandbox) running?",
                                code="connection_refused")
        if "reset" in lowered or "aborted" in lowered or "remotedisconnected" in lowered:
            return NetworkError(f"{host} closed the connection before answering", hint="try again",
                                code="connection_reset")
        return NetworkError(f"cannot connect to {host}", hint=_check_hint(what, hostname),
                            code="connection_failed")
    return NetworkError(f"the request to {host} failed ({type(exc).__name__})", code="network")


_SECRET_NAMES = "|".join(SECRET_FIELDS)
#: a JSON member ("name": "value" with escapes, or a bare value) or a form field (name=value up to & or space)
_SECRET_FIELD_RE = re.compile(
    r'(?P<json>"(?:' + _SECRET_NAMES + r')"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[^\s,}\]]+)'
    r"|(?P<form>\b(?:" + _SECRET_NAMES + r")\s*[=:]\s*)[^&\s,}]+"
)


def redact_text(text: str) -> str:
    """Replace the values of secret form/JSON members in ``text`` with a marker (whole JSON strings)."""
    return _SECRET_FIELD_RE.sub(
        lambda m: f'{m.group("json")}"[redacted]"' if m.group("json") else f'{m.group("form")}[redacted]', text)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Return a copy of ``headers`` with secret values replaced (scheme kept: ``DPoP [redacted]``)."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower() == "authorization" and " " in value else ""
            shown[name] = f"{scheme} [redacted]".strip()
        else:
            shown[name] = value
    return shown
