"""Command-line entry point: `oktatool` alone opens the window, subcommands script the core.

The contract (commands, flags, exit status) is in DESIGN.md and the README. Handlers live in
``oktatool.commands.<area>`` and are imported only when their command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from oktatool import __version__

if TYPE_CHECKING:
    import argparse

#: subcommand -> module under oktatool.commands that holds a function of the same name
COMMANDS = {
    "keygen": "keys",
    "convert": "keys",
    "thumbprint": "keys",
    "assertion": "jwt",
    "sign": "jwt",
    "decode": "jwt",
    "verify": "jwt",
    "token": "okta",
    "api": "okta",
    "scopes": "scopes",
    "sandbox": "sandbox",
    "app": "app",
    "doctor": "doctor",
    "saved": "saved",
}

KEY_FORMATS = ("jwk", "jwk-public", "jwks", "jwks-public", "pem", "pem-traditional", "pem-public", "cert")
KID_MODES = ("thumbprint", "random", "timestamp", "iso-date", "none")


#: what -o does with private material, on every OS
PRIVATE_OUTPUT_HELP = "write to FILE (private material owner-only: mode 0600, on Windows an access list for you alone)"


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class _Parser(argparse.ArgumentParser):
        """ArgumentParser whose usage errors follow the house format and exit 2."""

        def error(self, message: str) -> None:  # type: ignore[override]
            # one line and a hint, like every other error (argparse would print the whole usage first)
            hint = f"see `{self.prog} --help`"
            required = "the following arguments are required: "
            if message.startswith(required):
                names = [name.strip() for name in message[len(required):].split(",")]
                message = f"{self.prog} needs {' and '.join(names)}"
                hint = "; ".join([*filter(None, (self._takes(name) for name in names)), hint])
            self.exit(2, f"error: {message}\nhint: {hint}\n")

        def _takes(self, name: str) -> str | None:
            """Say what the argument ``name`` takes (its choices, or its placeholder)."""
            for action in self._actions:
                if name in action.option_strings or name in (action.metavar, action.dest):
                    if action.choices:
                        return f"{name} takes one of: {', '.join(map(str, action.choices))}"
                    if action.help and not action.option_strings:
                        return f"{name}: {action.help}"
                    if action.metavar and action.option_strings:
                        return f"give {name} {action.metavar}"
            return None

    return _Parser


#: help of --store-passphrase-file (a global option, also taken after the commands that read the store)
_STORE_OPTION_HELP = ("passphrase of the encrypted secret store (first line of FILE; default: the file "
                      "OKTATOOL_STORE_PASSPHRASE_FILE names, else asked on a terminal)")


def _add_store_option(p: argparse.ArgumentParser, *, after_command: bool = True) -> None:
    """Add --store-passphrase-file; after a command it leaves the global value alone unless given there."""
    import argparse

    p.add_argument("--store-passphrase-file", metavar="FILE", help=_STORE_OPTION_HELP,
                   default=argparse.SUPPRESS if after_command else None)


def _add_org_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="NAME", help="read org, client id, key and scopes from this profile")
    p.add_argument("--org", metavar="URL", help="Okta org: https://host or a bare host (http only for loopback)")
    p.add_argument("--client-id", metavar="ID", help="the service app's client id")
    p.add_argument("--key", metavar="FILE", help="private key of the service app (JWK, JWKS, PEM)")
    p.add_argument("--kid", metavar="ID", help="key id to use (pick from a JWKS, or set the header kid)")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key (first line)")
    p.add_argument("--scopes", metavar='"S1 S2"', help="space-separated Okta API scopes")
    p.add_argument("--dpop", action="store_true", help="ask for a DPoP-bound token and sign DPoP proofs")
    p.add_argument("--ca-bundle", metavar="FILE", help="extra CA certificates (PEM) to trust")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="network timeout (default 30)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_store_option(p)


def _add_auth_server_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--auth-server", metavar="ID",
                   help="authorization server: org (the default; Okta API scopes), default, or a custom one's id "
                        "(aus...) for your own APIs' scopes")


def _add_target_options(p: argparse.ArgumentParser, *, key: bool = False, client_id: bool = True,
                        network: bool = True) -> None:
    """Add TARGET (``--client-id`` unless the command makes the app), the key, and the network options.

    Without ``network`` the command calls nobody: ``--ca-bundle`` goes into what it writes, no ``--timeout``.
    """
    p.add_argument("--profile", metavar="NAME", help="the service app of this profile")
    p.add_argument("--org", metavar="URL", help="Okta org: https://host or a bare host (http only for loopback)")
    if client_id:
        p.add_argument("--client-id", metavar="ID", help="the service app's client id")
    if key:
        p.add_argument("--key", metavar="FILE", help="private key of the service app (JWK, JWKS, PEM)")
        p.add_argument("--kid", metavar="ID", help="key id to use (pick from a JWKS, or set the header kid)")
        p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key (first line)")
    if not network:
        p.add_argument("--ca-bundle", metavar="FILE", help="extra CA certificates (PEM) for curl (--cacert FILE)")
        return
    p.add_argument("--ca-bundle", metavar="FILE", help="extra CA certificates (PEM) to trust")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="network timeout (default 30)")


def _add_admin_options(p: argparse.ArgumentParser) -> None:
    admin = p.add_mutually_exclusive_group()
    admin.add_argument("--api-token-file", metavar="FILE",
                       help="an admin's SSWS API token (first line of FILE); never put it on the command line. "
                            "On a Local sandbox profile neither is needed: the sandbox's own token is used")
    admin.add_argument("--admin-profile", metavar="NAME",
                       help="a profile whose token carries the admin scopes (okta.apps.*, okta.appGrants.*, ...)")
    _add_store_option(p)


def _add_app_actions(actions: Any, area: str, help_text: str, parser_class: type[argparse.ArgumentParser],
                     specs: tuple[tuple[str, str, str | None], ...]) -> Any:
    """Add ``app AREA ACTION`` parsers: each takes its operand (``SCOPE...`` is one or more), TARGET, ADMIN, --json.

    Returns the subparsers action, whose ``choices`` map each action to its parser.
    """
    parser = actions.add_parser(area, help=help_text)
    area_actions = parser.add_subparsers(dest=f"{area}_command", metavar=f"{area.upper()}_ACTION",
                                         parser_class=parser_class, required=True)
    for name, action_help, operand in specs:
        q = area_actions.add_parser(name, help=action_help)
        if operand == "SCOPE...":
            q.add_argument("scopes", nargs="+", metavar="SCOPE")
        elif operand:
            q.add_argument("operand", metavar=operand)
        _add_target_options(q)
        _add_admin_options(q)
        q.add_argument("--json", action="store_true", help="print JSON")
    return area_actions


def _add_app_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    from oktatool.core.shells import SHELLS

    app = sub.add_parser("app", help="set up and look after a service app (create, keys, rotate, migrate-to-key, "
                                     "grants, roles, tokens)",
                         description="Set up and look after a service app. --profile \"Local sandbox\" works on "
                                     "the built-in sandbox org, which keeps its apps, keys, grants, roles and users "
                                     "in the data folder (<data>/sandbox) across runs: a profile saved there names "
                                     "the Local sandbox, not a port, and needs no admin flag.")
    actions = app.add_subparsers(dest="app_command", metavar="ACTION", parser_class=parser_class, required=True)

    p = actions.add_parser("create", help="create an API Services app, grant scopes, assign a role")
    _add_target_options(p, client_id=False)
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
    _add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    key_actions = _add_app_actions(actions, "keys", "list, add, activate, deactivate or delete the app's JWKS keys, "
                                   "or move them to a URL", parser_class, (
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
    _add_target_options(p)
    p.add_argument("--new-key", metavar="FILE", help="the new private key (default with --profile: a new key of the "
                                                     "same type, kept in the key library)")
    p.add_argument("--jwks-file", metavar="FILE",
                   help="for a jwks_uri app: where the JWKS to publish is written (default: jwks-CLIENT_ID.json)")
    _add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = actions.add_parser("migrate-to-key", help="move an app from a client secret to a key pair (private_key_jwt)",
                           description="Move a service app from a client secret to a key pair: list the client "
                                       "secrets the switch deletes, add the public key, ask, switch "
                                       "token_endpoint_auth_method to private_key_jwt (Okta then deletes the "
                                       "secrets: code that still uses one stops working at that moment) and get a "
                                       "token with the key. Run it again after a failure: it goes on from where it "
                                       "stopped. With --jwks-uri URL the public key is published at that URL "
                                       "instead of saved in Okta (checked first: https, the key's kid there).")
    _add_target_options(p)
    p.add_argument("--key", metavar="FILE", help="the app's new private key (default with --profile: the profile's "
                                                 "key, or a new RSA key; the profile then signs with it)")
    p.add_argument("--jwks-uri", metavar="URL", help="Okta fetches the public key from this https URL (publish it "
                                                     "there first: oktatool convert KEY --format jwks-public)")
    p.add_argument("--yes", action="store_true", help="switch without asking (needed without a terminal)")
    _add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    _add_app_actions(actions, "grants", "list, grant or revoke the app's Okta API scopes", parser_class, (
        ("list", "list the granted scopes", None),
        ("grant", "grant scopes", "SCOPE..."),
        ("revoke", "revoke scopes", "SCOPE..."),
    ))
    roles = _add_app_actions(actions, "roles", "list, assign (scoped to groups or apps), build a custom role for, "
                                               "or unassign the app's admin roles", parser_class, (
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

    revoke = _add_app_actions(actions, "tokens", "list the app's tokens, or revoke one or all", parser_class, (
        ("list", "list the app's tokens (Okta lists refresh tokens here: none for a client-credentials app)", None),
        ("revoke", "revoke one token (--id ID) or every token of the app (--all)", None),
    )).choices["revoke"]
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="token_id", metavar="ID", help="the token's id, from `app tokens list`")
    which.add_argument("--all", dest="all_tokens", action="store_true", help="revoke every token of the app")

    p = actions.add_parser("export", help="write the settings code needs: okta.yaml, env, Terraform or curl")
    _add_target_options(p, network=False)
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

    p = sub.add_parser("doctor", help="check every cause of the common service-app problems")
    _add_target_options(p, key=True)
    _add_auth_server_option(p)
    p.add_argument("--scopes", metavar='"S1 S2"', help="the scopes the app should be able to get")
    _add_admin_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    """Build the whole argument parser (GUI flags and every subcommand)."""
    _Parser = _parser_class()
    parser = _Parser(
        prog="oktatool",
        description="Keys, client-assertion JWTs, scoped tokens and the Okta API. Without a command: the window.",
    )
    parser.add_argument("--version", action="version", version=f"oktatool {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    parser.add_argument("--home", metavar="DIR", help="keep settings and data under DIR (like OKTATOOL_HOME)")
    _add_store_option(parser, after_command=False)
    parser.add_argument("--profile", dest="global_profile", metavar="NAME",
                        help="open the window on this profile; before a command, the command's --profile")
    parser.add_argument("--smoke", action="store_true", help="paint the main window once and exit 0")
    parser.add_argument("--self-test", action="store_true",
                        help="check everything a first click needs; exit 0 if all of it works")
    parser.add_argument("--screenshot", metavar="DIR",
                        help="write keys.png, jwt.png, scopes.png, console.png, roles.png and doctor.png to DIR "
                             "(created owner-only), then exit; they show a fresh Local sandbox in a throwaway "
                             "home: your settings, keys and orgs are not used")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("gui", help="open the window (the default)")

    p = sub.add_parser("keygen", help="generate a key")
    p.add_argument("--kty", required=True, choices=("RSA", "EC", "OKP", "oct"), help="key type")
    p.add_argument("--size", type=int, metavar="BITS", help="RSA modulus (2048-8192, step 8) or oct bits (128-512)")
    p.add_argument("--crv", metavar="NAME", help="P-256 P-384 P-521 secp256k1 (EC); Ed25519 Ed448 X25519 X448 (OKP)")
    p.add_argument("--use", choices=("sig", "enc"), help="public key use")
    p.add_argument("--alg", metavar="ALG",
                   help="algorithm written into the key, the only one it signs (must fit the key and the use; "
                        "default: the one its Okta-ready public JWK claims, RS256, ES256 or EdDSA; none for oct)")
    p.add_argument("--kid-mode", choices=KID_MODES,
                   help="how to make the kid (default thumbprint; random for oct)")
    p.add_argument("--kid", metavar="ID", help="a kid of your choice (overrides --kid-mode)")
    p.add_argument("--format", choices=KEY_FORMATS, default="jwk", help="output format (default jwk)")
    p.add_argument("--password-file", metavar="FILE", help="encrypt a pem output with the passphrase in FILE")
    p.add_argument("--days", type=int, default=365, help="certificate validity in days (format cert)")
    p.add_argument("--subject", metavar="NAME", help="certificate subject: NAME, CN=x,O=y or /CN=x/O=y (default: kid)")
    p.add_argument("--san", action="append", default=[], metavar="NAME",
                   help="certificate subject alternative name (repeatable): DNS:host, IP:addr, email:addr, URI:uri")
    p.add_argument("-o", "--output", metavar="FILE", help=PRIVATE_OUTPUT_HELP)

    p = sub.add_parser("convert", help="convert a key between JWK, JWKS and PEM forms")
    p.add_argument("input", nargs="?", default="-", metavar="INPUT", help="key file, or - for stdin (default)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS / set this kid on the output")
    p.add_argument("--recompute-kid", action="store_true", help="replace the kid with the RFC 7638 thumbprint")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted input")
    p.add_argument("--out-password-file", metavar="FILE", help="encrypt a pem output with this passphrase")
    p.add_argument("--format", required=True, choices=KEY_FORMATS, help="output format")
    p.add_argument("--days", type=int, default=365, help="certificate validity in days (format cert)")
    p.add_argument("--subject", metavar="NAME", help="certificate subject: NAME, CN=x,O=y or /CN=x/O=y (default: kid)")
    p.add_argument("--san", action="append", default=[], metavar="NAME",
                   help="certificate subject alternative name (repeatable): DNS:host, IP:addr, email:addr, URI:uri")
    p.add_argument("-o", "--output", metavar="FILE", help=PRIVATE_OUTPUT_HELP)

    p = sub.add_parser("thumbprint", help="print the RFC 7638 SHA-256 thumbprint of a key (not of an oct secret)")
    p.add_argument("input", nargs="?", default="-", metavar="INPUT", help="key file, or - for stdin (default)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted input")

    p = sub.add_parser("assertion", help="sign an Okta client assertion (private_key_jwt)")
    p.add_argument("--profile", metavar="NAME", help="read org, client id, key and kid from this profile (flags win)")
    p.add_argument("--org", metavar="URL", help="Okta org: https://host or a bare host")
    p.add_argument("--client-id", metavar="ID", help="the service app's client id")
    p.add_argument("--key", metavar="FILE", help="private key (JWK, JWKS, PEM)")
    p.add_argument("--kid", metavar="ID", help="kid for the header (and to pick from a JWKS)")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key")
    p.add_argument("--lifetime", type=int, default=300, metavar="SECONDS",
                   help="seconds until exp (default 300, max 3600)")
    _add_auth_server_option(p)
    _add_store_option(p)

    p = sub.add_parser("sign", help="sign any JWT")
    signer = p.add_mutually_exclusive_group(required=True)
    signer.add_argument("--key", metavar="FILE", help="private key or HMAC secret (JWK, JWKS, PEM)")
    signer.add_argument("--secret-file", metavar="FILE",
                        help="HS256/384/512 with the file's first line as the secret (UTF-8)")
    p.add_argument("--claims", required=True, metavar="JSON|@FILE", help="claims as JSON, or @FILE")
    p.add_argument("--header", metavar="JSON|@FILE", help="extra header members as JSON, or @FILE")
    p.add_argument("--alg", metavar="ALG",
                   help="signing algorithm (default: the key's own; one its alg, use and key_ops rule out exits 2)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key")

    p = sub.add_parser("decode", help="decode a JWT without verifying it (a bad signature is named, not fatal)")
    p.add_argument("token", nargs="?", default="-", metavar="TOKEN",
                   help="- (the default) reads the JWT from stdin, keeping it out of ps and shell history")
    p.add_argument("--json", action="store_true", help="print header, claims, signature and times as JSON "
                   "(and signature_problem when the signature is missing or malformed)")

    p = sub.add_parser("verify", help="verify a JWT's signature and times")
    p.add_argument("token", nargs="?", default="-", metavar="TOKEN",
                   help="- (the default) reads the JWT from stdin, keeping it out of ps and shell history")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--key", metavar="FILE", help="public key, certificate or secret (JWK, PEM)")
    src.add_argument("--jwks", metavar="FILE", help="a JWKS file")
    src.add_argument("--jwks-url", metavar="URL", help="a JWKS URL (https; http only for loopback)")
    p.add_argument("--ca-bundle", metavar="FILE", help="extra CA certificates for --jwks-url")
    p.add_argument("--leeway", type=int, default=0, metavar="SECONDS", help="clock skew allowed for exp/nbf")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = sub.add_parser("token", help="get a scoped access token (Bearer or DPoP)")
    _add_org_options(p)
    _add_auth_server_option(p)

    p = sub.add_parser("api", help="call the Okta API")
    p.add_argument("method", metavar="METHOD", nargs="?", help="GET, POST, PUT, PATCH, DELETE")
    p.add_argument("path", metavar="PATH", nargs="?", help="e.g. /api/v1/users?limit=200")
    p.add_argument("--saved", metavar="NAME", help="send the saved request NAME (the profile's own, else one saved "
                                                   "for all profiles) instead of METHOD PATH")
    p.set_defaults(positionals_unless_saved=p)  # METHOD and PATH are required without --saved (see _parse)
    p.add_argument("--var", action="append", metavar="NAME=VALUE",
                   help="a value for {{NAME}} in the saved request (repeatable; wins over the profile's variables)")
    p.add_argument("--all", action="store_true",
                   help='GET only: follow Link rel="next" on the org and print every page')
    p.add_argument("--data", metavar="@FILE|JSON", help="request body: @FILE (kept out of ps and history), or JSON")
    p.add_argument("--max-wait", type=float, default=60.0, metavar="SECONDS",
                   help="longest wait for a rate limit to reset before giving up (default 60)")
    p.add_argument("--max-body", type=float, default=32.0, metavar="MB",
                   help="refuse an answer larger than this many megabytes (default 32)")
    _add_org_options(p)

    p = sub.add_parser("scopes", help="list Okta API scopes, or the scope an endpoint needs")
    p.add_argument("query", nargs="?", metavar="QUERY", help="filter scopes by name, area or description")
    p.add_argument("--for", dest="endpoint", metavar='"METHOD PATH"', help='which scope "GET /api/v1/users" needs')
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("sandbox", help="run a local Okta-compatible org on 127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--tls", action="store_true", help="serve https with a generated certificate")
    p.add_argument("--users", type=int, default=50, help="number of seeded users (default 50)")
    p.add_argument("--dpop-required", action="store_true", help="the service app requires DPoP")
    p.add_argument("--rate-limit", type=int, metavar="N", help="requests per minute before 429s")
    p.add_argument("--dir", metavar="DIR", help="folder for the sandbox's key and certificate, and its org: users, "
                                                "groups and apps (keys, grants, roles) made there survive a "
                                                "restart with the same --dir (default: a fresh org each start)")
    p.add_argument("--clock-offset", type=float, default=0.0, metavar="SECONDS",
                   help="run the org's clock this far ahead (negative: behind) to try clock skew")
    p.add_argument("--misconfig", action="append", default=[], metavar="NAME",
                   help="seed the service app broken in this way, for `oktatool doctor` (repeatable; "
                        "app-inactive, client-secret, web-app, kid-unregistered, key-inactive, dpop-required, "
                        "scope-missing, no-role, read-only-role, metadata-missing)")

    p = sub.add_parser("saved", help="list, show, delete, import or export the Console's saved requests")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    q = actions.add_parser("list", help="list the saved requests (with --profile: those it may use)")
    q.add_argument("--profile", metavar="NAME", help="only the requests this profile may use")
    q.add_argument("--json", action="store_true", help="print JSON")
    for name, text in (("show", "print one saved request as JSON"), ("delete", "delete one saved request")):
        q = actions.add_parser(name, help=text)
        q.add_argument("name", metavar="NAME")
        q.add_argument("--profile", metavar="NAME", help="the profile's own request (default: one for all profiles)")
    for name, text in (("import", "add the requests of a saved-requests file (same name and owner: replaced)"),
                       ("export", "write every saved request to a file")):
        q = actions.add_parser(name, help=text)
        q.add_argument("file", metavar="FILE")

    _add_app_parsers(sub, _Parser)
    return parser


def _parse(arguments: list[str]) -> argparse.Namespace:
    """Parse with the full parser; a --profile before the command is the command's own --profile."""
    parser = build_parser()
    args = parser.parse_args(arguments)
    chosen = args.global_profile
    del args.global_profile
    command_parser = vars(args).pop("positionals_unless_saved", None)
    if command_parser is not None and args.saved is not None and not args.saved.strip():
        command_parser.error("--saved needs the name of a saved request (oktatool saved list shows them)")
    if command_parser is not None and args.saved is None:  # api: METHOD PATH, or --saved NAME
        missing = [name for name, value in (("METHOD", args.method), ("PATH", args.path)) if value is None]
        if missing:
            command_parser.error("the following arguments are required: " + ", ".join(missing))
    if args.command in (None, "gui"):
        args.profile = chosen
    elif chosen is not None:
        if not hasattr(args, "profile"):
            parser.error(f"{args.command} takes no --profile (it reads no profile)")
        if args.profile not in (None, chosen):
            parser.error(f"--profile {chosen!r} before the command and --profile {args.profile!r} after it")
        args.profile = chosen
    return args


def _run_command(args: argparse.Namespace) -> int:
    import importlib

    module = importlib.import_module(f"oktatool.commands.{COMMANDS[args.command]}")
    handler = getattr(module, args.command)
    return int(handler(args))


#: flags of the window's command line (no subcommand, or ``gui``): name -> takes a value
_WINDOW_FLAGS = {"--smoke": False, "--self-test": False, "--debug": False, "--screenshot": True, "--profile": True,
                 "--home": True}


def _window_args(arguments: list[str]) -> argparse.Namespace | None:
    """Parse the window's plain command lines without building the full parser (~4% of the window's start-up).

    Returns None for anything else, which then goes through argparse and the DESIGN.md contract.
    """
    from types import SimpleNamespace

    values: dict[str, object] = {"command": None, "debug": False, "home": None, "profile": None, "smoke": False,
                                 "self_test": False, "screenshot": None}
    rest = iter(arguments)
    for token in rest:
        if values["command"] == "gui":
            return None  # the gui subcommand takes no flags of its own: let argparse say so
        if token == "gui":  # noqa: S105 - a subcommand, not a password
            values["command"] = "gui"
        elif _WINDOW_FLAGS.get(token) is False:
            values[token[2:].replace("-", "_")] = True
        elif _WINDOW_FLAGS.get(token) is True:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            values[token[2:]] = value
        else:
            return None
    return SimpleNamespace(**values)  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command (or the window); return the exit status."""
    from oktatool.streams import utf8_when_redirected

    utf8_when_redirected()
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _window_args(arguments) or _parse(arguments)
    if args.home:
        import os

        from oktatool.core.store.paths import HOME_ENV

        os.environ[HOME_ENV] = args.home
    from oktatool.core.errors import EXIT_FAILED, OktaToolError

    try:
        if args.command in (None, "gui"):
            from oktatool.app import run_gui

            return run_gui(args)
        return _run_command(args)
    except OktaToolError as exc:
        from oktatool.commands.common import terminal_text

        print(f"error: {terminal_text(exc.description)}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {terminal_text(exc.hint)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED
    except Exception as exc:
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}; run again with --debug for details", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
