"""`oktatool app grants` and `app tokens`: the service app's scope grants and tokens (`app roles`: app_roles)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from oktatool.commands.admin import admin_session
from oktatool.commands.common import print_json, terminal_text

if TYPE_CHECKING:
    from oktatool.commands.admin import AdminSession
    from oktatool.core.okta.grants import AppAccess, Grant


def _access(session: AdminSession, scopes: tuple[str, ...]) -> AppAccess:
    from oktatool.core.okta.grants import app_access

    return app_access(session.org, session.require_client_id(), session.require_admin(), session.http, scopes)


def grants(args: argparse.Namespace) -> int:
    """Run `oktatool app grants (list | grant SCOPE... | revoke SCOPE...) TARGET ADMIN [--json]`."""
    from oktatool.core.okta.grants import (
        GRANT_MANAGE_SCOPES,
        GRANT_READ_SCOPES,
        check_scope_name,
    )

    action = args.grants_command
    wanted = tuple(dict.fromkeys(check_scope_name(s) for s in getattr(args, "scopes", None) or ()))
    with admin_session(args) as session:
        needed = GRANT_READ_SCOPES if action == "list" else GRANT_MANAGE_SCOPES
        access = _access(session, needed)
        if action == "list":
            found = access.list_grants()
            if args.json:
                print_json([dict(g.raw) for g in found])
                return 0
            if not found:
                print(f"no Okta API scope is granted to {access.app_id}")
                return 0
            width = max(len(g.scope_id) for g in found)
            for g in found:
                print(terminal_text(f"{g.scope_id:<{width}}  {g.status:<8}  {g.id}  {g.source}".rstrip()))
            warning = _role_warning(session, found)
            if warning:
                print(f"warning: {terminal_text(warning)}", file=sys.stderr)
            return 0
        done: list[dict[str, Any]] = []
        if action == "grant":
            current = {g.scope_id for g in access.list_grants() if g.active}
            for scope in wanted:
                if scope in current and not args.json:
                    print(f"{scope}: already granted")
                    continue
                grant = access.grant(scope)
                done.append(dict(grant.raw))
                if not args.json:
                    print(terminal_text(f"granted {grant.scope_id} ({grant.id})"))
        else:
            listed = access.list_grants()
            for scope in wanted:
                grant = access.revoke(scope, listed)
                done.append(dict(grant.raw))
                if not args.json:
                    print(terminal_text(f"revoked {grant.scope_id} ({grant.id}); tokens issued from now on "
                                        "leave it out (tokens already issued keep it until they expire)"))
        if args.json:
            print_json(done)
    return 0


def _role_warning(session: AdminSession, found: tuple[Grant, ...]) -> str | None:
    """Return the no-role warning, or None (also when the credential may not read roles)."""
    from oktatool.core.errors import OktaToolError
    from oktatool.core.okta.grants import ROLE_READ_SCOPES, role_warning

    try:
        assigned = _access(session, ROLE_READ_SCOPES).list_roles()
    except OktaToolError:
        return None
    return role_warning(found, assigned)


def tokens(args: argparse.Namespace) -> int:
    """Run `oktatool app tokens (list | revoke (--id ID | --all)) TARGET ADMIN [--json]`."""
    from oktatool.core.okta.app_tokens import TOKEN_MANAGE_SCOPES, TOKEN_READ_SCOPES, AppTokens

    action = args.tokens_command
    with admin_session(args) as session:
        access = _access(session, TOKEN_READ_SCOPES if action == "list" else TOKEN_MANAGE_SCOPES)
        app = AppTokens(access)
        if action == "list":
            found = app.list()
            if args.json:
                print_json([dict(t.raw) for t in found])
            elif not found:
                print(f"the app {access.app_id} has no tokens listed (Okta lists refresh tokens here; a "
                      "client-credentials service app gets none)")
            else:
                for t in found:
                    print(terminal_text(f"{t.id}  {t.status:<8}  expires {t.expires_at or '-'}  "
                                        f"{' '.join(t.scopes)}".rstrip()))
            return 0
        if args.all_tokens:
            app.revoke_all()
            if args.json:
                print_json({"revoked": "all", "clientId": access.app_id})
            else:
                print(terminal_text(f"revoked every token of {access.app_id}; calls made with them are refused "
                                    "from now on"))
            return 0
        token = app.revoke(args.token_id)
        if args.json:
            print_json(dict(token.raw))
        else:
            print(terminal_text(f"revoked {token.id} ({' '.join(token.scopes)}); calls made with it are refused "
                                "from now on"))
    return 0
