"""The README's command-line reference tells the truth: checked against the parser, and run against a sandbox.

Every option of every command is named where the README describes that command, every option the README
names exists (on the command its line runs), and every example in the "Command line" section runs: against
a sandbox started as the README starts one, with its org, client id and key put in for the placeholders.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.parser_tree import Command, commands
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
#: flags of other programs the Command line section names (curl's, in the export recipe)
FOREIGN_FLAGS = {"--cacert"}
_FLAG = re.compile(r"(?<![\w/-])(--[a-z][a-z0-9-]*|-o)(?![\w-])")
_FENCE = re.compile(r"^```\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


CLI_SECTION = _section("Command line")
TREE = list(commands())
TOP = TREE[0]


@dataclass(frozen=True)
class Line:
    """One command line of a README code block: its text and the commands it may run."""

    text: str
    words: tuple[str, ...]

    def targets(self) -> list[Command]:
        """Return the runnable commands the line names (every action of ``app keys (list | add ...)``)."""
        return [c for c in TREE if c.leaf and c.words[:len(self.words)] == self.words and self.words]


def _lines(text: str) -> Iterator[Line]:
    """Yield the oktatool command lines of the code blocks in ``text`` (continuation lines joined)."""
    for block in _FENCE.findall(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        joined = re.sub(r"\n[ \t]+(?=\[)", " ", joined)  # a synopsis wrapped onto indented lines
        for raw in joined.splitlines():
            at = raw.find("oktatool ")
            if at == -1 or (at and not raw[:at].rstrip().endswith("|")):
                continue
            text = raw[at:]
            words: tuple[str, ...] = ()
            parser = TOP
            for token in text.split()[1:]:
                below = [c for c in TREE if c.words == (*words, token) and c.parser is not parser]
                if not below:
                    break
                words, parser = (*words, token), below[0].parser
            yield Line(text, words)


def _flags(text: str) -> set[str]:
    """Return the options named in ``text`` (a shell comment's left out)."""
    return {flag for line in text.splitlines() for flag in _FLAG.findall(line.split(" # ")[0])}


def _subsections() -> list[str]:
    return CLI_SECTION.split("\n### ")[1:]


def test_every_option_of_every_command_is_named_where_the_readme_describes_it() -> None:
    named: dict[tuple[str, ...], set[str]] = {}  # command -> the options named where its lines are
    for text in _subsections():
        for command in {c.words for line in _lines(text) for c in line.targets()}:
            named.setdefault(command, set()).update(_flags(text))
    unnamed: dict[str, list[str]] = {}
    # a global option that commands accept after themselves too (same dest) is described once, with the globals
    described_globally = {a.dest for a in TOP.options() if set(a.option_strings) & _flags(README)}
    for command in TREE:
        missing = [a.option_strings[-1] for a in command.options()
                   if command.words in named and not set(a.option_strings) & named[command.words]
                   and a.dest not in described_globally]
        if missing:
            unnamed[" ".join(command.words)] = missing
    top_missing = [a.option_strings[-1] for a in TOP.options() if not set(a.option_strings) & _flags(README)]
    if top_missing:
        unnamed["oktatool"] = top_missing
    assert unnamed == {}
    runnable = {c.words for c in TREE if c.leaf and c.words and c.words != ("gui",)}
    assert runnable - set(named) == set()  # every command has a synopsis in the reference


def test_every_option_the_readme_names_exists() -> None:
    unknown: dict[str, list[str]] = {}
    for line in _lines(README):
        targets = line.targets()
        assert targets, f"the README runs a command oktatool does not have: {line.text}"
        accepted = set().union(TOP.flags(), *(c.flags() for c in targets), {"-o"} if any(
            "-o" in a.option_strings for c in targets for a in c.options()) else set())
        wrong = sorted(_flags(line.text) - accepted)
        if wrong:
            unknown[line.text] = wrong
    every = set().union(*(c.flags() for c in TREE), {"-o"})
    prose = _flags(_FENCE.sub("", CLI_SECTION)) - every - FOREIGN_FLAGS
    assert unknown == {} and prose == set()


def test_the_checks_see_a_wrong_readme() -> None:
    lines = list(_lines("```\noktatool token --org URL --scopes S --no-such-flag \\\n    --json\n```\n"))
    assert [(line.words, sorted(_flags(line.text))) for line in lines] == [
        (("token",), ["--json", "--no-such-flag", "--org", "--scopes"])]
    assert {c.words for c in next(_lines("```\noktatool app keys (list | add FILE) X\n```\n")).targets()} >= {
        ("app", "keys", "list"), ("app", "keys", "delete")}


def _examples() -> list[str]:
    """Return the runnable examples of the Command line section (synopses, with [ ] ( | ), left out)."""
    found = []
    for block in _FENCE.findall(CLI_SECTION):
        for raw in re.sub(r"\\\n\s*", " ", block).splitlines():
            if "oktatool " not in raw or raw.startswith(("error:", "hint:")):
                continue
            command = raw.split(" # ")[0].strip() if " # " in raw else raw.strip()
            if not re.search(r"[\[(]|\bFILE\b|\bURL\b|\bTOKEN\b", command):
                found.append(command)
    return found


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="the README's examples are bash")
def test_every_readme_example_runs_against_a_sandbox(isolated_home: Path, tmp_path: Path) -> None:
    examples = _examples()
    assert len(examples) >= 15  # the keys, JWT, app, doctor and sandbox examples were all found
    start = next(e for e in examples if e.startswith("oktatool sandbox "))
    assert start.endswith(" &")
    home, work, sbx = tmp_path / "home", tmp_path / "work", tmp_path / "sbx"
    home.mkdir()
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home), "HOME": str(home)}
    argv = shlex.split(start[:-1].replace("/tmp/sbx", str(sbx)))
    server = subprocess.Popen([sys.executable, "-m", "oktatool", *argv[1:]], stdout=subprocess.PIPE, text=True,
                              env=env)
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        _prepare(info, home, work, env)
        for example in examples:
            if example == start:
                continue
            script = (example.replace("https://dev-123456.okta.com", info["org_url"])
                      .replace("http://127.0.0.1:PORT", info["org_url"]).replace("CLIENT_ID", info["client_id"])
                      .replace("/tmp/sbx", str(sbx)))
            done = subprocess.run(["bash", "-c", f"set -o pipefail\noktatool() {{ '{sys.executable}' -m oktatool "
                                   f"\"$@\"; }}\npbpaste() {{ cat token.txt; }}\n{script}"],
                                  cwd=work, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, (example, done.stdout[-2000:], done.stderr[-2000:])
    finally:
        server.terminate()
        server.wait(timeout=30)


def _prepare(info: dict[str, str], home: Path, work: Path, env: dict[str, str]) -> None:
    """Make the files the examples name: an encrypted key and its passphrase, a public key, a token, a user."""
    def oktatool(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "oktatool", *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    (work / "pass.txt").write_text("a long passphrase for the example\n")
    oktatool("keygen", "--kty", "RSA", "--format", "pem", "--password-file", "pass.txt", "-o", "key.pem")
    oktatool("convert", "key.pem", "--password-file", "pass.txt", "--format", "pem-public", "-o", "public.pem")
    token = json.loads(oktatool("token", "--org", info["org_url"], "--client-id", info["client_id"], "--key",
                                info["key_file"], "--scopes", "okta.users.read", "--json"))
    (work / "token.txt").write_text(token["access_token"] + "\n")
    (work / "new-user.json").write_text(json.dumps({"profile": {
        "firstName": "Ada", "lastName": "Lovelace", "login": "ada@example.com", "email": "ada@example.com"}}))
    (home / "okta-admin.token").write_text(info["ssws_token"] + "\n")
