"""The command line's contract, walked from the parser: no option is accepted and then ignored.

Statically, every option of every command is read by the code that runs that command: its handler and the
functions it calls (followed through oktatool.commands); the top-level options by the entry point and the
window's start-up. Behaviourally, the cases users met: a --profile before the command, app create
--client-id, app export --ca-bundle and --timeout.
"""

from __future__ import annotations

import ast
import json
import os
import stat
from pathlib import Path

import pytest

from oktatool.cli import COMMANDS
from oktatool.commands.app import ACTIONS
from oktatool.sandbox import SandboxInfo
from tests.cli.parser_tree import Command, commands
from tests.conftest import REPO_ROOT, CliRunner

PACKAGE = REPO_ROOT / "oktatool"
#: where the options of ``oktatool`` itself are read: the entry point, the window's start-up, any command
TOP_LEVEL_READERS = ("cli.py", "app.py", "gui/startup.py", *(f"commands/{p.name}" for p in
                                                            sorted((PACKAGE / "commands").glob("*.py"))))


def _reads(node: ast.AST) -> set[str]:
    """Return the names read from ``args`` in ``node``: ``args.NAME`` and ``getattr(args, "NAME", ...)``."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == "args":
            found.add(child.attr)
        elif isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "getattr" \
                and len(child.args) >= 2 and isinstance(child.args[0], ast.Name) and child.args[0].id == "args" \
                and isinstance(child.args[1], ast.Constant):
            found.add(str(child.args[1].value))
    return found


class _Commands:
    """The functions of oktatool.commands, and which functions each one calls by name."""

    def __init__(self) -> None:
        self.functions: dict[tuple[str, str], ast.AST] = {}
        self.imports: dict[str, dict[str, tuple[str, str]]] = {}
        for path in (PACKAGE / "commands").glob("*.py"):
            module = path.stem
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names: dict[str, tuple[str, str]] = {}
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions.setdefault((module, node.name), node)
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("oktatool.commands."):
                    for alias in node.names:
                        names[alias.asname or alias.name] = (node.module.rsplit(".", 1)[1], alias.name)
            self.imports[module] = names

    def reads(self, module: str, function: str) -> set[str]:
        """Return what ``module.function`` and every commands function it reaches read from ``args``."""
        seen: set[tuple[str, str]] = set()
        todo = [(module, function)]
        found: set[str] = set()
        while todo:
            here = todo.pop()
            if here in seen or here not in self.functions:
                continue
            seen.add(here)
            node = self.functions[here]
            found |= _reads(node)
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                    name = call.func.id
                    todo.append(self.imports[here[0]].get(name, (here[0], name)))
        return found


def _handler(command: Command) -> tuple[str, str]:
    first = command.words[0]
    if first == "app":
        return ACTIONS[command.words[1]], command.words[1].replace("-", "_")  # as commands/app.py dispatches
    return COMMANDS[first], first


def test_every_option_of_every_command_is_read_by_the_code_that_runs_it() -> None:
    code = _Commands()
    top_reads = set().union(*(_reads(ast.parse((PACKAGE / name).read_text(encoding="utf-8")))
                              for name in TOP_LEVEL_READERS))
    ignored: dict[str, list[str]] = {}
    checked = 0
    for command in commands():
        if command.words in (("gui",), ("app",)) or (command.words and not command.leaf):
            continue
        if not command.words:
            reads, dests = top_reads, command.dests() - {"command"}
        else:
            reads, dests = code.reads(*_handler(command)), command.dests()
        checked += len(dests)
        unread = sorted(dests - reads)
        if unread:
            ignored[" ".join(("oktatool", *command.words))] = unread
    assert ignored == {}
    assert checked > 150  # the walk saw the whole tree


def test_the_check_finds_an_option_nobody_reads() -> None:
    code = _Commands()
    assert "timeout" not in code.reads("app_setup", "export")  # app export has no network to time out
    assert {"timeout", "ca_bundle", "client_id", "api_token_file"} <= code.reads("app_setup", "keys")
    tree = ast.parse("def f(args):\n    return args.seen, getattr(args, 'also', None), other.not_args\n")
    assert _reads(tree) == {"seen", "also"}


def test_a_profile_before_the_command_is_the_commands_profile(run_cli: CliRunner) -> None:
    before = run_cli("--profile", "Local sandbox", "token", "--scopes", "okta.users.read", "--json")
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["token_type"] == "Bearer"
    unknown = run_cli("--profile", "nobody", "token", "--scopes", "okta.users.read")
    assert unknown.returncode == 2 and "no profile named 'nobody'" in unknown.stderr
    twice = run_cli("--profile", "Local sandbox", "token", "--profile", "other", "--scopes", "okta.users.read")
    assert twice.returncode == 2 and "--profile" in twice.stderr
    no_profile = run_cli("--profile", "Local sandbox", "keygen", "--kty", "EC")
    assert no_profile.returncode == 2 and "keygen takes no --profile" in no_profile.stderr
    assert no_profile.stdout == ""


def test_app_create_takes_no_client_id(run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    token = tmp_path / "admin.token"
    token.write_text(sandbox_org.ssws_token + "\n")
    result = run_cli("app", "create", "--org", sandbox_org.org_url, "--client-id", "0oaIgnored", "--name", "x",
                     "--scopes", "okta.users.read", "--api-token-file", str(token), "--save-profile", "x")
    assert result.returncode == 2 and "--client-id" in result.stderr
    apps = [c for c in commands() if c.words == ("app", "create")]
    assert "--client-id" not in apps[0].flags()


def test_app_export_puts_the_ca_bundle_into_curl_and_refuses_a_missing_one(
        run_cli: CliRunner, sandbox_tls: SandboxInfo, tmp_path: Path) -> None:
    target = ["app", "export", "--org", "https://dev-1.okta.com", "--client-id", "0oa1", "--scopes",
              "okta.users.read", "--as", "curl"]
    assert sandbox_tls.ca_file is not None
    recipe = run_cli(*target, "--ca-bundle", str(sandbox_tls.ca_file))
    assert recipe.returncode == 0, recipe.stderr
    curls = [line for line in recipe.stdout.splitlines() if "curl -sS" in line]
    assert len(curls) == 2 and all(f"--cacert {sandbox_tls.ca_file}" in line for line in curls)
    missing = run_cli(*target, "--ca-bundle", str(tmp_path / "none.pem"))
    assert missing.returncode == 2 and "cannot load the CA bundle" in missing.stderr
    not_a_ca = tmp_path / "junk.pem"
    not_a_ca.write_text("not a certificate\n")
    assert run_cli(*target, "--ca-bundle", str(not_a_ca)).returncode == 2
    timeout = run_cli(*target, "--timeout", "0")
    assert timeout.returncode == 2 and "--timeout" in timeout.stderr


def test_the_top_level_help_names_every_screenshot() -> None:
    from oktatool.gui.main_window import TAB_SPECS

    top = next(commands())
    shot = next(a for a in top.options() if "--screenshot" in a.option_strings)
    assert shot.help is not None
    for name in [spec.key for spec in TAB_SPECS] + ["doctor"]:
        assert f"{name}.png" in shot.help
    assert "owner-only" in shot.help


@pytest.mark.skipif(os.name == "nt", reason="Windows folders have ACLs, not the mode bits this sets")
def test_a_sandbox_folder_others_can_write_to_is_bad_input(run_cli: CliRunner, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    result = run_cli("sandbox", "--dir", str(shared), timeout=60)
    assert result.returncode == 2 and "others can write to it" in result.stderr and result.stdout == ""
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert run_cli("sandbox", "--dir", str(a_file), timeout=60).returncode == 2
    assert stat.S_IMODE(shared.stat().st_mode) == 0o777  # refused, not changed


#: the least each command with a number option needs to reach its checks (ORG, KEY, TOKEN, ADMIN filled in)
_BASE = {
    ("api",): "GET /api/v1/users ORG --key KEY", ("token",): "ORG --key KEY --scopes okta.users.read",
    ("doctor",): "ORG --key KEY", ("assertion",): "ORG --key KEY", ("verify",): "TOKEN --key KEY",
    ("keygen",): "--kty RSA --format cert", ("convert",): "KEY --format cert", ("sandbox",): "",
    ("app", "create"): "--org http://127.0.0.1:9 --name n --scopes okta.users.read --key KEY ADMIN",
    ("app", "rotate"): "ORG ADMIN --new-key KEY", ("app", "migrate-to-key"): "ORG ADMIN --key KEY --yes",
    ("app", "keys", "list"): "ORG ADMIN",
    ("app", "keys", "add"): "KEY ORG ADMIN", ("app", "keys", "activate"): "kid1 ORG ADMIN",
    ("app", "keys", "deactivate"): "kid1 ORG ADMIN", ("app", "keys", "delete"): "kid1 ORG ADMIN",
    ("app", "keys", "use-url"): "https://keys.example.com/jwks.json ORG ADMIN --yes",
    ("app", "grants", "list"): "ORG ADMIN", ("app", "grants", "grant"): "okta.users.read ORG ADMIN",
    ("app", "grants", "revoke"): "okta.users.read ORG ADMIN", ("app", "roles", "list"): "ORG ADMIN",
    ("app", "roles", "assign"): "READ_ONLY_ADMIN ORG ADMIN", ("app", "roles", "unassign"): "x ORG ADMIN",
    ("app", "roles", "custom"): "--scope okta.users.read --group Engineering ORG ADMIN",
    ("app", "export"): "ORG --scopes okta.users.read --as curl",  # no number option now; it had --timeout
    ("app", "tokens", "list"): "ORG ADMIN", ("app", "tokens", "revoke"): "--all ORG ADMIN",
}


def test_every_number_option_refuses_a_nonsense_value(run_cli: CliRunner, tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    assert run_cli("keygen", "--kty", "EC", "-o", str(key)).returncode == 0
    admin = tmp_path / "admin.token"
    admin.write_text("00notused\n")
    token = run_cli("sign", "--key", str(key), "--claims", '{"sub": "x"}').stdout.strip()
    fill = {"ORG": ["--org", "http://127.0.0.1:9", "--client-id", "0oa1"], "KEY": [str(key)], "TOKEN": [token],
            "ADMIN": ["--api-token-file", str(admin)]}
    accepted = []
    for command in commands():
        for option in command.options():
            if option.type not in (int, float):
                continue
            assert command.words in _BASE, f"add {' '.join(command.words)} to _BASE"
            args = [part for word in _BASE[command.words].split() for part in fill.get(word, [word])]
            value = "-1" if option.type is int else "nan"
            done = run_cli(*command.words, *args, option.option_strings[-1], value, timeout=60)
            if done.returncode != 2 or not done.stderr.startswith("error: ") or "Traceback" in done.stderr:
                accepted.append((" ".join(command.words), option.option_strings[-1], done.returncode))
    assert accepted == []
