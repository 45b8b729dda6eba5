"""The admin side of Grants & roles: which credential makes the calls, and what one fetch of grants and roles found.

``AdminTarget`` builds the AppAccess over the chosen credential (an SSWS token kept per profile in the secret
store, another profile's token, or the Local sandbox's own); it runs in the executor only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.grants import LEGACY_ADMIN_TOKEN_PREFIX, admin_token_secret_name
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.admin_roles import ScopedRole
    from oktatool.core.okta.app_tokens import AppToken
    from oktatool.core.okta.grants import AppAccess, Grant
    from oktatool.core.store.settings import Profile

#: credential choices (which admin credential, not a secret)
SANDBOX_TOKEN = "sandbox"  # noqa: S105
STORED_TOKEN = "stored"  # noqa: S105
PROFILE_PREFIX = "profile:"
SUPER_ADMIN_NOTE = "Only a Super Admin can grant or revoke Okta API scopes, and assign admin roles."


@dataclass(frozen=True)
class Fetched:
    """What one fetch found."""

    grants: tuple[Grant, ...]
    #: each role with what it reaches (targets, or a custom role's permissions and resource set)
    roles: tuple[ScopedRole, ...] | None
    roles_error: str | None


class FetchedPart:
    """The app's grants, roles and tokens as last fetched for a profile (a part of its session)."""

    def __init__(self) -> None:
        self.found: Fetched | None = None
        self.tokens: tuple[AppToken, ...] | None = None


class AdminTarget:
    """The active profile's app and the chosen admin credential; builds AppAccess (blocking: executor only)."""

    def __init__(self, context: AppContext, profile: Profile, choice: str) -> None:
        self.context = context
        self.profile = profile
        self.choice = choice

    def access(self, scopes: tuple[str, ...]) -> AppAccess:
        """Return AppAccess over the credential (an admin profile's token asks for ``scopes``)."""
        from oktatool.core.errors import ConfigError
        from oktatool.core.okta.admin import AdminCredential
        from oktatool.core.okta.client import OktaClient
        from oktatool.core.okta.grants import app_access

        if not self.profile.is_sandbox and not self.profile.client_id:
            raise ConfigError(f"the profile {self.profile.name!r} names no service app (client id)",
                              hint="set its client id in Edit profiles…")
        target = self.context.org_target(self.profile)
        org, client_id, http = target.org, target.client_id, target.http
        if self.choice == SANDBOX_TOKEN and target.sandbox_admin is not None:
            credential = target.sandbox_admin
        elif self.choice == STORED_TOKEN:
            store = self.context.secret_store()
            token = store.get(admin_token_secret_name(self.profile))
            if not token:
                older = store.get(LEGACY_ADMIN_TOKEN_PREFIX + self.profile.name) is not None
                why = (" (the token an older version stored for it was kept by the profile's name alone, so "
                       "nothing says it is for this org: it is not sent)") if older else ""
                where = "the Local sandbox" if self.profile.is_sandbox else self.profile.org_url
                raise ConfigError(f"no admin API token is stored for the profile {self.profile.name!r} on "
                                  f"{where}{why}",
                                  hint="click Set API token… and paste an SSWS token (Security > API > Tokens)")
            credential = AdminCredential(ssws_token=token, label="the stored API token")
        elif self.choice.startswith(PROFILE_PREFIX):
            admin = self.context.profile(self.choice.removeprefix(PROFILE_PREFIX))
            credential = AdminCredential(client=OktaClient(self.context.connection(admin, http=http)),
                                         label=f"profile {admin.name!r}")
        else:
            raise ConfigError("choose an admin credential first")
        return app_access(org, client_id, credential, http, scopes)


def fetch(target: AdminTarget) -> Fetched:
    """List grants and roles with what they reach (blocking); a credential that may read grants but not roles
    still shows grants."""
    from oktatool.core.okta.admin_roles import AppRoles

    grants = target.access(("okta.appGrants.read",)).list_grants()
    try:
        roles: tuple[ScopedRole, ...] | None = AppRoles(target.access(("okta.roles.read",))).describe()
        error = None
    except OktaToolError as exc:
        roles, error = None, plain_message(exc)
    return Fetched(grants, roles, error)
