"""Apps whose keys are published at a URL (``settings.oauthClient.jwks_uri``): fetched at token time, as Okta does.

Okta accepts an https ``jwks_uri`` only and fetches it when a client assertion arrives; the sandbox also takes
plain http to a loopback address, so that a test (or a user trying the flow) can serve the set on this computer.
It keeps any https URL as Okta does but fetches only from this computer (loopback by address or ``localhost``):
a local org is no way to make requests to other hosts.
The three ways the fetch fails answer Okta's three ``invalid_client`` errors.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from oktatool.sandbox.messages import validation_failed

NO_KEY = "The client JWKSet from jwks_uri must contain at least one key."
AMBIGUOUS_KEYS = "All keys in the client JWKSet from jwks_uri must have a unique kid."
FETCH_FAILED = "Error retrieving the client JWKSet from jwks_uri."
#: a key set is a few kB; more is not one
MAX_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0


class JwksUriFailed(Exception):
    """Fetching or reading an app's jwks_uri failed; ``description`` is Okta's error for it."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_jwks_uri(value: Any) -> str:
    """Return a jwks_uri an app may be given (https, or http to loopback here); raise Okta's E0000001 if not."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or not parts.hostname or parts.scheme not in ("https", "http"):
        raise validation_failed("jwks_uri", "The jwks_uri must be a valid https URL.")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise validation_failed("jwks_uri", "The jwks_uri must be a valid https URL.")
    return str(value)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer that is not the key set


def fetch_keys(url: str) -> list[dict[str, Any]]:
    """Return the JWKs an app's jwks_uri serves (verified TLS); raise JwksUriFailed with Okta's error."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):  # checked when the app was given it; never file: or others
        raise JwksUriFailed(FETCH_FAILED)
    if not _loopback(parts.hostname or ""):
        # a local org never calls out: whoever can make an app here must not reach other hosts through it (SSRF)
        raise JwksUriFailed(FETCH_FAILED)
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect(), urllib.request.ProxyHandler({}),  # reached directly
                                                   urllib.request.HTTPSHandler(context=ssl.create_default_context())]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"Accept": "application/json",  # noqa: S310 - http(s) only
                                                   "User-Agent": "Okta sandbox"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            if answer.status != 200:
                raise JwksUriFailed(FETCH_FAILED)
            body = answer.read(MAX_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError):
        raise JwksUriFailed(FETCH_FAILED) from None
    if len(body) > MAX_BYTES:
        raise JwksUriFailed(FETCH_FAILED)
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise JwksUriFailed(FETCH_FAILED) from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise JwksUriFailed(FETCH_FAILED)
    keys = [key for key in keys if isinstance(key, dict)]
    if not keys:
        raise JwksUriFailed(NO_KEY)
    kids = [key.get("kid") for key in keys]
    if len(set(map(str, kids))) != len(kids):
        raise JwksUriFailed(AMBIGUOUS_KEYS)
    return keys


def refuse_both(keys: list[Any], jwks_uri: Any) -> None:
    """Refuse an app body that gives saved keys and a jwks_uri at once (Okta takes one or the other)."""
    if keys and jwks_uri:
        raise validation_failed("jwks", "Provide either jwks or jwks_uri, not both.")
