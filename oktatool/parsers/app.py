"""The parsers of ``oktatool app ...`` (set up and look after a service app) and of ``oktatool doctor``."""

from __future__ import annotations

from typing import Any

from oktatool.core.shells import SHELLS
from oktatool.parsers.options import HouseParser, add_admin_options, add_auth_server_option, add_target_options


def _add_app_actions(actions: Any, area: str, help_text: str, specs: tuple[tuple[str, str, str | None], ...]) -> Any:
    """Add ``app AREA ACTION`` parsers: each takes its operand (``SCOPE...`` is one or more), TARGET, ADMIN, --json.

    Returns the subparsers action, whose ``choices`` map each action to its parser.
    """
    parser = actions.add_parser(area, help=help_text)
    area_actions = parser.add_subparsers(dest=f"{area}_command", metavar=f"{area.upper()}_ACTION",
                                         parser_class=HouseParser, required=True)
    for name, action_help, operand in specs:
        q = area_actions.add_parser(name, help=action_help)
        if operand == "SCOPE...":
            q.add_argument("scopes", nargs="+", metavar="SCOPE")
        elif operand:
            q.add_argument("operand", metavar=operand)
        add_target_options(q)
        add_admin_options(q)
        q.add_argument("--json", action="store_true", help="print JSON")
    return area_actions


def add_app_parsers(sub: Any) -> None:
    """Add ``app`` and its actions: create, keys, rotate, migrate-to-key, grants, roles, tokens, export."""
    app = sub.add_parser("app", help="set up and look after a service app (create, keys, rotate, migrate-to-key, "
                                     "grants, roles, tokens)",
                         description="Set up and look after a service app. --profile \"Local sandbox\" works on "
                                     "the built-in sandbox org, which keeps its apps, keys, grants, roles and users "
                                     "in the data folder (<data>/sandbox) across runs: a profile saved there names "
                                     "the Local sandbox, not a port, and needs no admin flag.")
    actions = app.add_subparsers(dest="app_command", metavar="ACTION", parser_class=HouseParser, required=True)

    p = actions.add_parser("create", help="create an API Services app, grant scopes, assign a role")
    add_target_options(p, client_id=False)
    p.add_argument("--name", required=True, metavar="NAME", help="the app's label in Okta")
    p.add_argument("--scopes", required=True, metavar='"S1 S2"', help="Okta API scopes to grant")
    p.add_argument("--key", metavar="FILE", help="the app's private key (default: a new RSA-2048 key)")
    p.add_argument("--jwks-uri", metavar="URL",
                   help="Okta fetches the app's public keys from this https URL instead of saving them (needs --key: "
                        "publish its public half there first, e.g. oktatool convert FILE --format jwks-public); "
                        "checked before the app is made: a JWKS with the key's kid, kids unique, no private keys")
    p.add_argument("--role", action="append", default=[], metavar="ROLE",
                   help="admin role to assign (repeatable; default: the narrowest standard role that covers the "
                        "scopes, READ_ONLY_ADMIN for read scopes; SUPER_ADMIN only when asked for or when the scopes "
                        "grant scopes or assign roles)")
    p.add_argument("--dpop", action="store_true", help="require DPoP-bound tokens")
    p.add_argument("--save-profile", metavar="NAME", help="save a profile for the new app")
    add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    key_actions = _add_app_actions(actions, "keys", "list, add, activate, deactivate or delete the app's JWKS keys, "
                                   "or move them to a URL", (
        ("list", "list the app's keys", None),
        ("add", "register a public key", "FILE"),
        ("activate", "make a key ACTIVE", "KID"),
        ("deactivate", "make a key INACTIVE", "KID"),
        ("delete", "delete an INACTIVE key", "KID"),
        ("use-url", "fetch the app's keys from a jwks_uri instead (Okta deletes the saved keys)", "URL"),
    ))
    key_actions.choices["add"].add_argument("--inactive", action="store_true", help="add it INACTIVE")
    key_actions.choices["use-url"].add_argument("--yes", action="store_true",
                                                help="switch without asking (needed without a terminal)")

    p = actions.add_parser("rotate", help="add a new key, get a token with it, switch the profile, deactivate the old",
                           description="Add the new key, get a token signed with it, switch the profile to it and "
                                       "deactivate the old key (never deleted). With --org URL --client-id ID there "
                                       "is no profile: the old key is the app's one ACTIVE key, the token asks for "
                                       "the scopes granted to the app, and --new-key FILE is required. On a Local "
                                       "sandbox profile ADMIN may be left out. For an app whose keys are published "
                                       "at a URL (jwks_uri) the app is not changed: the JWKS file to publish is "
                                       "written with the old and the new key, the URL is checked for the new kid "
                                       "(serve the file, then run again: it goes on from there), a token proves the "
                                       "new key, the profile switches, and the file is written with only the new "
                                       "key, to serve next.")
    add_target_options(p)
    p.add_argument("--new-key", metavar="FILE", help="the new private key (default with --profile: a new key of the "
                                                     "same type, kept in the key library)")
    p.add_argument("--jwks-file", metavar="FILE",
                   help="for a jwks_uri app: where the JWKS to publish is written (default: jwks-CLIENT_ID.json)")
    add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = actions.add_parser("migrate-to-key", help="move an app from a client secret to a key pair (private_key_jwt)",
                           description="Move a service app from a client secret to a key pair: list the client "
                                       "secrets the switch deletes, add the public key, ask, switch "
                                       "token_endpoint_auth_method to private_key_jwt (Okta then deletes the "
                                       "secrets: code that still uses one stops working at that moment) and get a "
                                       "token with the key. Run it again after a failure: it goes on from where it "
                                       "stopped. With --jwks-uri URL the public key is published at that URL "
                                       "instead of saved in Okta (checked first: https, the key's kid there).")
    add_target_options(p)
    p.add_argument("--key", metavar="FILE", help="the app's new private key (default with --profile: the profile's "
                                                 "key, or a new RSA key; the profile then signs with it)")
    p.add_argument("--jwks-uri", metavar="URL", help="Okta fetches the public key from this https URL (publish it "
                                                     "there first: oktatool convert KEY --format jwks-public)")
    p.add_argument("--yes", action="store_true", help="switch without asking (needed without a terminal)")
    add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    _add_app_actions(actions, "grants", "list, grant or revoke the app's Okta API scopes", (
        ("list", "list the granted scopes", None),
        ("grant", "grant scopes", "SCOPE..."),
        ("revoke", "revoke scopes", "SCOPE..."),
    ))
    roles = _add_app_actions(actions, "roles", "list, assign (scoped to groups or apps), build a custom role for, "
                                               "or unassign the app's admin roles", (
        ("list", "list the assigned roles, their targets, and what the app can do in plain words", None),
        ("assign", "assign a standard role, scoped with --group or --app", "ROLE"),
        ("custom", "create a custom role with the permissions the --scope scopes need, over a resource set of "
                   "--group, --app and --user, and bind it to the app", None),
        ("unassign", "unassign a role by its assignment id (a custom role's resource set and role go with it)", "ID"),
    )).choices
    for action in ("assign", "custom"):
        q = roles[action]
        q.add_argument("--group", action="append", default=[], metavar="GROUP",
                       help="a group (exact name or id) the role is scoped to (repeatable)")
        q.add_argument("--app", action="append", default=[], metavar="APP",
                       help="an app (exact label or id) the role is scoped to (repeatable)")
    roles["custom"].add_argument("--scope", dest="role_scopes", action="append", required=True, metavar="SCOPE",
                                 help='an Okta API scope whose calls the role must allow (repeatable, or "S1 S2")')
    roles["custom"].add_argument("--user", action="append", default=[], metavar="USER",
                                 help="a user (login or id) the role reaches (repeatable)")
    roles["custom"].add_argument("--label", metavar="LABEL",
                                 help="the custom role's and resource set's label (default: oktatool CLIENT_ID)")
    for action in ("assign", "custom", "unassign"):
        roles[action].add_argument("--dry-run", action="store_true",
                                   help="print the exact requests and send none (every write prints them first)")

    revoke = _add_app_actions(actions, "tokens", "list the app's tokens, or revoke one or all", (
        ("list", "list the app's tokens (Okta lists refresh tokens here: none for a client-credentials app)", None),
        ("revoke", "revoke one token (--id ID) or every token of the app (--all)", None),
    )).choices["revoke"]
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="token_id", metavar="ID", help="the token's id, from `app tokens list`")
    which.add_argument("--all", dest="all_tokens", action="store_true", help="revoke every token of the app")

    p = actions.add_parser("export", help="write the settings code needs: okta.yaml, env, Terraform or curl")
    add_target_options(p, network=False)
    p.add_argument("--as", dest="export_as", required=True, choices=("okta-yaml", "env", "terraform", "curl"))
    p.add_argument("--key-file", metavar="FILE",
                   help="the app's private key (default: the profile's); okta-yaml and env hold the key itself, "
                        "terraform its public half, the curl recipe names the file")
    p.add_argument("--key-by-path", action="store_true",
                   help="okta-yaml and env name --key-file by its path (okta-sdk-python only) instead of holding "
                        "the key")
    p.add_argument("--dpop", action="store_true", help="the app requires DPoP (default: the profile's setting)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (owner-only, mode 0600, when it holds the private key)")
    p.add_argument("--scopes", metavar='"S1 S2"', help="the scopes the code asks for (default: the profile's)")
    p.add_argument("--kid", metavar="ID", help="the key's kid (default: the profile's key's)")
    p.add_argument("--jwks-uri", metavar="URL", help="the app fetches its keys from URL: --as terraform writes "
                                                     "jwks_uri instead of the public key (no key needed for it)")
    p.add_argument("--shell", choices=SHELLS,
                   help="the shell --as env is written for: posix (export NAME='value') or powershell "
                        "($env:NAME = 'value'); default powershell on Windows, posix elsewhere")


def add_doctor_parser(sub: Any) -> None:
    """Add ``doctor``, which checks a service app for every cause of the common problems."""
    p = sub.add_parser("doctor", help="check every cause of the common service-app problems")
    add_target_options(p, key=True)
    add_auth_server_option(p)
    p.add_argument("--scopes", metavar='"S1 S2"', help="the scopes the app should be able to get")
    add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

