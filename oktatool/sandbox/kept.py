"""A kept org: the sandbox's users, groups and apps (keys, grants, roles) in one private file across restarts.

The file is written atomically (0600) after every change; a file that cannot be read back is moved aside
as ``org.json.corrupt-<UTC time>`` and the org starts from its seed, with a notice saying so. Tokens, used
jtis and the System Log are not kept: they belong to one run (a restart ends every session, as Okta's
tokens would expire).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from oktatool.core.files import keep_corrupt, write_atomic
from oktatool.sandbox.store import App, AppKey, OrgStore

ORG_FILE = "org.json"
FORMAT_VERSION = 1


@dataclasses.dataclass(frozen=True)
class KeptOrg:
    """What a kept org file held: the store, the org URL it was written under, and the built-in apps' ids."""

    store: OrgStore
    org_url: str
    service_app: str
    dpop_app: str | None


def snapshot(store: OrgStore, org_url: str, service_app: str, dpop_app: str | None) -> dict[str, Any]:
    """Return the org's lasting state as a JSON-ready object (call with the store's lock held)."""
    return {
        "version": FORMAT_VERSION,
        "org_url": org_url,
        "service_app": service_app,
        "dpop_app": dpop_app,
        "ids": store.ids.counters(),
        "users": list(store.users),
        "groups": list(store.groups),
        "group_members": store.group_members,
        "apps": [dataclasses.asdict(app) for app in store.apps.values()],
    }


def save_org(path: Path, store: OrgStore, org_url: str, service_app: str, dpop_app: str | None) -> None:
    """Write the org to ``path`` all or nothing, owner-only (call with the store's lock held)."""
    data = json.dumps(snapshot(store, org_url, service_app, dpop_app), separators=(",", ":"))
    write_atomic(path, data.encode("utf-8"), mode=0o600)


def _app(raw: dict[str, Any]) -> App:
    keys = [AppKey(**key) for key in raw.pop("keys")]
    return App(**raw, keys=keys)


def restore(data: Any, org_url: str) -> KeptOrg:
    """Build the store a snapshot describes; grants issued by the old URL now name ``org_url`` (the port moved).

    Raises ValueError, KeyError or TypeError when the snapshot is not one this version wrote.
    """
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError("not an org file of this version")
    old_url = str(data["org_url"])
    store = OrgStore()
    store.ids.restore({str(prefix): int(number) for prefix, number in data["ids"].items()})
    for user in data["users"]:
        store.users.add(dict(user))
    for group in data["groups"]:
        store.groups.add(dict(group))
    store.group_members = {str(group): [str(member) for member in members]
                           for group, members in data["group_members"].items()}
    for raw in data["apps"]:
        app = _app(dict(raw))
        for grant in app.grants:
            if grant.get("issuer") == old_url:
                grant["issuer"] = org_url
        store.apps[app.id] = app
    service_app, dpop_app = str(data["service_app"]), data.get("dpop_app")
    if service_app not in store.apps or (dpop_app is not None and dpop_app not in store.apps):
        raise ValueError("the built-in service app is missing")
    return KeptOrg(store, org_url, service_app, str(dpop_app) if dpop_app is not None else None)


def load_org(path: Path, org_url: str) -> tuple[KeptOrg | None, str | None]:
    """Return the org kept in ``path`` (None when there is none) and a notice when a broken file was set aside."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        reason = f"cannot be read ({exc.strerror if isinstance(exc, OSError) else 'it is not UTF-8 text'})"
    else:
        try:
            return restore(json.loads(text), org_url), None
        except (ValueError, KeyError, TypeError, AttributeError):
            reason = "is damaged (not an org this version of oktatool wrote)"
    try:
        where = f"it was kept as {keep_corrupt(path)}"
    except OSError:
        where = "it could not be moved aside and will be overwritten"
    return None, f"The sandbox's org file {path} {reason}; {where}. The sandbox started with a new org."


def kept_client_ids(directory: Path) -> frozenset[str]:
    """Return the app ids of the org kept in ``directory`` (empty when none is kept or it cannot be read)."""
    try:
        data = json.loads((directory / ORG_FILE).read_text(encoding="utf-8"))
        return frozenset(str(app["id"]) for app in data["apps"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
