"""Command-line entry point: `oktatool` alone opens the window, subcommands script the core.

The contract (commands, flags, exit status) is in DESIGN.md and the README. The parsers live in
``oktatool.parsers`` and are imported only when a command line is not the window's plain one; handlers live in
``oktatool.commands.<area>`` and are imported only when their command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

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


def build_parser() -> argparse.ArgumentParser:
    """Build the whole argument parser (GUI flags and every subcommand)."""
    from oktatool.parsers import app, keys_jwt, org
    from oktatool.parsers.options import HouseParser, add_store_option

    parser = HouseParser(
        prog="oktatool",
        description="Keys, client-assertion JWTs, scoped tokens and the Okta API. Without a command: the window.",
    )
    parser.add_argument("--version", action="version", version=f"oktatool {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    parser.add_argument("--home", metavar="DIR", help="keep settings and data under DIR (like OKTATOOL_HOME)")
    add_store_option(parser, after_command=False)
    parser.add_argument("--profile", dest="global_profile", metavar="NAME",
                        help="open the window on this profile; before a command, the command's --profile")
    parser.add_argument("--smoke", action="store_true", help="paint the main window once and exit 0")
    parser.add_argument("--self-test", action="store_true",
                        help="check everything a first click needs; exit 0 if all of it works")
    parser.add_argument("--screenshot", metavar="DIR",
                        help="write keys.png, jwt.png, scopes.png, console.png, roles.png and doctor.png to DIR "
                             "(created owner-only), then exit; they show a fresh Local sandbox in a throwaway "
                             "home: your settings, keys and orgs are not used")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=HouseParser)

    sub.add_parser("gui", help="open the window (the default)")
    keys_jwt.add_key_parsers(sub)
    keys_jwt.add_jwt_parsers(sub)
    org.add_org_parsers(sub)
    app.add_app_parsers(sub)
    app.add_doctor_parser(sub)
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
