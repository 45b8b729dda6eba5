"""An app's tokens at ``/api/v1/apps/{appId}/tokens``: list them, revoke one or all (admin calls).

Okta lists an app's refresh tokens here (``OAuth2RefreshToken``); revoking them also revokes the access tokens
minted with them. A client-credentials service app gets no refresh token, so against a real org its list is
empty and a single access token is revoked at ``/oauth2/v1/revoke`` (``oktatool.core.okta.revocation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from oktatool.core.errors import ApiError, BadInputError, shorten
from oktatool.core.okta.grants import AppAccess, PlannedCall, app_access

if TYPE_CHECKING:
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

#: the admin scopes each kind of call needs when the admin credential is a profile's token
TOKEN_READ_SCOPES = ("okta.apps.read",)
TOKEN_MANAGE_SCOPES = ("okta.apps.manage",)


@dataclass(frozen=True)
class AppToken:
    """One token of an app as Okta lists it, and Okta's object as returned."""

    id: str
    status: str
    scopes: tuple[str, ...]
    created: str = ""
    expires_at: str = ""
    user_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> AppToken:
        """Read an OAuth2RefreshToken; raise ApiError when it has no id."""
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            raise ApiError("Okta answered with a token that has no id", code="bad_answer")
        scopes = value.get("scopes")
        return cls(value["id"], _text(value.get("status")) or "ACTIVE",
                   tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else (),
                   _text(value.get("created")), _text(value.get("expiresAt")), _text(value.get("userId")), value)


class AppTokens:
    """List and revoke one app's tokens through AppAccess's admin client (blocking calls)."""

    def __init__(self, access: AppAccess) -> None:
        self.access = access

    @property
    def path(self) -> str:
        """Return the app's tokens collection path."""
        return f"/api/v1/apps/{quote(self.access.app_id, safe='')}/tokens"

    def revoke_call(self, token_id: str | None) -> PlannedCall:
        """Return the call that revokes one token (by id), or every token of the app (None)."""
        return PlannedCall("DELETE", self.path if token_id is None else f"{self.path}/{quote(token_id, safe='')}")

    def list(self) -> tuple[AppToken, ...]:
        """Return every token of the app (all pages)."""
        found: list[AppToken] = []
        for page in self.access.pages(self.path, "list the app's tokens"):
            found.extend(AppToken.from_json(item) for item in page.items())
        return tuple(found)

    def revoke(self, token_id: str, listed: Iterable[AppToken] | None = None) -> AppToken:
        """Revoke the token with ``token_id`` (as listed) and return it; BadInputError when the app has none such."""
        wanted = token_id.strip()
        if not wanted or not wanted.isprintable() or any(c in wanted for c in "/?#"):
            raise BadInputError(f"{shorten(token_id)!r} is not a token id", hint="take one from `app tokens list`")
        current = tuple(listed) if listed is not None else self.list()
        token = next((t for t in current if t.id == wanted), None)
        if token is None:
            held = ", ".join(t.id for t in current) or "none"
            raise BadInputError(f"the app {self.access.app_id} has no token {wanted}", hint=f"its tokens: {held}")
        self.access.run(self.revoke_call(token.id), f"revoke the token {token.id}")
        return token

    def revoke_all(self) -> None:
        """Revoke every token of the app."""
        self.access.run(self.revoke_call(None), "revoke the app's tokens")


def app_tokens(org: OrgUrl, client_id: str, credential: AdminCredential, http: HttpOptions,
               scopes: Iterable[str] = ()) -> AppTokens:
    """Return AppTokens on ``client_id`` whose calls carry ``credential`` (``scopes`` for an admin profile)."""
    return AppTokens(app_access(org, client_id, credential, http, scopes))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
