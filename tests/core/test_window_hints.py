"""Every hint that names a command-line flag carries the window's wording, and that wording names none.

The sweep reads the source of everything the window runs (core, context, sandbox, gui): a string that names a
``--flag`` must be the command-line wording of a ``Hint(...)``. Then every Okta error explanation and every
error answer's composed hint is built and its window wording checked.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from oktatool.core.errors import Hint, for_window
from oktatool.core.okta.explain import explain, known_errors
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.problems import Problem

PACKAGE = Path(__file__).resolve().parents[2] / "oktatool"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
#: modules that speak only to a terminal, or build commands to copy (a curl or oktatool recipe is not a message)
TERMINAL_ONLY = {"cli.py", "app.py", "core/okta/snippets.py", "core/okta/export.py",
                 "gui/qt_platform.py"}  # qt_platform speaks before any window exists (no display): on the terminal
#: a full context, so that every explanation says all it can
CONTEXT = ExplainContext(client_id="0oa1b2c3d4E5f6G7h8i9", token_url="https://dev-1.okta.com/oauth2/v1/token",
                         assertion_kid="k1", key_kids=("k1",), method="GET", path="/api/v1/users",
                         required_scopes=("okta.users.read",), challenge_scope="okta.users.read",
                         requested_scopes=("okta.groups.read",), dpop=True)


def _window_modules() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if path.relative_to(PACKAGE).as_posix() not in TERMINAL_ONLY
            and not {"commands", "parsers"} & set(path.relative_to(PACKAGE).parts)]


def flag_strings_outside_hints(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of every string naming a --flag that is not a Hint's command-line wording."""
    tree = ast.parse(source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            allowed.add(id(body[0].value))  # docstrings talk to developers
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Hint" and node.args:
            allowed.update(id(inner) for inner in ast.walk(node.args[0]))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
            and FLAG.search(node.value)]


def test_every_flag_the_window_could_show_is_a_hints_command_line_wording() -> None:
    found = {path.relative_to(PACKAGE).as_posix(): flag_strings_outside_hints(path.read_text(encoding="utf-8"))
             for path in _window_modules()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_sweep_sees_a_bare_flag_hint() -> None:
    assert flag_strings_outside_hints('raise BadInputError("x", hint="unlock it, or pass --key FILE")')
    assert flag_strings_outside_hints('Hint("pass --key FILE", window="or pass --key")')
    assert not flag_strings_outside_hints('Hint(f"pass --key {name}", window="choose a key")')


@pytest.mark.parametrize(("code", "description"), known_errors())
def test_every_okta_explanation_has_window_wording_free_of_flags(code: str | None, description: str | None) -> None:
    text = (description or "").replace("{", "").replace("}", "")
    explanation = explain(code, text, CONTEXT)
    assert explanation is not None
    for part in (explanation.what, explanation.cause, explanation.fix):
        assert not FLAG.search(for_window(part)), part
    problem = Problem(400, code or "", text, request_id="req1", explanation=explanation)
    hint = problem.hint() or ""
    assert not FLAG.search(for_window(hint)), hint
    assert not FLAG.search(for_window(problem.to_error().hint or ""))


def test_the_command_line_keeps_its_precise_flags() -> None:
    no_scopes = explain(None, "No scopes were requested.", CONTEXT)
    assert no_scopes is not None and "--scopes okta.users.read" in no_scopes.fix
    assert isinstance(no_scopes.fix, Hint) and "Scopes tab" in for_window(no_scopes.fix)
    from oktatool.core.errors import BadInputError
    from oktatool.core.okta.tokens import normalize_scopes

    with pytest.raises(BadInputError) as info:
        normalize_scopes(())
    assert '--scopes "okta.users.read"' in info.value.user_message()
    assert "--" not in for_window(info.value.hint or "")
