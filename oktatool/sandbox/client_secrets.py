"""Client secrets of OAuth apps: /api/v1/apps/{appId}/credentials/secrets and how the token endpoint checks them.

An app whose ``token_endpoint_auth_method`` is ``client_secret_basic`` or ``client_secret_post`` gets a secret
when it is made (shown once, in the creation answer); switching it to ``private_key_jwt`` needs a saved key
and deletes its secrets, as Okta does. The org keeps only a hash of each secret and the masked form Okta lists,
never the secret itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import unquote

from oktatool.sandbox.messages import Request, nested, validation_failed
from oktatool.sandbox.store import App, OrgStore, now_text

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
KEY_METHOD = "private_key_jwt"
#: what the sandbox answers for a private_key_jwt app without a key, made or switched (one wording for both)
NO_KEY_CAUSE = "The private_key_jwt client authentication method requires at least one public key in jwks."


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def masked(secret: str) -> str:
    """Return the secret as Okta lists it: its start and end with ``......`` between."""
    return f"{secret[:12]}......{secret[-4:]}"


def add_secret(store: OrgStore, app: App) -> str:
    """Give ``app`` a new ACTIVE secret and return it (the only time it is seen whole)."""
    secret = secrets.token_urlsafe(48)[:64]
    stamp = now_text()
    app.secrets.append({
        "id": store.ids.new("ocs"), "status": "ACTIVE", "client_secret": masked(secret),
        "secret_hash": base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()[:16]).decode().rstrip("="),
        "verifier": _digest(secret), "created": stamp, "lastUpdated": stamp,
    })
    return secret


def switch_auth_method(store: OrgStore, app: App, body: dict[str, Any]) -> str | None:
    """Apply a PUT's ``credentials.oauthClient.token_endpoint_auth_method``; return a new secret when one is made.

    To ``private_key_jwt``: refused without a saved key, and the app's secrets are deleted. To a secret method
    from ``private_key_jwt``: a new secret is made (returned, shown once).
    """
    method = nested(body, "credentials", "oauthClient", "token_endpoint_auth_method")
    if method is None or method == app.token_endpoint_auth_method:
        return None
    if method not in (*SECRET_METHODS, KEY_METHOD, "client_secret_jwt", "none"):
        raise validation_failed("token_endpoint_auth_method", "The value is not a supported method.")
    if method == KEY_METHOD:
        if not app.keys and not app.jwks_uri and not nested(body, "settings", "oauthClient", "jwks", "keys"):
            raise validation_failed("jwks", NO_KEY_CAUSE)
        app.secrets.clear()  # "switching to Public key/Private key deletes existing client secrets"
    app.token_endpoint_auth_method = method
    app.last_updated = now_text()
    if method in SECRET_METHODS and not app.secrets:
        return add_secret(store, app)
    return None


def _presented(request: Request, form: dict[str, str]) -> tuple[str, str, str] | None:
    """Return (method, client id, secret) the request authenticates with, or None when it sends no secret."""
    scheme, _, credential = (request.header("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "client_secret_basic", "", ""
        client_id, _, secret = pair.partition(":")
        return "client_secret_basic", unquote(client_id), unquote(secret)
    if "client_secret" in form:
        return "client_secret_post", form.get("client_id", ""), form["client_secret"]
    return None


def secret_client(store: OrgStore, request: Request, form: dict[str, str]) -> App | None:
    """Return the app a client secret authenticates (its method, its ACTIVE secret), or None when it does not."""
    presented = _presented(request, form)
    if presented is None:
        return None
    method, client_id, secret = presented
    app = store.apps.get(client_id)
    if app is None or app.status != "ACTIVE" or app.token_endpoint_auth_method != method:
        return None
    wanted = _digest(secret)
    if any(hmac.compare_digest(wanted, s["verifier"]) for s in app.secrets if s["status"] == "ACTIVE"):
        return app
    return None


def lifecycle_links(href: str, status: str) -> dict[str, Any]:
    """Return the links of an app's secret or saved key at ``href`` (OAuthClientSecretLinks): what its status
    allows, an ACTIVE one deactivating, an INACTIVE one activating or deleting."""
    if status == "ACTIVE":
        return {"deactivate": {"href": f"{href}/lifecycle/deactivate", "hints": {"allow": ["POST"]}}}
    return {"activate": {"href": f"{href}/lifecycle/activate", "hints": {"allow": ["POST"]}},
            "delete": {"href": href, "hints": {"allow": ["DELETE"]}}}


def secrets_json(app: App, base: str) -> list[dict[str, Any]]:
    """Return GET /api/v1/apps/{appId}/credentials/secrets: the app's secrets masked, as Okta's spec shapes them."""
    listed = []
    for secret in app.secrets:
        href = f"{base}/api/v1/apps/{app.id}/credentials/secrets/{secret['id']}"
        listed.append({name: secret[name] for name in ("id", "status", "client_secret", "secret_hash", "created",
                                                       "lastUpdated")} | {"_links": lifecycle_links(href,
                                                                                                  secret["status"])})
    return listed
