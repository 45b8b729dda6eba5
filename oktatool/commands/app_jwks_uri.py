"""`oktatool app keys use-url` and `app rotate` for an app whose keys are published at a URL (jwks_uri)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.commands.admin import AdminSession
from oktatool.commands.common import print_json, print_step, step_dict, terminal_text
from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient


def _ask(lines: list[str], *, yes: bool) -> bool:
    print(terminal_text("\n".join(lines)), file=sys.stderr)
    if yes:
        return True
    return input("switch now? [y/N] ").strip().lower() in ("y", "yes")


def use_url(args: argparse.Namespace, session: AdminSession, client_id: str) -> int:
    """Switch the app to fetch its keys from a URL: check the URL first, list the saved keys that go, ask, switch."""
    from oktatool.core.okta import apps
    from oktatool.core.okta.jwks_uri import check_jwks_uri_text, check_jwks_url, org_fetches_loopback

    if not args.yes and not sys.stdin.isatty():  # bad input before anything remote changes
        raise BadInputError("the switch deletes the app's saved keys and there is no terminal to ask",
                            hint="add --yes to switch without asking")
    loopback = org_fetches_loopback(session.org)
    url = check_jwks_uri_text(args.operand, allow_loopback_http=loopback)
    api = session.admin_api(("okta.apps.manage",))
    saved = apps.list_keys(api, client_id)
    if session.profile is not None:
        kids = [session.context.profile_key(session.profile).kid]
    else:  # no profile says which key signs: every ACTIVE saved key must go on working
        kids = [k.kid for k in saved if k.active]
    published = check_jwks_url(url, None, allow_loopback_http=loopback, http=session.http)
    missing = [str(kid) for kid in kids if kid not in published.kids]
    if missing or not kids:
        raise BadInputError(f"the key set at {url} does not hold the signing kid {', '.join(missing) or '(none)'} "
                            f"(its kids: {', '.join(published.kids)})",
                            hint="publish the public key the app signs with there first "
                                 "(oktatool convert KEY --format jwks-public -o jwks.json)")
    lines = [f"switching {client_id} to the jwks_uri {url} deletes the keys saved in Okta:"]
    lines += [f"  {k.kid or k.id} ({k.status}, created {k.created or '?'})" for k in saved] or ["  (none saved)"]
    if not _ask(lines, yes=args.yes):
        print("not switched: the app keeps its saved keys", file=sys.stderr)
        return 1
    app = apps.set_jwks_uri(api, client_id, url)
    deleted = [k.kid or k.id for k in saved]
    if args.json:
        print_json({"client_id": app.id, "jwks_uri": app.jwks_uri, "deleted_kids": deleted,
                    "published_kids": list(published.kids)})
    else:
        print(terminal_text(f"{app.id}: keys fetched from {app.jwks_uri} ({', '.join(published.kids)}); deleted "
                            f"{len(deleted)} saved key(s)"))
    return 0


def _next_key(session: AdminSession, old: Key, jwks_file: Path) -> Key:
    """Return the key a profile rotates to: one an earlier run kept and wrote to the JWKS file, else a new one
    (kept in the key library now, so that a run stopped before the switch goes on with it)."""
    import json

    from oktatool.core.okta.rotation import successor_key

    profile = session.profile
    assert profile is not None
    try:
        written = json.loads(jwks_file.read_text(encoding="utf-8")).get("keys", [])
    except (OSError, ValueError, AttributeError):
        written = []
    for jwk in written if isinstance(written, list) else []:
        kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if isinstance(kid, str) and kid != old.kid:
            kept = session.context.kept_app_key(profile.name, kid)
            if kept is not None:
                print(terminal_text(f"going on with the new key {kid} from the earlier run"), file=sys.stderr)
                return kept
    new = successor_key(old)
    ref = session.context.keep_app_key(profile.name, new)
    print(terminal_text(f"new key {new.kid} kept in the key library as {ref!r} (the profile switches to it once "
                        "the URL serves it)"), file=sys.stderr)
    return new


def rotate_on_url(args: argparse.Namespace, session: AdminSession, admin: ApiClient, new: Key | None) -> int:
    """Rotate a jwks_uri app: the file with old and new keys, the URL checked, a token, the switch, new only."""
    from oktatool.core.okta.apps import get_app
    from oktatool.core.okta.grants import AppAccess
    from oktatool.core.okta.jwks_uri import check_jwks_url, org_fetches_loopback
    from oktatool.core.okta.rotation import RotationRequest
    from oktatool.core.okta.url_rotation import (
        UrlRotationFlow,
        UrlRotationRequest,
        default_jwks_file,
        published_app_kid,
    )

    profile, context, client_id = session.profile, session.context, session.require_client_id()
    jwks_file = Path(args.jwks_file or default_jwks_file(client_id))
    loopback = org_fetches_loopback(session.org)
    old_public = None
    if profile is None:
        assert new is not None
        app = get_app(admin, client_id)
        assert app.jwks_uri is not None
        published = check_jwks_url(app.jwks_uri, None, allow_loopback_http=loopback, http=session.http)
        old_kid = published_app_kid(published.kids, new.kid, client_id)
        scopes = tuple(sorted({g.scope_id for g in AppAccess(admin, client_id, session.org.base).list_grants()
                               if g.active}))
        dpop = app.dpop_required
        new_key = new

        def switch(key: Key) -> str:
            return f"no profile to switch (--org): keep {args.new_key}, sign with {key.kid} from now on"
    else:
        old = context.profile_key(profile)
        if not old.kid:
            raise BadInputError("the profile's key has no kid, so the published key cannot be found")
        old_kid, scopes, dpop, old_public = old.kid, profile.scopes, profile.dpop, old.okta_public_dict()
        new_key = new or _next_key(session, old, jwks_file)
        named = profile

        def switch(key: Key) -> str:
            ref = context.keep_app_key(named.name, key)
            context.save_settings(context.settings.settings.with_profile(named._replace(key_ref=ref)))
            return f"profile {named.name!r} signs with {key.kid} (library key {ref!r})"

    request = UrlRotationRequest(RotationRequest(session.org, client_id, old_kid, new_key, scopes, dpop), jwks_file,
                                 allow_loopback_http=loopback, old_public=old_public)
    flow = UrlRotationFlow(request, admin, session.http, switch)
    ok = flow.run(None if args.json else print_step)
    if args.json:
        print_json({"ok": ok, "old_kid": old_kid, "new_kid": new_key.kid, "jwks_uri": flow.url or None,
                    "jwks_file": str(jwks_file), "steps": [step_dict(s) for s in flow.steps]})
    elif ok:
        print(terminal_text(f"rotated: {old_kid} -> {new_key.kid}; the app is unchanged. Serve {jwks_file} (only the "
                            f"new key now) at {flow.url}"))
    return 0 if ok else 1
