"""The command line's parser tree, read from oktatool.cli: every (sub)command and the options it accepts."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass

from oktatool.cli import build_parser


@dataclass(frozen=True)
class Command:
    """One parser of the tree: its words after ``oktatool`` (() for the top) and the parser itself."""

    words: tuple[str, ...]
    parser: argparse.ArgumentParser

    @property
    def leaf(self) -> bool:
        """Say whether the command runs (it has no subcommands of its own)."""
        return not any(isinstance(a, argparse._SubParsersAction) for a in self.parser._actions)

    def options(self) -> list[argparse.Action]:
        """Return the actions with option strings (``--help`` and ``--version`` left out)."""
        return [a for a in self.parser._actions if a.option_strings
                and not isinstance(a, (argparse._HelpAction, argparse._VersionAction))]

    def flags(self) -> set[str]:
        """Return every long option string (``--org``)."""
        return {s for a in self.options() for s in a.option_strings if s.startswith("--")}

    def dests(self) -> set[str]:
        """Return what the command reads from its Namespace: every option's and positional's dest."""
        return {a.dest for a in self.parser._actions
                if not isinstance(a, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction))}


def commands(parser: argparse.ArgumentParser | None = None, words: tuple[str, ...] = ()) -> Iterator[Command]:
    """Yield the top parser and every subcommand parser below it, depth first."""
    parser = parser or build_parser()
    yield Command(words, parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*words, name))
