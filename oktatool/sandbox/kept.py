"""A kept org: the sandbox's users, groups, apps (keys, grants, roles, role targets), custom roles and resource
sets in one private file across restarts.

The file is written atomically (0600) after every change; a file that cannot be read back is moved aside
as ``org.json.corrupt-<UTC time>`` and the org starts from its seed, with a notice saying so. Tokens, used
jtis and the System Log are not kept: they belong to one run (a restart ends every session, as Okta's
tokens would expire).

Several sandboxes may keep one org at once (the window's and a command's, each in its own process):
``KeptFile`` makes every change against the file as it is now, under an exclusive lock on ``org.lock``
beside it, and tells a sandbox when the file changed since it last read or wrote it (one stat).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from oktatool.core.files import exclusive_lock, keep_corrupt, write_atomic
from oktatool.sandbox.store import App, AppKey, OrgStore

ORG_FILE = "org.json"
LOCK_FILE = "org.lock"
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
        "custom_roles": list(store.custom_roles.values()),
        "resource_sets": list(store.resource_sets.values()),
    }


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
    # an org file written before custom roles and resource sets has neither
    store.custom_roles = {str(role["id"]): dict(role) for role in data.get("custom_roles", [])}
    store.resource_sets = {str(found["id"]): dict(found) for found in data.get("resource_sets", [])}
    service_app, dpop_app = str(data["service_app"]), data.get("dpop_app")
    if service_app not in store.apps or (dpop_app is not None and dpop_app not in store.apps):
        raise ValueError("the built-in service app is missing")
    return KeptOrg(store, org_url, service_app, str(dpop_app) if dpop_app is not None else None)


#: what tells one version of the org file from the next: inode, size and modification time
FileIdentity = tuple[int, int, int]


def _identity(facts: os.stat_result) -> FileIdentity:
    return facts.st_ino, facts.st_size, facts.st_mtime_ns


class KeptFile:
    """The org file of one folder, shared by every sandbox that keeps its org there (in any process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_file = path.with_name(LOCK_FILE)
        self._seen: FileIdentity | None = None
        # POSIX: the version last seen stays open, so its inode cannot be reused by a newer version with the
        # same size and time (the stat would miss the change). Windows could not replace an open file, and
        # NTFS file ids carry a sequence number, so nothing is held there.
        self._held: IO[bytes] | None = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the org's inter-process lock (no other sandbox reads or writes the file meanwhile)."""
        with exclusive_lock(self.lock_file):
            yield

    def changed(self) -> bool:
        """Say whether the file changed (or went) since this sandbox last read or wrote it: one stat."""
        try:
            return _identity(os.stat(self.path)) != self._seen
        except OSError:
            return self._seen is not None

    def _see(self, handle: IO[bytes] | None, seen: FileIdentity | None) -> None:
        held, self._held, self._seen = self._held, handle, seen
        if held is not None:
            held.close()

    def _keep_open(self, handle: IO[bytes], seen: FileIdentity) -> None:
        if os.name == "nt":
            handle.close()
            self._see(None, seen)
        else:
            self._see(handle, seen)

    def load(self, org_url: str) -> tuple[KeptOrg | None, str | None]:
        """Return the org kept now (None when there is none) and a notice when a broken file was set aside.

        Call with the lock held.
        """
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            self._see(None, None)
            return None, None
        except OSError as exc:
            reason = f"cannot be read ({exc.strerror})"
        else:
            try:
                raw = handle.read()
                seen = _identity(os.fstat(handle.fileno()))  # the version read, not a second stat of the path
            except OSError as exc:
                handle.close()
                reason = f"cannot be read ({exc.strerror})"
            else:
                self._keep_open(handle, seen)
                try:
                    return restore(json.loads(raw.decode("utf-8")), org_url), None
                except UnicodeDecodeError:
                    reason = "cannot be read (it is not UTF-8 text)"
                except (ValueError, KeyError, TypeError, AttributeError):
                    reason = "is damaged (not an org this version of oktatool wrote)"
        self._see(None, None)
        try:
            where = f"it was kept as {keep_corrupt(self.path)}"
        except OSError:
            where = "it could not be moved aside and will be overwritten"
        return None, f"The sandbox's org file {self.path} {reason}; {where}. The sandbox started with a new org."

    def save(self, store: OrgStore, org_url: str, service_app: str, dpop_app: str | None) -> None:
        """Write the org all or nothing, owner-only (call with the store's lock and this file's lock held)."""
        data = json.dumps(snapshot(store, org_url, service_app, dpop_app), separators=(",", ":"))
        write_atomic(self.path, data.encode("utf-8"), mode=0o600)
        handle = self.path.open("rb")  # nobody else writes while the lock is held: this is the version written
        self._keep_open(handle, _identity(os.fstat(handle.fileno())))

    def close(self) -> None:
        """Let go of the version held open."""
        self._see(None, self._seen)


def kept_client_ids(directory: Path) -> frozenset[str]:
    """Return the app ids of the org kept in ``directory`` (empty when none is kept or it cannot be read)."""
    try:
        data = json.loads((directory / ORG_FILE).read_text(encoding="utf-8"))
        return frozenset(str(app["id"]) for app in data["apps"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
