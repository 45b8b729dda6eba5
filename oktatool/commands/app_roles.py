"""`oktatool app roles`: the service app's admin roles, scoped to groups or apps, or custom roles over resource sets.

Every write prints each exact request on stderr before it is sent (``--dry-run`` prints them and sends none).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from oktatool.commands.admin import admin_session
from oktatool.commands.common import print_json, terminal_text
from oktatool.core.errors import BadInputError, shorten

if TYPE_CHECKING:
    from oktatool.commands.admin import AdminSession
    from oktatool.core.okta.admin_roles import AppRoles, ScopedRole
    from oktatool.core.okta.grants import PlannedCall

#: what finding each kind of target by name needs, when the admin credential is a profile's token
_LOOKUP_SCOPES = {"group": "okta.groups.read", "app": "okta.apps.read", "user": "okta.users.read"}


def _app_roles(session: AdminSession, scopes: tuple[str, ...]) -> AppRoles:
    from oktatool.core.okta.admin_roles import AppRoles
    from oktatool.core.okta.grants import app_access

    return AppRoles(app_access(session.org, session.require_client_id(), session.require_admin(), session.http,
                               scopes))


def _show(call: PlannedCall) -> None:
    print(terminal_text("> " + call.text().replace("\n", "\n  ")), file=sys.stderr)


def _scopes(args: argparse.Namespace) -> tuple[str, ...]:
    from oktatool.core.okta.grants import ROLE_MANAGE_SCOPES, ROLE_READ_SCOPES

    if args.roles_command == "list":
        return ROLE_READ_SCOPES
    wanted = [kind for kind, given in (("group", "group"), ("app", "app"), ("user", "user"))
              if getattr(args, given, None)]
    return ROLE_MANAGE_SCOPES + ROLE_READ_SCOPES + tuple(_LOOKUP_SCOPES[kind] for kind in wanted)


def _role_dict(role: ScopedRole) -> dict[str, Any]:
    return {**dict(role.assignment.raw),
            "targets": [{"kind": t.kind, "id": t.id, "name": t.name} for t in role.targets],
            "permissions": list(role.permissions),
            "resources": [{"kind": r.kind, "id": r.id, "name": r.name} for r in role.resources],
            "summary": list(role.summary())}


def _print_role(role: ScopedRole) -> None:
    a = role.assignment
    name = f"{a.label} ({role.role_label})" if role.custom and role.role_label and role.role_label != a.label \
        else a.label
    print(terminal_text(f"{a.type:<22}  {a.status:<8}  {a.id}  {name}".rstrip()))
    if role.targets:
        print(terminal_text("  targets: " + ", ".join(t.name for t in role.targets)))
    if role.custom:
        print(terminal_text(f"  resource set {role.resource_set_label}: "
                            + ", ".join([r.words() for r in role.resources] + list(role.wide))))
    for line in role.summary():
        print(terminal_text(f"  can {line}"))


def roles(args: argparse.Namespace) -> int:
    """Run `oktatool app roles (list | assign ROLE | custom --scope S... | unassign ID) TARGET ADMIN [--json]`."""
    from oktatool.core.okta.admin_roles import GROUP_TARGET_ROLES, summary
    from oktatool.core.okta.grants import check_role_type, check_scope_name
    from oktatool.core.okta.scope_names import split_scopes

    action = args.roles_command
    role_type = check_role_type(args.operand) if action == "assign" else None
    scopes: tuple[str, ...] = ()
    if action == "custom":
        scopes = tuple(dict.fromkeys(check_scope_name(s) for text in args.role_scopes for s in split_scopes(text)))
    with admin_session(args) as session:
        app = _app_roles(session, _scopes(args))
        if action == "list":
            found = app.describe()
            if args.json:
                print_json([_role_dict(r) for r in found])
                return 0
            for role in found:
                _print_role(role)
            if not found:
                print(terminal_text(summary(())[0]))
            return 0
        show = None if args.json else _show
        if action == "assign":
            assert role_type is not None
            targets = [app.find_group(g) for g in args.group] + [app.find_app(a) for a in args.app]
            if not targets and role_type in GROUP_TARGET_ROLES and not args.json:
                print(f"note: {role_type} reaches the whole org; --group GROUP scopes it to that group's users",
                      file=sys.stderr)
            if args.dry_run:
                return _dry_run(app.plan_standard(role_type, targets), args.json)
            done = app.assign_standard(role_type, targets, show=show)
        elif action == "custom":
            done_or_plan = _custom(app, args, scopes, show)
            if isinstance(done_or_plan, tuple):
                return _dry_run(done_or_plan, args.json)
            done = done_or_plan
        else:
            role = next((r for r in app.describe() if r.assignment.id == args.operand.strip()), None)
            if role is None:
                raise BadInputError(f"no role assignment {shorten(args.operand.strip())!r} on the app {app.app_id}",
                                    hint="`oktatool app roles list` shows the assignment ids")
            if args.dry_run:
                return _dry_run(app.plan_remove(role), args.json)
            app.remove(role, show=show)
            if args.json:
                print_json({"unassigned": role.assignment.id})
            else:
                print(terminal_text(f"unassigned {role.assignment.id} ({role.assignment.type})"))
            return 0
        if args.json:
            print_json(_role_dict(done))
        else:
            _print_role(done)
    return 0


def _custom(app: AppRoles, args: argparse.Namespace, scopes: tuple[str, ...],
            show: Any) -> ScopedRole | tuple[PlannedCall, ...]:
    """Build the custom role for ``scopes`` over the named resources: done, or its plan with ``--dry-run``."""
    from oktatool.core.okta.permissions import permissions_for

    plan = permissions_for(scopes)
    if plan.uncovered and not args.json:
        print(terminal_text(f"note: no custom-role permission covers {', '.join(plan.uncovered)}; a standard role "
                            "(app roles assign) is needed for those"), file=sys.stderr)
    resources = app.resources_for(plan.kinds, args.group, args.app, args.user)
    label = args.label or app.free_label(f"oktatool {app.app_id}")
    if args.dry_run:
        return app.plan_custom(label, plan.permissions, resources)
    return app.create_custom(label, plan.permissions, resources, show=show)


def _dry_run(calls: tuple[PlannedCall, ...], as_json: bool) -> int:
    if as_json:
        print_json([{"method": c.method, "path": c.path, **({"body": dict(c.body)} if c.body is not None else {})}
                    for c in calls])
    else:
        for call in calls:
            print(terminal_text(call.text()))
        print("(dry run: nothing was sent)", file=sys.stderr)
    return 0
