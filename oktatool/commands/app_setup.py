"""`oktatool app create | keys | rotate | export`: set up a service app, look after its keys, export it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oktatool.commands.admin import AdminSession, admin_session
from oktatool.commands.common import load_key_arg, print_json, print_step, step_dict, terminal_text, write_output
from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.apps import AppKey
    from oktatool.core.okta.setup import Flow

READ_SCOPES = ("okta.apps.read",)
def _run(flow: Flow, *, quiet: bool) -> bool:
    return flow.run(None if quiet else print_step)


def create(args: argparse.Namespace) -> int:
    """Create an API Services app, grant scopes, assign roles, get a token, call once; save a profile."""
    from oktatool.core.okta.rotation import new_app_key
    from oktatool.core.okta.setup import MANAGE_SCOPES, SetupFlow, SetupRequest
    from oktatool.core.okta.tokens import normalize_scopes

    if args.jwks_uri and args.key is None:
        raise BadInputError("--jwks-uri needs the key whose public half the URL publishes: pass --key FILE",
                            hint="make one (oktatool keygen --kty RSA -o key.json), write its public JWKS "
                                 "(oktatool convert key.json --format jwks-public -o jwks.json), serve that at "
                                 "the URL over https, then run again with --key key.json")
    if args.key is None and not args.save_profile:
        raise BadInputError("a new key is kept only in a saved profile",
                            hint="add --save-profile NAME, or pass the app's key with --key FILE")
    scopes = normalize_scopes(args.scopes)
    key = load_key_arg(args.key, kid=None, password_file=None)[0] if args.key else new_app_key()
    if not key.kid:
        key = key.with_thumbprint_kid()
    with admin_session(args) as session:
        if args.save_profile and any(p.name == args.save_profile for p in session.context.settings.settings.profiles):
            raise BadInputError(f"a profile called {args.save_profile!r} already exists", hint="choose another name")
        if args.save_profile:
            session.context.unlocked_store()  # the new key must be storable before the first call to Okta
        request = SetupRequest(session.org, args.name, key, scopes, tuple(args.role), args.dpop, args.jwks_uri)
        flow = SetupFlow(request, session.admin_api(MANAGE_SCOPES), session.http)
        ok = _run(flow, quiet=args.json)
        saved = None
        if flow.client_id and args.save_profile:
            saved = session.context.save_app_profile(args.save_profile, session.org_setting, flow.client_id, key,
                                                     scopes=scopes, dpop=args.dpop).name
        if args.json:
            print_json({"ok": ok, "client_id": flow.client_id, "kid": key.kid, "jwks_uri": request.jwks_uri,
                        "roles": list(request.roles),
                        "profile": saved, "steps": [step_dict(s) for s in flow.steps]})
        else:
            why = "" if args.role else " (the narrowest standard role for these scopes; another: --role ROLE)"
            print(f"client_id: {flow.client_id or '-'}\nkid:       {key.kid}")
            if request.jwks_uri:
                print(terminal_text(f"jwks_uri:  {request.jwks_uri} (Okta fetches the keys there)"))
            print(f"role:      {' '.join(request.roles)}{why}")
            if saved:
                print(f"profile:   {saved} (key kept in the key library)")
        if not ok and flow.client_id and not args.json:
            print(terminal_text(f"the app {flow.client_id} exists: finish the failed step with `oktatool app grants` "
                                "or `oktatool app roles`, or run `oktatool doctor`"), file=sys.stderr)
        return 0 if ok else 1


def _library_kids(session: AdminSession) -> dict[str, str]:
    from oktatool.core.keys.library import read_entries

    return {e.kid: e.name for e in read_entries(session.context.library_index) if e.kid}


def _key_dict(key: AppKey, ours: dict[str, str]) -> dict[str, Any]:
    return {"id": key.id, "kid": key.kid, "status": key.status, "kty": key.kty, "alg": key.alg,
            "created": key.created, "library": ours.get(key.kid or "")}


def keys(args: argparse.Namespace) -> int:
    """List, add, activate, deactivate or delete the app's JWKS keys (Okta's rules checked first)."""
    from oktatool.core.okta import apps

    with admin_session(args) as session:
        client_id = session.require_client_id()
        action = args.keys_command
        if action == "use-url":
            from oktatool.commands.app_jwks_uri import use_url

            return use_url(args, session, client_id)
        api = session.admin_api(READ_SCOPES if action == "list" else ("okta.apps.manage",))
        ours = _library_kids(session)
        if action == "list":
            listed = apps.list_keys(api, client_id)
            if args.json:
                print_json([_key_dict(k, ours) for k in listed])
                return 0
            rows = [f"{'KID':44} {'STATUS':9} {'CREATED':25} LIBRARY"]
            rows += [f"{k.kid or '(no kid)':44} {k.status:9} {k.created:25} {ours.get(k.kid or '', '-')}"
                     for k in listed]
            write_output("\n".join(rows), None, private=False)
            return 0
        if action == "add":
            key = load_key_arg(args.operand, kid=None, password_file=None)[0]
            done = apps.add_key(api, client_id, key, active=not args.inactive)
        elif action == "activate":
            done = apps.activate_key(api, client_id, args.operand)
        elif action == "deactivate":
            done = apps.deactivate_key(api, client_id, args.operand)
        else:
            done = apps.delete_key(api, client_id, args.operand)
        if args.json:
            print_json({**_key_dict(done, ours), "status": "DELETED" if action == "delete" else done.status})
        else:
            what = "deleted" if action == "delete" else done.status
            print(terminal_text(f"{done.kid or done.id}: {what}"))
        return 0


def rotate(args: argparse.Namespace) -> int:
    """Add a new key, get a token with it, switch the profile to it, deactivate the old key; stop there.

    With ``--org URL --client-id ID`` there is no profile: the same steps but the switch, the old key being
    the app's one ACTIVE key, the scopes those granted to the app, and the new key the one ``--new-key`` gives.
    """
    from oktatool.commands.app_jwks_uri import rotate_on_url
    from oktatool.core.okta.apps import get_app
    from oktatool.core.okta.rotation import RotationFlow, RotationRequest, registered_app, successor_key

    new: Key | None = None
    if args.new_key:  # read before anything remote: a bad file is bad input with nothing changed
        new = load_key_arg(args.new_key, kid=None, password_file=None)[0]
        new = new if new.kid else new.with_thumbprint_kid()
    with admin_session(args) as session:
        profile = session.profile
        if profile is None and new is None:
            raise BadInputError("with --org and --client-id nothing would keep a generated key: give the new key",
                                hint="make one with oktatool keygen --kty RSA -o FILE, then pass --new-key FILE")
        if profile is not None and profile.is_sandbox and not profile.key_ref:
            raise BadInputError("the Local sandbox profile's built-in app always signs with the sandbox's own key",
                                hint="rotate a profile you saved (oktatool app create --profile \"Local sandbox\" "
                                     "... --save-profile NAME)")
        context, client_id = session.context, session.require_client_id()
        admin = session.admin_api(("okta.apps.manage",) + (("okta.appGrants.read",) if profile is None else ()))
        jwks_uri = get_app(admin, client_id).jwks_uri
        if jwks_uri is not None:
            return rotate_on_url(args, session, admin, new)
        if profile is None:
            assert new is not None
            found = registered_app(admin, client_id, session.org.base, new.kid)
            old_kid, scopes, dpop = found.old_kid, found.scopes, found.dpop

            def switch(key: Key) -> str:
                return f"no profile to switch (--org): keep {args.new_key}, the app now signs with {key.kid}"
        else:
            old = context.profile_key(profile)
            if not old.kid:
                raise BadInputError("the profile's key has no kid, so the registered key cannot be found")
            old_kid, scopes, dpop = old.kid, profile.scopes, profile.dpop
            new = new or successor_key(old)
            named = profile

            def switch(key: Key) -> str:
                ref = context.keep_app_key(named.name, key)
                context.save_settings(context.settings.settings.with_profile(named._replace(key_ref=ref)))
                return f"profile {named.name!r} signs with {key.kid} (library key {ref!r})"

        request = RotationRequest(session.org, client_id, old_kid, new, scopes, dpop)
        flow = RotationFlow(request, admin, session.http, switch)
        ok = _run(flow, quiet=args.json)
        if args.json:
            print_json({"ok": ok, "old_kid": old_kid, "new_kid": new.kid,
                        "steps": [step_dict(s) for s in flow.steps]})
        elif ok:
            print(terminal_text(f"rotated: {old_kid} -> {new.kid}; delete the old key later with "
                                f"`oktatool app keys delete {old_kid}`"))
        return 0 if ok else 1


def export(args: argparse.Namespace) -> int:
    """Print okta.yaml, env variables (POSIX or PowerShell), Terraform code or a curl recipe for the app."""
    from oktatool.commands.okta import _context, _read_profile
    from oktatool.core.okta.export import ExportSpec, holds_private_key, needs_key, render, with_key
    from oktatool.core.okta.orgurl import parse_org_url
    from oktatool.core.okta.tokens import normalize_scopes
    from oktatool.core.shells import default_shell

    if args.shell and args.export_as != "env":
        raise BadInputError(f"--shell applies to --as env only, not to --as {args.export_as}",
                            hint="leave --shell out, or use --as env")
    if args.key_by_path and args.export_as not in ("okta-yaml", "env"):
        raise BadInputError(f"--key-by-path applies to --as okta-yaml and env only, not to --as {args.export_as}")
    if args.key_by_path and not args.key_file:
        raise BadInputError("--key-by-path writes the key file's path: it needs --key-file FILE")
    context = _context(args)
    try:
        profile = _read_profile(context, args.profile) if args.profile else None
        if profile is not None and profile.is_sandbox:
            raise BadInputError("the Local sandbox's apps are kept, but its address is a new port each run, so "
                                "exported settings would point nowhere after a restart",
                                hint="export a profile for a real Okta org, or run `oktatool sandbox --port N "
                                     "--dir DIR` and export with --org URL --client-id ID")
        org = parse_org_url(args.org or (profile.org_url if profile else ""))
        client_id = args.client_id or (profile.client_id if profile else "")
        if not client_id:
            raise BadInputError("export needs --profile NAME, or --org URL and --client-id ID")
        kid = args.kid
        if kid is None and profile is not None and profile.key_ref:
            from oktatool.core.keys.library import read_entries

            kid = next((e.kid for e in read_entries(context.library_index) if e.name == profile.key_ref), None)
        scopes = normalize_scopes(args.scopes) if args.scopes else (profile.scopes if profile else ())
        if args.ca_bundle:
            from oktatool.core.okta.http import check_ca_bundle

            check_ca_bundle(Path(args.ca_bundle))
        spec = ExportSpec(org.base, client_id, scopes, kid, key_path=args.key_file, by_path=args.key_by_path,
                          dpop=args.dpop or bool(profile and profile.dpop),
                          label=profile.name if profile else "", ca_bundle=args.ca_bundle,
                          profile=profile.name if profile else None, jwks_uri=args.jwks_uri)
        if needs_key(args.export_as, spec):
            if args.key_file:
                key, _kids = load_key_arg(args.key_file, kid=kid, password_file=None)
            elif profile is not None:
                key = context.profile_key(profile)
            else:
                raise BadInputError(f"--as {args.export_as} needs the app's private key", hint="pass --key-file FILE")
            spec = with_key(spec, key)
        text = render(args.export_as, spec, shell=args.shell or default_shell())
        secret = holds_private_key(args.export_as, spec)
        write_output(text, args.output, private=secret)
        if secret:
            where = (f"wrote {args.output}, readable by you only (mode 0600)" if args.output not in (None, "-")
                     else "use -o FILE to write it readable by you only (mode 0600)")
            print(f"note: this export holds the app's private key; {terminal_text(where)}", file=sys.stderr)
        return 0
    finally:
        context.close()
