"""`oktatool saved ...` and `api --saved NAME`: the Console's saved requests on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oktatool.commands.common import print_json, terminal_text
from oktatool.core.errors import BadInputError, ConfigError

if TYPE_CHECKING:
    import argparse

    from oktatool.core.okta.saved_requests import Owner, SavedStore


def _store() -> SavedStore:
    from oktatool.core.okta.saved_requests import store_for
    from oktatool.core.store.paths import AppPaths

    return store_for(AppPaths.resolve())


def _owner(profile_name: str | None) -> Owner | None:
    """Return the profile ``profile_name`` as saved requests name their owner (None without a profile)."""
    if profile_name is None:
        return None
    from oktatool.core.okta.saved_requests import Owner
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.settings import load_settings

    loaded = load_settings(AppPaths.resolve().settings_file, keep_aside=False)
    if loaded.notice:
        raise ConfigError(loaded.notice)
    for profile in loaded.settings.profiles:
        if profile.name == profile_name:
            return Owner(profile.name, profile.org_url)
    raise BadInputError(f"no profile named {profile_name!r}")


def _variables(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInputError(f"--var {pair!r} is not NAME=VALUE")
        values[name.strip()] = value
    return values


def saved_call(args: argparse.Namespace) -> tuple[str, str, Any, dict[str, str]]:
    """Return method, path with query, body and headers of ``--saved NAME``, its variables filled.

    Variables come from the profile's table in the data dir, then ``--var NAME=VALUE`` (which wins).
    """
    from oktatool.core.okta.saved_requests import fill, find

    if args.method or args.path or args.data is not None:
        raise BadInputError("api --saved NAME takes no METHOD, PATH or --data: the saved request names them")
    store = _store()
    owner = _owner(args.profile)
    request = find(store.load(), args.saved, owner)
    values = {**(store.load_variables(owner) if owner else {}), **_variables(args.var or [])}
    filled = fill(request, values)
    return filled.method, filled.full_path(), filled.body, dict(filled.headers)


def saved(args: argparse.Namespace) -> int:
    """List, show, delete, import or export saved requests."""
    store = _store()
    if args.action == "import":
        requests, count = store.import_file(args.file)
        print(f"imported {count} saved request(s); {len(requests)} kept", file=sys.stderr)
        return 0
    if args.action == "export":
        count = store.export_file(Path(args.file))
        print(f"exported {count} saved request(s) to {terminal_text(args.file)}", file=sys.stderr)
        return 0
    owner = _owner(args.profile)
    requests = store.load()
    if args.action == "list":
        from oktatool.core.okta.saved_requests import to_json

        shown = [r for r in requests if owner is None or r.fits(owner)]
        if args.json:
            print_json([to_json(r) for r in shown])
        else:
            for request in shown:
                fields = (request.name, f"{request.method} {request.full_path()}", request.scope_text)
                print("\t".join(terminal_text(text) for text in fields))
        return 0
    from oktatool.core.okta.saved_requests import find, to_json

    request = find(requests, args.name, owner)
    if args.action == "show":
        print_json(to_json(request))
        return 0
    store.save([r for r in requests if r is not request])
    print(terminal_text(f"deleted {request.name!r} ({request.scope_text})"), file=sys.stderr)
    return 0
