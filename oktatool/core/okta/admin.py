"""The admin credential behind set-up calls (apps, app keys, grants, roles): an SSWS API token or a profile.

Okta's set-up endpoints take either an SSWS API token of an admin, or an OAuth access token that carries
the admin scopes (``okta.apps.manage``, ``okta.appGrants.manage``, ``okta.roles.manage``…) of a service app
that has an admin role. ``admin_api`` returns an ApiClient over either, so the callers never care which.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

#: an SSWS token never expires on its own; the ApiClient only needs a number
_SSWS_LIFETIME = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class AdminCredential:
    """Who makes the set-up calls: exactly one of an SSWS API token, or a profile's OktaClient."""

    ssws_token: str | None = field(default=None, repr=False)
    client: OktaClient | None = field(default=None, repr=False)
    #: how the credential is named to the user ("API token from admin.token", "profile 'Admin'")
    label: str = ""

    def __post_init__(self) -> None:
        if (self.ssws_token is None) == (self.client is None):
            raise BadInputError("give one admin credential: an SSWS API token or an admin profile")
        if self.ssws_token is not None:
            token = self.ssws_token.strip()
            if not token or any(c.isspace() for c in token) or not token.isprintable():
                raise BadInputError("the API token is empty or has spaces or control characters in it",
                                    hint="put the SSWS token (Security > API > Tokens) alone on the first line")
            object.__setattr__(self, "ssws_token", token)

    @property
    def is_ssws(self) -> bool:
        """Say whether this is an SSWS API token."""
        return self.ssws_token is not None


def admin_api(org: OrgUrl, credential: AdminCredential, http: HttpOptions,
              scopes: Iterable[str] = ()) -> ApiClient:
    """Return an ApiClient on ``org`` whose calls carry the admin credential.

    With a profile, ``scopes`` are the admin scopes its token must carry for the calls to come.
    """
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.explanation import ExplainContext
    from oktatool.core.okta.http import new_session
    from oktatool.core.okta.tokens import TokenResponse

    if credential.client is not None:
        if credential.client.connection.org.base != org.base:
            raise BadInputError(f"the admin profile is for {credential.client.connection.org.base}, "
                                f"not {org.base}", hint="use an admin profile of the same org")
        return credential.client.api(tuple(scopes) or credential.client.connection.scopes)
    assert credential.ssws_token is not None
    answer = TokenResponse(credential.ssws_token, "SSWS", _SSWS_LIFETIME, "", time.time())
    return ApiClient(org.base, new_session(http), lambda: answer, timeout=http.timeout,
                     context=ExplainContext())
