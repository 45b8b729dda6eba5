"""API Services apps and their JWKS keys through Okta's Apps API, with Okta's key rules checked first.

``create_service_app`` posts the body Okta takes for an API Services app (OIDC ``oidc_client``, grant
``client_credentials``, ``token_endpoint_auth_method`` ``private_key_jwt`` and the public JWKS). The key
functions enforce Okta's rules before any change is sent (FACTS §5.2): every key has a kid, at most 50
keys, only an INACTIVE key can be deleted, and the ACTIVE key keeps a successor before it is deactivated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from oktatool.core.errors import ApiError, BadInputError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient

#: "You can add up to 50 signing keys per app" (FACTS §5.1)
MAX_KEYS = 50


@dataclass(frozen=True)
class ServiceApp:
    """What set-up and diagnosis need to know about an app integration."""

    id: str
    label: str
    status: str
    application_type: str
    grant_types: tuple[str, ...]
    auth_method: str
    dpop_required: bool
    #: the URL Okta fetches the app's public keys from (None: the keys are saved in Okta)
    jwks_uri: str | None = None

    @property
    def client_id(self) -> str:
        """Return the OAuth client id (for OAuth apps Okta uses the app id)."""
        return self.id

    @classmethod
    def from_json(cls, data: Any) -> ServiceApp:
        """Read an app from the Apps API's JSON; raise ApiError when it is not an app object."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ApiError("the Apps API answered something that is not an app", code="not_an_app")
        settings = (data.get("settings") or {}).get("oauthClient") or {}
        credentials = (data.get("credentials") or {}).get("oauthClient") or {}
        grants = settings.get("grant_types") or []
        return cls(id=data["id"], label=str(data.get("label", "")), status=str(data.get("status", "")),
                   application_type=str(settings.get("application_type", "")),
                   grant_types=tuple(str(g) for g in grants) if isinstance(grants, list) else (),
                   auth_method=str(credentials.get("token_endpoint_auth_method", "")),
                   dpop_required=settings.get("dpop_bound_access_tokens") is True,
                   jwks_uri=settings["jwks_uri"] if isinstance(settings.get("jwks_uri"), str) and
                   settings["jwks_uri"] else None)


@dataclass(frozen=True)
class AppKey:
    """One key of an app's JWKS credential."""

    id: str
    kid: str | None
    status: str
    kty: str
    alg: str | None
    created: str

    @classmethod
    def from_json(cls, data: Any) -> AppKey:
        """Read a key from the JWKS API's JSON."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ApiError("the JWKS API answered something that is not a key", code="not_a_key")
        kid = data.get("kid")
        alg = data.get("alg")
        return cls(id=data["id"], kid=kid if isinstance(kid, str) else None, status=str(data.get("status", "")),
                   kty=str(data.get("kty", "")), alg=alg if isinstance(alg, str) else None,
                   created=str(data.get("created", "")))

    @property
    def active(self) -> bool:
        """Say whether assertions may be signed with this key."""
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class ClientSecret:
    """One client secret of an app, as listed (the secret itself left out, even masked)."""

    id: str
    status: str
    created: str
    secret_hash: str

    @classmethod
    def from_json(cls, data: Any) -> ClientSecret:
        """Read a secret from the client secrets API's JSON."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ApiError("the client secrets API answered something that is not a secret", code="not_a_secret")
        return cls(id=data["id"], status=str(data.get("status", "")), created=str(data.get("created", "")),
                   secret_hash=str(data.get("secret_hash", "")))

    def describe(self) -> str:
        """Return ``id (STATUS, created …)``."""
        return f"{self.id} ({self.status}, created {self.created or '?'})"


def _app_path(app_id: str) -> str:
    return f"/api/v1/apps/{quote(app_id, safe='')}"


def service_app_body(label: str, public_keys: list[dict[str, Any]], *, dpop: bool,
                     jwks_uri: str | None = None) -> dict[str, Any]:
    """Return the Apps API body of an API Services app that authenticates with private_key_jwt.

    With ``jwks_uri`` Okta fetches the public keys from that URL and none are saved in Okta.
    """
    clean = label.strip()
    if not clean:
        raise BadInputError("give the app a name", hint="e.g. oktatool reporting")
    if not public_keys and not jwks_uri:
        raise BadInputError("a private_key_jwt app needs at least one public key")
    for jwk in public_keys:
        if not jwk.get("kid"):
            raise BadInputError("every key of the app needs a kid", hint="give the key a kid (its thumbprint)")
        if "d" in jwk:
            raise BadInputError("only the public key is sent to Okta; this JWK holds private members")
    return {
        "name": "oidc_client",
        "label": clean,
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
        "settings": {"oauthClient": {
            "application_type": "service",
            "grant_types": ["client_credentials"],
            "response_types": ["token"],
            "dpop_bound_access_tokens": dpop,
            **({"jwks_uri": jwks_uri} if jwks_uri else {"jwks": {"keys": public_keys}}),
        }},
    }


def public_jwk(key: Key) -> dict[str, Any]:
    """Return the public JWK Okta registers for ``key`` (use sig, alg and kid filled in); refuse a kid-less key."""
    if key.is_symmetric:
        raise BadInputError("a shared secret cannot be an app's key", hint="use an RSA or EC key pair")
    jwk = key.okta_public_dict()
    if not jwk.get("kid"):
        raise BadInputError("every key of the app needs a kid", hint="give the key a kid (its thumbprint)")
    return jwk


def create_service_app(api: ApiClient, label: str, key: Key, *, dpop: bool, jwks_uri: str | None = None) -> ServiceApp:
    """Create an API Services app with ``key``'s public JWK saved, or its keys at ``jwks_uri``; return it."""
    body = service_app_body(label, [] if jwks_uri else [public_jwk(key)], dpop=dpop, jwks_uri=jwks_uri)
    return ServiceApp.from_json(api.call("POST", "/api/v1/apps", body=body).json())


def get_app(api: ApiClient, app_id: str) -> ServiceApp:
    """Return the app ``app_id``."""
    return ServiceApp.from_json(api.call("GET", _app_path(app_id)).json())


def list_keys(api: ApiClient, app_id: str) -> list[AppKey]:
    """Return the app's JWKS keys."""
    return [AppKey.from_json(item) for item in api.call("GET", _app_path(app_id) + "/credentials/jwks").items()]


def find_key(keys: list[AppKey], kid_or_id: str) -> AppKey:
    """Return the key with this kid (or key id), or raise BadInputError listing the kids there are."""
    found = next((k for k in keys if k.kid == kid_or_id), None) or next((k for k in keys if k.id == kid_or_id), None)
    if found is None:
        kids = ", ".join(k.kid or k.id for k in keys) or "none"
        raise BadInputError(f"the app has no key with kid {kid_or_id!r}", hint=f"its kids: {kids}")
    return found


# -- Okta's key rules, checked before any change is sent ---------------------------------------------------

def check_can_add(keys: list[AppKey], jwk: dict[str, Any]) -> None:
    """Refuse adding ``jwk`` when Okta would: no kid, a kid-less key there already, a kid taken, 50 keys."""
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise BadInputError("every key of the app needs a kid", hint="give the key a kid (its thumbprint)")
    if any(k.kid is None for k in keys):
        raise BadInputError("the app has a key without a kid, so Okta adds no other key",
                            hint="deactivate and delete the kid-less key first")
    if any(k.kid == kid for k in keys):
        raise BadInputError(f"the app already has a key with kid {kid!r}")
    if len(keys) >= MAX_KEYS:
        raise BadInputError(f"the app holds {len(keys)} keys, the most Okta allows is {MAX_KEYS}",
                            hint="delete an INACTIVE key first")


def check_can_deactivate(keys: list[AppKey], key: AppKey) -> None:
    """Refuse deactivating the only ACTIVE key: it needs a successor first."""
    if key.active and not any(k.active and k.id != key.id for k in keys):
        raise BadInputError(f"the key {key.kid or key.id} is the app's only ACTIVE key; it needs a successor",
                            hint="add and activate the new key first (oktatool app rotate does it in order)")


def check_can_delete(key: AppKey) -> None:
    """Refuse deleting a key that is not INACTIVE ("You can only delete an inactive key.")."""
    if key.status != "INACTIVE":
        raise BadInputError(f"the key {key.kid or key.id} is {key.status}; only an INACTIVE key can be deleted",
                            hint=f"deactivate it first: oktatool app keys deactivate {key.kid or key.id}")


def add_key(api: ApiClient, app_id: str, key: Key, *, active: bool = True, keys: list[AppKey] | None = None) -> AppKey:
    """Register ``key``'s public JWK on the app (ACTIVE or INACTIVE), after checking Okta's rules.

    ``keys`` is the app's key list when the caller has just read it (else it is read here).
    """
    jwk = public_jwk(key)
    check_can_add(list_keys(api, app_id) if keys is None else keys, jwk)
    body = {**jwk, "status": "ACTIVE" if active else "INACTIVE"}
    return AppKey.from_json(api.call("POST", _app_path(app_id) + "/credentials/jwks", body=body).json())


def activate_key(api: ApiClient, app_id: str, kid: str, *, keys: list[AppKey] | None = None) -> AppKey:
    """Make the key ``kid`` ACTIVE."""
    key = find_key(list_keys(api, app_id) if keys is None else keys, kid)
    path = f"{_app_path(app_id)}/credentials/jwks/{quote(key.id, safe='')}/lifecycle/activate"
    return AppKey.from_json(api.call("POST", path).json())


def deactivate_key(api: ApiClient, app_id: str, kid: str, *, keys: list[AppKey] | None = None) -> AppKey:
    """Make the key ``kid`` INACTIVE, refused when it is the only ACTIVE one."""
    keys = list_keys(api, app_id) if keys is None else keys
    key = find_key(keys, kid)
    check_can_deactivate(keys, key)
    path = f"{_app_path(app_id)}/credentials/jwks/{quote(key.id, safe='')}/lifecycle/deactivate"
    return AppKey.from_json(api.call("POST", path).json())


def delete_key(api: ApiClient, app_id: str, kid: str) -> AppKey:
    """Delete the INACTIVE key ``kid``; return what it was."""
    key = find_key(list_keys(api, app_id), kid)
    check_can_delete(key)
    api.call("DELETE", f"{_app_path(app_id)}/credentials/jwks/{quote(key.id, safe='')}")
    return key


def list_secrets(api: ApiClient, app_id: str) -> list[ClientSecret]:
    """Return the app's client secrets (what switching to a key pair deletes)."""
    return [ClientSecret.from_json(item)
            for item in api.call("GET", _app_path(app_id) + "/credentials/secrets").items()]


def _put_app(api: ApiClient, app_id: str, change: Callable[[dict[str, Any]], None]) -> ServiceApp:
    """GET the app, ``change`` its JSON, PUT it whole (Okta replaces an app with the body it is given)."""
    body = api.call("GET", _app_path(app_id)).json()
    if not isinstance(body, dict):
        raise ApiError("the Apps API answered something that is not an app", code="not_an_app")
    change(body)
    body.pop("_links", None)
    return ServiceApp.from_json(api.call("PUT", _app_path(app_id), body=body).json())


def set_jwks_uri(api: ApiClient, app_id: str, url: str) -> ServiceApp:
    """Make Okta fetch the app's public keys from ``url``; Okta deletes the keys saved on the app."""

    def change(body: dict[str, Any]) -> None:
        settings = body.setdefault("settings", {}).setdefault("oauthClient", {})
        settings.pop("jwks", None)
        settings["jwks_uri"] = url

    return _put_app(api, app_id, change)


def set_auth_method(api: ApiClient, app_id: str, method: str) -> ServiceApp:
    """Switch the app's ``token_endpoint_auth_method`` (a PUT of the whole app, as Okta replaces it).

    To ``private_key_jwt`` Okta deletes the app's client secrets, and refuses when no key is saved.
    """

    def change(body: dict[str, Any]) -> None:
        oauth = body.setdefault("credentials", {}).setdefault("oauthClient", {})
        oauth["token_endpoint_auth_method"] = method
        oauth.pop("client_secret", None)  # "'client_secret' can't be used when ... is 'private_key_jwt'"

    return _put_app(api, app_id, change)
