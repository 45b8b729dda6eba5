"""The one way oktatool talks HTTP: a requests Session with the OS trust store, timeouts and clear errors.

TLS is always verified (the OS trust store through truststore, plus an optional CA bundle); plain http
is allowed only to loopback addresses. Network failures become ``NetworkError`` with a message that
says what failed and never repeats a token or an assertion.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oktatool import __version__
from oktatool.core.errors import BadInputError, NetworkError, shorten

if TYPE_CHECKING:
    import requests

USER_AGENT = f"oktatool/{__version__}"

#: header names whose values are secrets and never shown, logged or stored
SECRET_HEADERS = frozenset({"authorization", "dpop", "cookie", "set-cookie", "proxy-authorization"})
#: form or JSON members whose values are secrets
SECRET_FIELDS = ("client_assertion", "access_token", "refresh_token", "id_token", "client_secret", "password")


@dataclass(frozen=True)
class HttpOptions:
    """How to connect: extra trusted CAs, timeouts in seconds, proxies from the environment."""

    ca_bundle: Path | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    trust_env: bool = True

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
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise BadInputError(
            f"plain http is allowed only to this computer (loopback), not to {parts.hostname}",
            hint=f"use https://{parts.netloc}{shorten(parts.path)}",
        )
    return url


def _refuse_plain_http(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname or ""):
        raise NetworkError(f"refused to send a request over plain http to {parts.hostname}: http is allowed only "
                           "to this computer (loopback); this usually means a server redirected from https to http",
                           hint="use the https URL; never follow a server to plain http", code="plain_http_refused")


def _headers_as_given(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    import truststore

    context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise BadInputError(f"cannot load the CA bundle {ca_bundle}: {exc}",
                                hint="give a PEM file of CA certificates") from None
    return context


def new_session(options: HttpOptions | None = None) -> requests.Session:
    """Return a Session that verifies TLS against the OS trust store (+ ``options.ca_bundle``)."""
    import requests
    from requests.adapters import HTTPAdapter

    options = options or HttpOptions()
    context = _ssl_context(options.ca_bundle)

    class _TrustStoreAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["ssl_context"] = context
            return super().proxy_manager_for(*args, **kwargs)

        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            # The context above already holds the trust anchors; keep requests from adding certifi's.
            super().cert_verify(conn, url, True, cert)  # type: ignore[no-untyped-call]
            conn.ca_certs = None
            conn.ca_cert_dir = None

    class _LoopbackHttpOnlySession(requests.Session):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            # every hop passes here, redirects included: a server cannot send us to plain http elsewhere
            _refuse_plain_http(request.url or "")
            if kwargs.get("stream"):
                return super().send(request, **kwargs)
            response = super().send(request, **{**kwargs, "stream": True})
            read_body(response, _read_seconds(kwargs.get("timeout")), request.url or "")
            return response

        def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
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
    return session


def _read_seconds(timeout: Any) -> float | None:
    """Return the read part of a requests timeout (a number or a (connect, read) pair), or None."""
    value = timeout[1] if isinstance(timeout, tuple) else timeout
    return float(value) if isinstance(value, int | float) else None


def read_body(response: requests.Response, seconds: float | None, url: str) -> None:
    """Read ``response``'s whole body within ``seconds`` of its headers; raise NetworkError when it does not come.

    A per-read timeout never fires on a body that trickles in a byte a second, so the body as a whole has
    this deadline too. A body cut short of its Content-Length is a NetworkError as well, never a stray
    urllib3 exception.
    """
    from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, ReadTimeoutError

    host = urlsplit(url).netloc or url
    deadline = None if seconds is None else time.monotonic() + seconds
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # one socket read per call (urllib3 >= 2.3)
    chunks: list[bytes] = []
    try:
        while True:
            chunk = read1(65536, decode_content=True) if read1 else raw.read(1024, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                received = sum(len(c) for c in chunks)
                raise NetworkError(f"{host} did not finish its answer in time ({received:,} bytes in {seconds:g} s)",
                                   hint="try again; raise --timeout for slow endpoints", code="read_timeout")
    except (NetworkError, HTTPError, OSError) as exc:
        response.close()  # the connection is in an unknown state: never reuse it
        if isinstance(exc, NetworkError):
            raise
        if isinstance(exc, ReadTimeoutError):
            raise NetworkError(f"{host} did not answer in time (read timeout)",
                               hint="try again; raise --timeout for slow endpoints", code="read_timeout") from None
        if isinstance(exc, ProtocolError):
            raise NetworkError(f"the answer from {host} was cut off before its end", hint="try again",
                               code="truncated_answer") from None
        if isinstance(exc, DecodeError):
            raise NetworkError(f"the answer from {host} could not be decompressed", code="bad_answer") from None
        raise NetworkError(f"reading the answer from {host} failed ({type(exc).__name__})", code="network") from None
    # what requests' own read leaves behind; the connection goes back to the pool once the body is read
    response._content = b"".join(chunks)
    setattr(response, "_content_consumed", True)  # noqa: B010 - a private member types-requests does not declare


def explain_network_error(exc: BaseException, url: str) -> NetworkError:
    """Turn a requests/urllib3 exception into a NetworkError that says what failed and what to try."""
    import requests

    host = urlsplit(url).netloc or url
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text.lower():
            return NetworkError(
                f"the TLS certificate of {host} could not be verified",
                hint="if a proxy inspects TLS, give its CA with --ca-bundle FILE; never turn verification off",
                code="tls_verify_failed",
            )
        return NetworkError(f"TLS handshake with {host} failed", code="tls_failed")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetworkError(f"connecting to {host} timed out", hint="check the org URL, your network or proxy",
                            code="connect_timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return NetworkError(f"{host} did not answer in time (read timeout)",
                            hint="try again; raise --timeout for slow endpoints", code="read_timeout")
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
            return NetworkError(f"the host name {urlsplit(url).hostname} does not resolve",
                                hint="check the org URL for typos (e.g. dev-123456.okta.com)", code="dns")
        if "refused" in lowered:
            return NetworkError(f"{host} refused the connection", hint="is the server (or sandbox) running?",
                                code="connection_refused")
        if "reset" in lowered or "aborted" in lowered or "remotedisconnected" in lowered:
            return NetworkError(f"{host} closed the connection before answering", hint="try again",
                                code="connection_reset")
        return NetworkError(f"cannot connect to {host}", hint="check the org URL, your network or proxy",
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
