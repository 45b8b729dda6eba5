"""The doctor's key checks for an app whose keys are published at a URL (jwks_uri): fetched as Okta fetches them,
with Okta's three errors (an empty set, kids not unique, a fetch that fails) and a missing kid explained."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import Hint, OktaToolError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

Add = Callable[[str, str, str, str], Any]

FETCH_FAILED = "Error retrieving the client JWKSet from jwks_uri."
#: what Okta answers for each way the pre-flight check refuses a set (the check's code -> Okta's description)
_OKTA_SAYS = {
    "jwks_uri_no_key": "The client JWKSet from jwks_uri must contain at least one key.",
    "jwks_uri_ambiguous_keys": "All keys in the client JWKSet from jwks_uri must have a unique kid.",
    "jwks_uri_kid_missing": "The client_assertion JWT kid is invalid.",
}
_PUBLISH = Hint("publish the key's public JWKS there (oktatool convert KEY --format jwks-public -o jwks.json, "
                "served over https as application/json)",
                window="save the key's Okta JWKS (Keys tab, or Save JWKS to publish… in New service "
                       "app) and serve it at that URL")


def jwks_uri_checks(url: str, kid: str | None, key: Key | None, org: OrgUrl, http: HttpOptions, add: Add) -> None:
    """Add the "jwks-kid" and "jwks-active" checks of a jwks_uri app: the URL fetched as Okta will."""
    from oktatool.core.okta.jwks_uri import check_jwks_url, org_fetches_loopback

    where = f"the app fetches its keys from {url}"
    try:
        published = check_jwks_url(url, kid, allow_loopback_http=org_fetches_loopback(org), http=http)
    except OktaToolError as exc:
        okta = _OKTA_SAYS.get(exc.code or "", FETCH_FAILED)
        fix = _PUBLISH if exc.code in _OKTA_SAYS else exc.hint or "make the URL answer the JWKS over https from the " \
                                                                  "internet"
        says = "" if okta in exc.description else f"; Okta answers \"{okta}\""  # said once, not twice
        add("jwks-kid", "fail", f"{where}: {exc.description}{says}", fix)
        add("jwks-active", "skip", "skipped: the key set at the URL is not usable", "")
        return
    kids = ", ".join(published.kids)
    if not kid:
        add("jwks-kid", "skip", f"{where} ({kids}); our key has no kid to look for", "")
        add("jwks-active", "skip", "skipped: our key has no kid", "")
        return
    jwk = next(k for k in published.keys if k.get("kid") == kid)
    if other_public_key(jwk, key):
        add("jwks-kid", "fail", f"{where}, which publishes kid {kid} for a different public key: Okta answers "
                                "\"The client_assertion signature is invalid.\"",
            "publish our public key under its kid, or sign with the key the URL publishes")
    else:
        add("jwks-kid", "pass", f"{where}, which publishes kid {kid} ({len(published.keys)} key(s): {kids})", "")
    add("jwks-active", "pass", "a key published at the URL is in use as long as the URL serves it", "")


def other_public_key(registered: Any, key: Key | None) -> bool:
    """Say whether a registered or published JWK is a different public key from ``key``'s (False when unknown)."""
    from oktatool.core.keys.key import load_key

    if key is None or not isinstance(registered, dict):
        return False
    members = {k: registered[k] for k in ("kty", "n", "e", "crv", "x", "y") if k in registered}
    try:
        theirs = load_key(json.dumps(members))
    except OktaToolError:
        return False
    return theirs.thumbprint() != key.thumbprint()
