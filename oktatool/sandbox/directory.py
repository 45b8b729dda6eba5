"""Users and groups of the sandbox org (Okta's Users and Groups APIs, the subset the tools need)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oktatool.sandbox.messages import (
    Call,
    Response,
    RouteSpec,
    json_response,
    no_permission,
    not_found,
    validation_failed,
)
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, page_response, record_filter, shown_to
from oktatool.sandbox.store import now_text

USERS = "/api/v1/users"
GROUPS = "/api/v1/groups"


class DirectoryRoutes:
    """Users, groups and group members."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", USERS, "okta.users.read", self.list_users),
            ("POST", USERS, "okta.users.manage", self.create_user),
            ("GET", USERS + "/{userId}", "okta.users.read", self.get_user),
            ("POST", USERS + "/{userId}", "okta.users.manage", self.update_user),
            ("PUT", USERS + "/{userId}", "okta.users.manage", self.replace_user),
            ("DELETE", USERS + "/{userId}", "okta.users.manage", self.delete_user),
            ("GET", GROUPS, "okta.groups.read", self.list_groups),
            ("POST", GROUPS, "okta.groups.manage", self.create_group),
            ("GET", GROUPS + "/{groupId}", "okta.groups.read", self.get_group),
            ("PUT", GROUPS + "/{groupId}", "okta.groups.manage", self.replace_group),
            ("DELETE", GROUPS + "/{groupId}", "okta.groups.manage", self.delete_group),
            ("GET", GROUPS + "/{groupId}/users", "okta.groups.read", self.list_group_users),
            ("PUT", GROUPS + "/{groupId}/users/{userId}", "okta.groups.manage", self.add_group_user),
            ("DELETE", GROUPS + "/{groupId}/users/{userId}", "okta.groups.manage", self.remove_group_user),
        ]

    def _user_json(self, base: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda user: {**user, "_links": {"self": {"href": f"{base}/api/v1/users/{user['id']}"}}}

    def _user(self, call: Call) -> dict[str, Any]:
        user = self.store.find_user(call.params["userId"])
        if user is None:
            raise not_found(call.params["userId"], "User")
        return user

    def list_users(self, call: Call) -> Response:
        request = call.request
        limit = limit_param(request, 10 if request.param("q") else 200, 200)
        keep = shown_to(call, record_filter(request, ("firstName", "lastName", "email", "login")))
        items, more = self.store.users.page(request.param("after"), limit, keep)
        cursor = items[-1]["id"] if items else None
        return page_response(call, items, more, limit, cursor, self._user_json(call.base))

    def create_user(self, call: Call) -> Response:
        profile = call.body().get("profile")
        if not isinstance(profile, dict):
            raise validation_failed("profile", "The field cannot be left blank.")
        for name in ("login", "email"):
            if not isinstance(profile.get(name), str) or not profile[name].strip():
                raise validation_failed(name, "The field cannot be left blank.")
        if self.store.find_user(profile["login"]) is not None:
            raise validation_failed("login", "An object with this field already exists in the current organization")
        activate = (call.request.param("activate") or "true").lower() != "false"
        user = self.store.add_user(profile, status="ACTIVE" if activate else "STAGED")
        return json_response(200, self._user_json(call.base)(user))

    def get_user(self, call: Call) -> Response:
        return json_response(200, self._user_json(call.base)(self._user(call)))

    def update_user(self, call: Call) -> Response:
        user = self._user(call)
        profile = call.body().get("profile", {})
        if not isinstance(profile, dict):
            raise validation_failed("profile", "The value must be an object.")
        user["profile"].update(profile)
        user["lastUpdated"] = now_text()
        return json_response(200, self._user_json(call.base)(user))

    def replace_user(self, call: Call) -> Response:
        user = self._user(call)
        profile = call.body().get("profile")
        if not isinstance(profile, dict) or not profile.get("login") or not profile.get("email"):
            raise validation_failed("profile", "login and email cannot be left blank.")
        user["profile"] = dict(profile)
        user["lastUpdated"] = now_text()
        return json_response(200, self._user_json(call.base)(user))

    def delete_user(self, call: Call) -> Response:
        user = self._user(call)
        if user["status"] != "DEPROVISIONED":  # the first delete deactivates, the second deletes (as Okta)
            user["status"] = "DEPROVISIONED"
            user["statusChanged"] = user["lastUpdated"] = now_text()
            return Response(204)
        self.store.users.remove(user["id"])
        for members in self.store.group_members.values():
            if user["id"] in members:
                members.remove(user["id"])
        return Response(204)

    def _group_json(self, base: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def render(group: dict[str, Any]) -> dict[str, Any]:
            href = f"{base}/api/v1/groups/{group['id']}"
            # a profile property with no value is left out: Okta types description as a string, never null
            profile = {name: value for name, value in group["profile"].items() if value is not None}
            return {**group, "profile": profile, "_links": {"self": {"href": href}, "users": {"href": href + "/users"}}}

        return render

    def _group(self, call: Call) -> dict[str, Any]:
        group = self.store.groups.get(call.params["groupId"])
        if group is None:
            raise not_found(call.params["groupId"], "UserGroup")
        return group

    def list_groups(self, call: Call) -> Response:
        request = call.request
        limit = limit_param(request, 10000, 10000)
        keep = shown_to(call, record_filter(request, ("name",)))
        items, more = self.store.groups.page(request.param("after"), limit, keep)
        cursor = items[-1]["id"] if items else None
        return page_response(call, items, more, limit, cursor, self._group_json(call.base))

    def _group_profile(self, call: Call) -> dict[str, Any]:
        profile = call.body().get("profile")
        if not isinstance(profile, dict) or not isinstance(profile.get("name"), str) or not profile["name"]:
            raise validation_failed("name", "The field cannot be left blank.")
        return profile

    def create_group(self, call: Call) -> Response:
        group = self.store.add_group(self._group_profile(call))
        return json_response(200, self._group_json(call.base)(group))

    def get_group(self, call: Call) -> Response:
        return json_response(200, self._group_json(call.base)(self._group(call)))

    def replace_group(self, call: Call) -> Response:
        group = self._group(call)
        if group["type"] == "BUILT_IN":
            raise no_permission()
        profile = self._group_profile(call)
        group["profile"] = {"name": profile["name"], "description": profile.get("description")}
        group["lastUpdated"] = now_text()
        return json_response(200, self._group_json(call.base)(group))

    def delete_group(self, call: Call) -> Response:
        group = self._group(call)
        if group["type"] == "BUILT_IN":
            raise no_permission()
        self.store.groups.remove(group["id"])
        self.store.group_members.pop(group["id"], None)
        return Response(204)

    def list_group_users(self, call: Call) -> Response:
        group = self._group(call)
        request = call.request
        limit = limit_param(request, 1000, 1000)
        member_ids = set(self.store.members_of(group))
        items, more = self.store.users.page(request.param("after"), limit, lambda user: user["id"] in member_ids)
        cursor = items[-1]["id"] if items else None
        return page_response(call, items, more, limit, cursor, self._user_json(call.base))

    def add_group_user(self, call: Call) -> Response:
        group, user = self._group(call), self._user(call)
        if group["type"] == "BUILT_IN":
            raise no_permission()
        members = self.store.group_members.setdefault(group["id"], [])
        if user["id"] not in members:
            members.append(user["id"])
        return Response(204)

    def remove_group_user(self, call: Call) -> Response:
        group, user = self._group(call), self._user(call)
        members = self.store.group_members.get(group["id"], [])
        if user["id"] in members:
            members.remove(user["id"])
        return Response(204)
