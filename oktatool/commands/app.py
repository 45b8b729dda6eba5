"""`oktatool app ACTION`: hand each action to the module that holds it."""

from __future__ import annotations

import argparse
import importlib

#: action -> module under oktatool.commands holding a function named after the action (``-`` as ``_``)
ACTIONS = {
    "create": "app_setup",
    "keys": "app_setup",
    "rotate": "app_setup",
    "migrate-to-key": "app_migrate",
    "export": "app_setup",
    "grants": "app_access",
    "roles": "app_roles",
    "tokens": "app_access",
}


def app(args: argparse.Namespace) -> int:
    """Run ``oktatool app ACTION``."""
    module = importlib.import_module(f"oktatool.commands.{ACTIONS[args.app_command]}")
    return int(getattr(module, args.app_command.replace("-", "_"))(args))
