"""Role targets of a client's standard admin role: the groups or apps the role is scoped to (Okta's RoleBTargetClient).

A USER_ADMIN, HELP_DESK_ADMIN or GROUP_MEMBERSHIP_ADMIN role takes groups; an APP_ADMIN role takes catalog apps
(every instance of ``appName``) or app instances (``appName/appId``). The first target narrows the role from the
whole org to its targets; the last one cannot be removed (the role is unassigned instead).
"""

from __future__ import annotations

from typing import Any

from oktatool.sandbox.apps import find_app
from oktatool.sandbox.messages import Call, OktaApiError, Response, RouteSpec, not_found
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, page_response
from oktatool.sandbox.store import App

ROLE = "/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}"
GROUP_TARGETS = ROLE + "/targets/groups"
APP_TARGETS = ROLE + "/targets/catalog/apps"
#: the standard roles that take group targets, and the one that takes app targets
GROUP_TARGET_ROLES = ("USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN")
APP_TARGET_ROLES = ("APP_ADMIN",)


def _not_targetable(role: dict[str, Any], kind: str, allowed: tuple[str, ...]) -> OktaApiError:
    return OktaApiError(400, "E0000001", "Api validation failed: targets",
                        (f"{role['type']} cannot be scoped to {kind}; only {', '.join(allowed)} can.",))


def _last_target(kind: str) -> OktaApiError:
    return OktaApiError(400, "E0000001", "Api validation failed: targets",
                        (f"You can't remove the last {kind} target from a role assignment; unassign the role "
                         "instead.",))


class RoleTargetRoutes:
    """Group and app targets of the standard roles assigned to a client."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", GROUP_TARGETS, "okta.roles.read", self.list_groups),
            ("PUT", GROUP_TARGETS + "/{groupId}", "okta.roles.manage", self.add_group),
            ("DELETE", GROUP_TARGETS + "/{groupId}", "okta.roles.manage", self.remove_group),
            ("GET", APP_TARGETS, "okta.roles.read", self.list_apps),
            ("PUT", APP_TARGETS + "/{appName}", "okta.roles.manage", self.add_app),
            ("DELETE", APP_TARGETS + "/{appName}", "okta.roles.manage", self.remove_app),
            ("PUT", APP_TARGETS + "/{appName}/{appId}", "okta.roles.manage", self.add_app),
            ("DELETE", APP_TARGETS + "/{appName}/{appId}", "okta.roles.manage", self.remove_app),
        ]

    def _role(self, call: Call) -> tuple[App, dict[str, Any]]:
        app = find_app(self.store, call.params["clientId"])
        wanted = call.params["roleAssignmentId"]
        role = next((r for r in app.roles if r["id"] == wanted), None)
        if role is None:
            raise not_found(wanted, "RoleAssignment")
        return app, role

    def _targets(self, app: App, role: dict[str, Any], kind: str) -> list[str]:
        return app.role_targets.setdefault(role["id"], {}).setdefault(kind, [])

    # groups -----------------------------------------------------------------------------------------------

    def list_groups(self, call: Call) -> Response:
        app, role = self._role(call)
        ids = sorted(app.role_targets.get(role["id"], {}).get("groups", []))
        after = call.request.param("after")
        ids = [i for i in ids if not after or i > after]
        limit = limit_param(call.request, 20, 100)
        groups = [g for g in (self.store.groups.get(i) for i in ids) if g is not None]
        page = groups[:limit]
        return page_response(call, page, len(groups) > limit, limit, page[-1]["id"] if page else None,
                             lambda group: self._group_json(group, call.base))

    @staticmethod
    def _group_json(group: dict[str, Any], base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/groups/{group['id']}"
        return {**group, "_links": {"self": {"href": href}, "users": {"href": href + "/users"}}}

    def add_group(self, call: Call) -> Response:
        app, role = self._role(call)
        if role["type"] not in GROUP_TARGET_ROLES:
            raise _not_targetable(role, "groups", GROUP_TARGET_ROLES)
        group_id = call.params["groupId"]
        if self.store.groups.get(group_id) is None:
            raise not_found(group_id, "Group")
        targets = self._targets(app, role, "groups")
        if group_id not in targets:
            targets.append(group_id)
        return Response(204)

    def remove_group(self, call: Call) -> Response:
        app, role = self._role(call)
        targets = app.role_targets.get(role["id"], {}).get("groups", [])
        group_id = call.params["groupId"]
        if group_id not in targets:
            raise not_found(group_id, "Group")
        if len(targets) == 1:
            raise _last_target("group")
        targets.remove(group_id)
        return Response(204)

    # apps -------------------------------------------------------------------------------------------------

    def list_apps(self, call: Call) -> Response:
        app, role = self._role(call)
        targets = sorted(app.role_targets.get(role["id"], {}).get("apps", []))
        after = call.request.param("after")
        targets = [t for t in targets if not after or t > after]
        limit = limit_param(call.request, 20, 100)
        page = [{"id": target} for target in targets[:limit]]
        return page_response(call, page, len(targets) > limit, limit, page[-1]["id"] if page else None,
                             lambda item: self._catalog_json(item["id"], call.base))

    def _catalog_json(self, target: str, base: str) -> dict[str, Any]:
        name, _, app_id = target.partition("/")
        if app_id:
            instance = self.store.apps.get(app_id)
            return {"name": name, "status": instance.status if instance else "INACTIVE", "id": app_id,
                    "_links": {"self": {"href": f"{base}/api/v1/apps/{app_id}"}}}
        return {"name": name, "displayName": name, "status": "ACTIVE", "category": "CUSTOM",
                "signOnModes": sorted({a.sign_on_mode for a in self.store.apps.values() if a.name == name}),
                "_links": {"self": {"href": f"{base}/api/v1/catalog/apps/{name}"}}}

    def add_app(self, call: Call) -> Response:
        app, role = self._role(call)
        if role["type"] not in APP_TARGET_ROLES:
            raise _not_targetable(role, "apps", APP_TARGET_ROLES)
        name, app_id = call.params["appName"], call.params.get("appId")
        if app_id is not None:
            instance = find_app(self.store, app_id)
            if instance.name != name:
                raise not_found(f"{name}/{app_id}", "CatalogApplication")
        elif not any(a.name == name for a in self.store.apps.values()):
            raise not_found(name, "CatalogApplication")
        targets = self._targets(app, role, "apps")
        if app_id is None:
            # a catalog target covers every instance of the app: its instance targets go (Okta: "overrides")
            targets[:] = [t for t in targets if not t.startswith(name + "/")]
        target = f"{name}/{app_id}" if app_id else name
        if target not in targets and name not in targets:
            targets.append(target)
        return Response(204)

    def remove_app(self, call: Call) -> Response:
        app, role = self._role(call)
        targets = app.role_targets.get(role["id"], {}).get("apps", [])
        name, app_id = call.params["appName"], call.params.get("appId")
        target = f"{name}/{app_id}" if app_id else name
        if target not in targets:
            raise not_found(target, "CatalogApplication")
        if len(targets) == 1:
            raise _last_target("app")
        targets.remove(target)
        return Response(204)

