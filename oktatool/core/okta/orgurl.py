"""Okta org URLs: normalize what people paste into the one base URL every request and `aud` is built from.

Okta compares the client assertion's `aud` byte for byte with the token URL it was sent to
(FACTS.md §3, §4.5), so the base URL is normalized once here and everything else derives from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from oktatool.core.errors import OrgUrlError, shorten
from oktatool.core.okta.http import is_loopback_host

#: the org authorization server's token endpoint (FACTS.md §4.6); a custom AS cannot mint Okta API scopes
TOKEN_PATH = "/oauth2/v1/token"  # noqa: S105 - a URL path, not a secret

#: Okta's own domains; `{org}-admin.<one of these>` is the Admin Console, never the API host (FACTS.md §4.5)
OKTA_DOMAINS = ("okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil", "okta-miltest.com",
                "trex-govcloud.com")

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_CUSTOM_AS = re.compile(r"^/oauth2/(?!v1(?:/|$))(?P<server>[^/]+)")


@dataclass(frozen=True)
class OrgUrl:
    """A normalized Okta org URL: scheme, lower-case host and an optional port."""

    scheme: str
    host: str
    port: int | None = None

    @property
    def netloc(self) -> str:
        """Return host[:port] as it appears in URLs (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @cached_property
    def base(self) -> str:
        """Return ``scheme://host[:port]`` without a trailing slash."""
        return f"{self.scheme}://{self.netloc}"

    @cached_property
    def token_url(self) -> str:
        """Return the org authorization server's token URL, the exact `aud` of a client assertion."""
        return self.base + TOKEN_PATH

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` (which starts with a slash) on this org."""
        if not path.startswith("/"):
            path = "/" + path
        return self.base + path

    def __str__(self) -> str:
        return self.base


def _admin_console_fix(host: str) -> str | None:
    first, _, rest = host.partition(".")
    if first.endswith("-admin") and rest in OKTA_DOMAINS and len(first) > len("-admin"):
        return f"{first[: -len('-admin')]}.{rest}"
    return None


def _check_host(host: str, text: str) -> str:
    if ":" in host:  # an IPv6 literal; urlsplit already validated the brackets
        return host
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # a custom domain may be internationalized
        except UnicodeError:
            raise OrgUrlError(f"{shorten(text)!r} does not contain a valid host name",
                              hint="give your Okta domain, e.g. https://dev-123456.okta.com") from None
    labels = host.split(".")
    if not host or not all(_LABEL.fullmatch(label) for label in labels):
        raise OrgUrlError(f"{shorten(text)!r} does not contain a valid host name",
                          hint="give your Okta domain, e.g. https://dev-123456.okta.com")
    if len(labels) == 1 and host != "localhost":  # a client id or a typo, never an org's host
        raise OrgUrlError(f"{shorten(text)!r} is not a full host name (an Okta domain has dots)",
                          hint="give your Okta domain, e.g. https://dev-123456.okta.com")
    return host


def parse_org_url(text: str) -> OrgUrl:
    """Parse an org URL (``https://host``, a bare host, a trailing slash is fine) or raise OrgUrlError."""
    raw = text.strip()
    if not raw:
        raise OrgUrlError("the org URL is empty", hint="give your Okta domain, e.g. https://dev-123456.okta.com")
    candidate = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(candidate)
        port = parts.port
        hostname = parts.hostname
    except ValueError:
        raise OrgUrlError(f"{shorten(raw)!r} is not a valid URL",
                          hint="give your Okta domain, e.g. https://dev-123456.okta.com") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise OrgUrlError(f"the org URL must use https, not {parts.scheme}:", hint="use https://<your Okta domain>")
    if not hostname:
        raise OrgUrlError(f"{shorten(raw)!r} has no host name",
                          hint="give your Okta domain, e.g. https://dev-123456.okta.com")
    if "\\" in parts.netloc:  # evil.example\@127.0.0.1: urlsplit reads 127.0.0.1, urllib3 and browsers evil.example
        other = parts.netloc.split("\\", 1)[0].split(":")[0]
        raise OrgUrlError(f"refused the org URL {shorten(raw)}: a backslash in its host part makes programs disagree "
                          f"about the host ({hostname} to some, {other} to others)",
                          hint="give the org as https://host, e.g. https://dev-123456.okta.com")
    if parts.username is not None or parts.password is not None:
        raise OrgUrlError("the org URL must not contain a user name or password", hint=f"use https://{hostname}")
    host = _check_host(hostname.lower(), raw)
    suggestion = OrgUrl("https" if not is_loopback_host(host) else scheme, host, port).base

    custom = _CUSTOM_AS.match(parts.path)
    if custom:
        raise OrgUrlError(
            f"{shorten(raw)} is a custom authorization server ({shorten(custom.group('server'))}); only the org "
            "authorization server can mint access tokens with Okta API scopes",
            hint=f"use the org URL {suggestion} (token URL {suggestion}{TOKEN_PATH})",
            code="custom_authorization_server",
        )
    if parts.path not in ("", "/"):
        raise OrgUrlError(f"the org URL must not have a path ({shorten(parts.path)})", hint=f"use {suggestion}")
    if parts.query or parts.fragment or candidate.endswith(("?", "#")):
        raise OrgUrlError("the org URL must not have a query or fragment", hint=f"use {suggestion}")

    admin_fix = _admin_console_fix(host)
    if admin_fix:
        raise OrgUrlError(
            f"{host} is the Admin Console, not the API host of your org",
            hint=f"use https://{admin_fix} (without -admin)",
            code="admin_console_host",
        )
    if scheme == "http" and not is_loopback_host(host):
        raise OrgUrlError(f"plain http is allowed only for this computer (loopback), not for {host}",
                          hint=f"use {suggestion}")
    if (scheme, port) in (("https", 443), ("http", 80)):
        port = None
    return OrgUrl(scheme, host, port)
