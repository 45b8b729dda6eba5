"""Keys published at a URL (an app's ``jwks_uri``): the JWKS document to serve, and the check before Okta fetches it.

Okta fetches the app's ``jwks_uri`` when a client assertion arrives and refuses the token request with one of
three errors (FACTS §3): an empty set, kids that are not unique, or a fetch that fails. ``check_jwks_url`` does
what Okta will do, before anything is switched: https with verified TLS, a JSON JWKS, unique kids, the signing
kid there, and public members only (a published private key is a leaked one).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oktatool.core.errors import BadInputError, Hint, KeyMaterialError, shorten

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

#: members of a JWK that only a private (or secret) key has
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


@dataclass(frozen=True)
class PublishedKeys:
    """What a jwks_uri answered: its URL and its public JWKs (kids unique)."""

    url: str
    keys: tuple[dict[str, Any], ...]

    @property
    def kids(self) -> tuple[str, ...]:
        """Return the kids of the published keys, in order."""
        return tuple(str(k.get("kid")) for k in self.keys)


def check_jwks_uri_text(url: str, *, allow_loopback_http: bool = False) -> str:
    """Return ``url`` when Okta can fetch it (https); a URL on this computer (loopback, over http too) only when
    allowed: the org runs here (the sandbox). No other org can fetch it, and none may have us fetch it."""
    from oktatool.core.okta.http import check_url, is_loopback_host

    url = url.strip()
    parts = urlsplit(url)
    loopback = is_loopback_host(parts.hostname or "")
    if parts.scheme != "https" and not (allow_loopback_http and loopback and parts.scheme == "http"):
        raise BadInputError(f"a jwks_uri must be an https URL, not {shorten(url)!r}",
                            hint="Okta fetches the key set over https from the internet: publish it at https://…",
                            code="jwks_uri_not_https")
    if loopback and not allow_loopback_http:
        raise BadInputError(f"the jwks_uri {shorten(url)} is on this computer, where Okta cannot fetch it",
                            hint="Okta fetches the key set over https from the internet: publish it at https://…",
                            code="jwks_uri_on_this_computer")
    return check_url(url)


def check_jwks_url(url: str, kid: str | None, *, allow_loopback_http: bool = False,
                   http: HttpOptions | None = None) -> PublishedKeys:
    """Fetch ``url`` as Okta will and return its keys; raise an OktaToolError saying what Okta would refuse.

    ``kid`` is the kid the app signs with (None: only the set itself is checked). TLS is always verified;
    ``allow_loopback_http`` lets a test (or the local sandbox) serve the set over plain http on loopback.
    """
    from oktatool.core.jose.verify import fetch_jwks_body
    from oktatool.core.okta.http import HttpOptions

    url = check_jwks_uri_text(url, allow_loopback_http=allow_loopback_http)
    body = fetch_jwks_body(url, http or HttpOptions())
    published = parse_published(url, body)
    if kid is not None and kid not in published.kids:
        raise KeyMaterialError(f"the key set at {shorten(url)} does not hold the signing kid {kid!r} "
                               f"(its kids: {', '.join(published.kids)})",
                               hint="publish the JWKS file that holds the new key there, then check again",
                               code="jwks_uri_kid_missing")
    return published


def parse_published(url: str, body: bytes) -> PublishedKeys:
    """Read a jwks_uri's answer: a JSON object with a non-empty ``keys`` list of public JWKs with unique kids."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise KeyMaterialError(f"the jwks_uri {shorten(url)} did not answer JSON, so Okta answers "
                               "\"Error retrieving the client JWKSet from jwks_uri.\"",
                               hint="serve the JWKS file as it was written (Content-Type: application/json)",
                               code="jwks_uri_error") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise KeyMaterialError(f"the jwks_uri {shorten(url)} answered JSON that is not a JWKS ({{\"keys\": [...]}})",
                               hint="serve the JWKS file oktatool wrote", code="jwks_uri_error")
    if not keys:
        raise KeyMaterialError(f"the key set at {shorten(url)} is empty: Okta answers \"The client JWKSet from "
                               "jwks_uri must contain at least one key.\"", hint="publish the public key there",
                               code="jwks_uri_no_key")
    kids = [k.get("kid") for k in keys]
    if any(not isinstance(kid, str) or not kid for kid in kids):
        raise KeyMaterialError(f"a key at {shorten(url)} has no kid", hint="every published key needs a kid",
                               code="jwks_uri_no_kid")
    repeated = sorted({str(kid) for kid in kids if kids.count(kid) > 1})
    if repeated:
        raise KeyMaterialError(f"the key set at {shorten(url)} repeats the kid {', '.join(repeated)}: Okta answers "
                               "\"All keys in the client JWKSet from jwks_uri must have a unique kid.\"",
                               hint="publish each key once, each with its own kid", code="jwks_uri_ambiguous_keys")
    private = [str(k["kid"]) for k in keys if any(m in k for m in _PRIVATE_MEMBERS)]
    if private:
        raise KeyMaterialError(f"the key set at {shorten(url)} publishes private key members (key {private[0]}): "
                               "anyone can read that URL, so that key is leaked",
                               hint=Hint("make a new key pair and publish only its public half "
                                         "(oktatool convert KEY --format jwks-public)",
                                         window="make a new key; publish only its Okta JWKS (the Keys tab's output)"),
                               code="jwks_uri_private_key")
    return PublishedKeys(url, tuple(keys))


def publish_document(keys: Sequence[Key | dict[str, Any]]) -> dict[str, Any]:
    """Return the JWKS to publish: each key's Okta-ready public JWK once, in order (a JWK dict is taken as is)."""
    from oktatool.core.okta.apps import public_jwk

    published: list[dict[str, Any]] = []
    for key in keys:
        jwk = dict(key) if isinstance(key, dict) else public_jwk(key)
        if any(m in jwk for m in _PRIVATE_MEMBERS):
            raise KeyMaterialError("only public keys are published", code="jwks_uri_private_key")
        if all(p.get("kid") != jwk.get("kid") for p in published):
            published.append(jwk)
    if not published:
        raise BadInputError("no key to publish")
    return {"keys": published}


def publish_text(keys: Sequence[Key | dict[str, Any]]) -> str:
    """Return the JWKS file to publish, as text (pretty JSON and a final newline)."""
    return json.dumps(publish_document(keys), indent=2) + "\n"


#: what to tell a user about serving the file (shown beside the file name)
SERVE_HOW = ("serve it over https at the app's jwks_uri as application/json (any static host: a web server, "
             "an object store bucket or a CDN; Okta fetches it from the internet)")


def org_fetches_loopback(org: OrgUrl) -> bool:
    """Say whether the org runs on this computer (the sandbox): only such an org can fetch a loopback jwks_uri."""
    from oktatool.core.okta.http import is_loopback_host

    return is_loopback_host(org.host)
