"""What every area of the command line shares: the parser class with the house's usage errors, and the options
several commands take (the secret store, the org and app, the admin's credentials)."""

from __future__ import annotations

import argparse


class HouseParser(argparse.ArgumentParser):
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


#: help of --store-passphrase-file (a global option, also taken after the commands that read the store)
STORE_OPTION_HELP = ("passphrase of the encrypted secret store (first line of FILE; default: the file "
                     "OKTATOOL_STORE_PASSPHRASE_FILE names, else asked on a terminal)")


def add_store_option(p: argparse.ArgumentParser, *, after_command: bool = True) -> None:
    """Add --store-passphrase-file; after a command it leaves the global value alone unless given there."""
    p.add_argument("--store-passphrase-file", metavar="FILE", help=STORE_OPTION_HELP,
                   default=argparse.SUPPRESS if after_command else None)


def add_org_options(p: argparse.ArgumentParser) -> None:
    """Add what a command that gets a token takes: the profile or its parts, the network, --json, the store."""
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
    add_store_option(p)


def add_auth_server_option(p: argparse.ArgumentParser) -> None:
    """Add --auth-server: which authorization server issues the token."""
    p.add_argument("--auth-server", metavar="ID",
                   help="authorization server: org (the default; Okta API scopes), default, or a custom one's id "
                        "(aus...) for your own APIs' scopes")


def add_target_options(p: argparse.ArgumentParser, *, key: bool = False, client_id: bool = True,
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


def add_admin_options(p: argparse.ArgumentParser) -> None:
    """Add ADMIN (an SSWS token file or an admin profile, one of them) and the store option."""
    admin = p.add_mutually_exclusive_group()
    admin.add_argument("--api-token-file", metavar="FILE",
                       help="an admin's SSWS API token (first line of FILE); never put it on the command line. "
                            "On a Local sandbox profile neither is needed: the sandbox's own token is used")
    admin.add_argument("--admin-profile", metavar="NAME",
                       help="a profile whose token carries the admin scopes (okta.apps.*, okta.appGrants.*, ...)")
    add_store_option(p)

