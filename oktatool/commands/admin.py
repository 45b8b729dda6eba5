"""TARGET and ADMIN of the `app` and `doctor` commands: which service app, and whose credential changes it.

TARGET is ``--profile NAME`` or ``--org URL --client-id ID``; ADMIN is ``--api-token-file FILE`` (an SSWS
token, first line) or ``--admin-profile NAME``. The Local sandbox profile runs the sandbox for the
command's life, and its own SSWS token is the admin credential when none is given.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.store.settings import Profile


@dataclass
class AdminSession:
    """What an `app` action works on: the org, the app's client id (when there is one), the admin credential."""

    org: OrgUrl
    client_id: str | None
    http: HttpOptions
    context: AppContext
    profile: Profile | None = None
    credential: AdminCredential | None = field(default=None, repr=False)

    @property
    def org_setting(self) -> str:
        """Return the org as a profile saves it: "sandbox" for the Local sandbox (its port lasts one run)."""
        from oktatool.core.store.settings import SANDBOX_ORG

        return SANDBOX_ORG if self.profile is not None and self.profile.is_sandbox else self.org.base

    def require_client_id(self) -> str:
        """Return the target app's client id, or raise BadInputError saying how to name it."""
        if not self.client_id:
            raise BadInputError("no service app named", hint="pass --profile NAME, or --org URL and --client-id ID")
        return self.client_id

    def require_admin(self) -> AdminCredential:
        """Return the admin credential, or raise BadInputError saying how to give one."""
        if self.credential is None:
            raise BadInputError("this needs an admin credential",
                                hint="pass --api-token-file FILE (an SSWS API token on its first line) or "
                                     "--admin-profile NAME (a profile whose token carries the admin scopes)")
        return self.credential

    def admin_api(self, scopes: tuple[str, ...] = ()) -> ApiClient:
        """Return an ApiClient on the org that carries the admin credential (``scopes`` for an admin profile)."""
        from oktatool.core.okta.admin import admin_api

        return admin_api(self.org, self.require_admin(), self.http, scopes)


def http_options(args: argparse.Namespace) -> HttpOptions:
    """Return the HttpOptions of --ca-bundle and --timeout (refusing a nonsense timeout)."""
    import math

    from oktatool.core.okta.http import HttpOptions

    timeout = float(getattr(args, "timeout", 30.0))
    if not (math.isfinite(timeout) and 0 < timeout <= 86_400):
        raise BadInputError(f"--timeout must be more than 0 and at most 86400 seconds, not {timeout}")
    ca_bundle = getattr(args, "ca_bundle", None)
    return HttpOptions(ca_bundle=Path(ca_bundle) if ca_bundle else None, connect_timeout=min(10.0, timeout),
                       read_timeout=timeout)


def read_api_token(path: str) -> str:
    """Return the SSWS token on the first line of ``path`` (never echoed in any message)."""
    from oktatool.core.files import read_input

    raw = read_input(path, what="API token")
    first = raw.splitlines()[0].strip() if raw.strip() else b""
    try:
        return first.decode("ascii")
    except UnicodeDecodeError:
        raise BadInputError(f"the API token in {path} is not plain ASCII text",
                            hint="put the SSWS token alone on the first line") from None


@contextmanager
def admin_session(args: argparse.Namespace) -> Iterator[AdminSession]:
    """Yield the session of an `app`/`doctor` command; the sandbox (if any) stops when the command ends."""
    from oktatool.commands.okta import _context, _read_profile
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.orgurl import parse_org_url

    http = http_options(args)
    context = _context(args)
    try:
        profile = _read_profile(context, args.profile) if getattr(args, "profile", None) else None
        sandbox_admin: AdminCredential | None = None
        client_id: str | None
        if profile is not None and profile.is_sandbox:
            target = context.org_target(profile, http=http)
            org, client_id, http, sandbox_admin = target.org, target.client_id, target.http, target.sandbox_admin
        elif profile is not None:
            org = parse_org_url(args.org or profile.org_url)
            client_id = getattr(args, "client_id", None) or profile.client_id or None
        else:
            if not getattr(args, "org", None):
                raise BadInputError(f"{args.command} needs --profile NAME, or --org URL"
                                    + (" and --client-id ID" if args.command != "app" or
                                       args.app_command != "create" else ""))
            org, client_id = parse_org_url(args.org), getattr(args, "client_id", None)
        credential: AdminCredential | None = None
        if getattr(args, "api_token_file", None):
            credential = AdminCredential(ssws_token=read_api_token(args.api_token_file),
                                         label=f"API token from {args.api_token_file}")
        elif getattr(args, "admin_profile", None):
            admin_profile = _read_profile(context, args.admin_profile)
            connection = context.connection(admin_profile, http=http)
            credential = AdminCredential(client=OktaClient(connection), label=f"profile {admin_profile.name!r}")
        elif sandbox_admin is not None:
            credential = sandbox_admin
        yield AdminSession(org, client_id, http, context, profile, credential)
    finally:
        context.close()
