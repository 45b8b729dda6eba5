"""`oktatool app migrate-to-key`: move a service app from a client secret to a key pair, asking before the switch."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from oktatool.commands.admin import AdminSession, admin_session
from oktatool.commands.common import load_key_arg, print_json, print_step, step_dict, terminal_text
from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.migration import MigrationFlow


def _key(args: argparse.Namespace, session: AdminSession) -> Key:
    """Return the key the app moves to: --key, else the profile's, else a new one.

    With a profile, a key it does not sign with yet (--key's or the new one) is kept in the key library and the
    profile pointed at it before any call: the profile works once the app is switched, and a run stopped anywhere
    goes on with the same key when the command runs again.
    """
    from oktatool.core.okta.rotation import new_app_key

    profile, context = session.profile, session.context
    if args.key:
        key = load_key_arg(args.key, kid=None, password_file=None)[0]
        key = key if key.kid else key.with_thumbprint_kid()
    elif profile is None:
        raise BadInputError("with --org and --client-id nothing would keep a generated key: give the app's new key",
                            hint="make one with oktatool keygen --kty RSA -o FILE, then pass --key FILE")
    elif profile.key_ref or profile.is_sandbox:
        return context.profile_key(profile)
    else:
        key = new_app_key()
    if profile is None:
        return key
    ref = context.keep_app_key(profile.name, key)
    context.save_settings(context.settings.settings.with_profile(profile._replace(key_ref=ref)))
    print(terminal_text(f"key {key.kid} kept in the key library as {ref!r}; profile {profile.name!r} signs with it"),
          file=sys.stderr)
    return key


def _agreed(flow: MigrationFlow, *, yes: bool) -> bool:
    """List the secrets the switch deletes and ask (``--yes`` answers for the user)."""
    already = flow.step("secrets").result.startswith("the app authenticates with private_key_jwt already")
    if already and not flow.saved_kids:
        return True
    lines = [] if already else [f"switching {flow.request.client_id} to private_key_jwt deletes its client secrets; "
                                "code that still uses one stops working at that moment:"]
    lines += [] if already else [f"  {s.describe()}" for s in flow.secrets] or ["  (none listed)"]
    if flow.saved_kids:
        lines += [f"switching {flow.request.client_id} to the jwks_uri {flow.request.jwks_uri} deletes its saved "
                  f"keys: {', '.join(flow.saved_kids)}"]
    print(terminal_text("\n".join(lines)), file=sys.stderr)
    if yes:
        return True
    answer = input("switch now? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _secret_dict(flow: MigrationFlow) -> list[dict[str, Any]]:
    return [{"id": s.id, "status": s.status, "created": s.created, "secret_hash": s.secret_hash}
            for s in flow.secrets]


def migrate_to_key(args: argparse.Namespace) -> int:
    """List the secrets that go, add the key, ask, switch to private_key_jwt, prove a token with the key."""
    from oktatool.core.okta.migration import MANAGE_SCOPES, SWITCH, MigrationFlow, MigrationRequest

    if not args.yes and not sys.stdin.isatty():  # bad input before anything remote changes
        raise BadInputError("the switch deletes the app's client secrets and there is no terminal to ask",
                            hint="add --yes to switch without asking")
    with admin_session(args) as session:
        client_id = session.require_client_id()
        key = _key(args, session)
        scopes = session.profile.scopes if session.profile is not None else ()
        flow = MigrationFlow(MigrationRequest(session.org, client_id, key, scopes, args.jwks_uri),
                             session.admin_api(MANAGE_SCOPES), session.http)
        show = None if args.json else print_step
        ok = flow.run(show, until=SWITCH)
        declined = ok and not _agreed(flow, yes=args.yes)
        if ok and not declined:
            ok = flow.run(show)
        if args.json:
            print_json({"ok": ok and not declined, "client_id": client_id, "kid": key.kid, "jwks_uri": args.jwks_uri,
                        "secrets_deleted": _secret_dict(flow) if flow.step(SWITCH).status == "done" else [],
                        "steps": [step_dict(s) for s in flow.steps]})
        elif declined:
            print("not switched: the app keeps its secrets (the key stays added; run again to go on)",
                  file=sys.stderr)
        elif ok:
            print(terminal_text(f"moved: {client_id} authenticates with private_key_jwt, kid {key.kid}"))
        return 0 if ok and not declined else 1
