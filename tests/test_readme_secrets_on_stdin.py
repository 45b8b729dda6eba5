"""README examples give tokens on stdin (`-`) and request bodies as @FILE, first: arguments land in ps and history."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_decode_and_verify_show_stdin_first() -> None:
    for command in ("decode", "verify"):
        synopsis = re.search(rf"^oktatool {command} (\S+)", README, re.MULTILINE)
        assert synopsis is not None and synopsis.group(1) == "[-|TOKEN]", command
        example = re.search(rf"oktatool {command} -( |$)", README, re.MULTILINE)
        assert example is not None, f"no `oktatool {command} -` example"


def test_no_example_puts_a_token_on_the_command_line() -> None:
    assert not re.search(r"oktatool (decode|verify) eyJ", README)


def test_api_bodies_come_from_a_file_first() -> None:
    synopsis = re.search(r"^oktatool api .*--data (\S+)", README, re.MULTILINE)
    assert synopsis is not None and synopsis.group(1).startswith("@FILE")
    assert re.search(r"oktatool api POST \S+ --data @", README)
    assert not re.search(r"--data '\{", README)
