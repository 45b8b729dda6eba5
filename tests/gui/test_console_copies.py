"""The Console's copies (curl, PowerShell, Python) against sandbox orgs over real HTTP: they run as pasted, no
token, proof or password is on curl's command line, a copy holding a secret is marked so, and a copy is refused
with Send's own message wherever Send refuses the request."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtGui import QGuiApplication

from oktatool.context import AppContext
from oktatool.gui.console import export
from oktatool.gui.console.tab import ConsoleTab
from tests.gui.conftest import finish
from tests.gui.test_console_tab import console, use_org
from tests.recorded_curl import http_answer, needs_curl_and_bash, run_recorded

__all__ = ["console"]  # the fixture, shared with the Console tab tests

MANAGER_HINT = "x-kde-passwordManagerHint"


def marked_secret() -> bool:
    """Say whether the clipboard's content is marked secret for clipboard managers."""
    mime = QGuiApplication.clipboard().mimeData()
    return mime is not None and bytes(mime.data(MANAGER_HINT)) == b"secret"


def copied_url(command: str) -> str:
    """Return the URL a copied curl command calls."""
    return next(word for word in shlex.split(command, comments=True) if word.startswith(("http://", "https://")))


@needs_curl_and_bash
def test_copies_never_hold_the_token_and_secret_copies_are_marked(console: ConsoleTab, context: AppContext,
                                                                  sandbox_factory: Any, tmp_path: Path,
                                                                  aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2)
    use_org(context, info)
    finish(aloop, console.get_token())
    token = console.token.token.access_token if console.token else ""
    console.editor.set_request("POST", "/api/v1/groups", body='{"profile": {"name": "x"}}')
    export.copy_curl(console)
    text = QGuiApplication.clipboard().text()
    assert token and token not in text and "$OKTA_ACCESS_TOKEN" in text and "Authorization: Bearer" in text
    assert not marked_secret() and "secret" not in console.response.progress.text()
    export.copy_python(console)
    assert token not in QGuiApplication.clipboard().text() and not marked_secret()
    # a new user with a password: every copy holds the password, so every copy is marked secret and says so
    password = "Correct-Horse-9 $x"  # as written in each copy (quotes would be escaped)
    console.editor.set_request("POST", "/api/v1/users?activate=true", body=(
        '{"profile": {"login": "copied@example.com", "email": "copied@example.com", "firstName": "C", '
        f'"lastName": "D"}}, "credentials": {{"password": {{"value": "{password}"}}}}}}'))
    for copy in (export.copy_curl, export.copy_powershell, export.copy_python):
        QGuiApplication.clipboard().clear()
        copy(console)
        assert password in QGuiApplication.clipboard().text() and marked_secret(), copy
        assert "It holds a secret" in console.response.progress.text()
    export.copy_curl(console)
    ran = run_recorded(QGuiApplication.clipboard().text(), {"OKTA_ACCESS_TOKEN": token}, tmp_path)
    status, body = http_answer(ran.result.stdout)
    assert status == 200 and '"copied@example.com"' in body, ran.result.stderr + body[:300]
    ran.assert_never_on_a_command_line(token, password)
    console.token_panel.access_token.copy()
    assert QGuiApplication.clipboard().text() == token and marked_secret()
    console.editor.set_request("GET", "/api/v1/groups/{groupId}/apps")
    assert console.send() is None and "{groupId}" in console.editor.problem.text()


@needs_curl_and_bash
def test_dpop_copy_as_curl_runs_once_and_keeps_the_token_and_proof_off_curls_command_line(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        tmp_path: Path) -> None:
    info = sandbox_factory(dpop_required=True, users=3)
    use_org(context, info, dpop=True)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())  # a token, and the server's nonce for API calls
    assert console.token is not None and console.token.token.is_dpop
    export.copy_curl(console)
    command = QGuiApplication.clipboard().text()
    token = console.token.token.access_token
    assert token not in command and "every call needs a new proof" in command and marked_secret()
    proof = next(line.partition("=")[2] for line in command.splitlines() if line.startswith("OKTA_DPOP_PROOF="))
    ran = run_recorded(command, {"OKTA_ACCESS_TOKEN": token}, tmp_path / "first")
    status, body = http_answer(ran.result.stdout)
    assert status == 200 and body.startswith("["), ran.result.stderr + body[:300]
    ran.assert_never_on_a_command_line(token, proof)
    again = run_recorded(command, {"OKTA_ACCESS_TOKEN": token}, tmp_path / "again")
    assert http_answer(again.result.stdout)[0] in (400, 401)  # a proof works once


@pytest.mark.parametrize("dpop", [False, True])
@pytest.mark.parametrize("path", ["https://evil.example/steal", "http://{host}@evil.example/steal",
                                  "http://{host}\\@evil.example/steal", "/api/v1/us\ners"])
def test_a_copy_is_refused_with_sends_message_wherever_send_refuses(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        path: str, dpop: bool) -> None:
    info = sandbox_factory(users=1, dpop_required=dpop)
    use_org(context, info, dpop=dpop)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())  # a token (and for DPoP its key): a copy would sign a proof for the URL
    assert console.token is not None
    path = path.format(host=urlsplit(info.org_url).netloc)
    console.editor.set_request("GET", path)
    finish(aloop, console.send())
    said = (console.response.status.text(), console.response.explanation.text())
    assert "is not on the org" in said[0] or "control character" in said[0], said
    for copy in (export.copy_curl, export.copy_powershell, export.copy_python):
        QGuiApplication.clipboard().setText("kept")
        console.response.show_failure("")
        copy(console)
        assert QGuiApplication.clipboard().text() == "kept", copy
        assert (console.response.status.text(), console.response.explanation.text()) == said, copy


@pytest.mark.parametrize("path", ["//evil.example/x", "@evil.example", "evil.example/x", "/api/v1/users?q=a b"])
def test_a_copy_calls_the_url_send_calls(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                         aloop: asyncio.AbstractEventLoop, path: str) -> None:
    info = sandbox_factory(users=1)
    use_org(context, info)
    console.editor.set_request("GET", path)
    finish(aloop, console.send())
    assert console.state.last_response is not None
    sent = console.state.last_response.url
    assert urlsplit(sent).netloc == urlsplit(info.org_url).netloc
    export.copy_curl(console)
    assert copied_url(QGuiApplication.clipboard().text()) == sent


def test_dpop_copy_as_powershell_carries_a_fresh_proof_and_runs_once(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    from PySide6.QtGui import QGuiApplication

    from tests.powershell_syntax import invoke_rest_method, run

    info = sandbox_factory(dpop_required=True, users=3)
    use_org(context, info, dpop=True)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())  # a token, and the server's nonce for API calls
    assert console.token is not None and console.token.token.is_dpop
    console.response.copy_actions["powershell"].trigger()  # the copy button's menu
    mime = QGuiApplication.clipboard().mimeData()
    command, token = mime.text(), console.token.token.access_token
    assert token not in command and "Invoke-RestMethod @call" in command and "every call needs a new proof" in command
    assert bytes(mime.data("x-kde-passwordManagerHint")) == b"secret"  # the proof is a credential for a while
    assert "Copied as PowerShell: set $env:OKTA_ACCESS_TOKEN first." in console.response.progress.text()
    (call,) = run(command, {"OKTA_ACCESS_TOKEN": token}).calls
    assert call["Headers"]["Authorization"] == f"DPoP {token}" and call["Headers"]["DPoP"].count(".") == 2
    first, again = invoke_rest_method(call), invoke_rest_method(call)
    assert first.status_code == 200 and len(first.json()) == 3, first.text[:300]
    assert again.status_code in (400, 401)  # a proof works once


@pytest.mark.parametrize(("platform", "made_by"), [("win32", "Invoke-RestMethod @call"), ("linux", "curl --silent"),
                                                   ("darwin", "curl --silent")])
def test_edit_copy_and_the_copy_button_use_the_shell_of_the_os(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, platform: str, made_by: str) -> None:
    import sys

    from PySide6.QtGui import QGuiApplication

    from oktatool.gui.console.response_view import ResponseView

    use_org(context, sandbox_factory(users=1))
    console.editor.set_request("GET", "/api/v1/users")
    monkeypatch.setattr(sys, "platform", platform)  # only the choice of shell reads it here
    console.copy_current()
    assert made_by in QGuiApplication.clipboard().text()
    view = ResponseView()
    qtbot.addWidget(view)
    QGuiApplication.clipboard().clear()
    view.copy_curl_requested.connect(lambda: export.copy_curl(console))
    view.copy_powershell_requested.connect(lambda: export.copy_powershell(console))
    view.copy_button.click()
    assert made_by in QGuiApplication.clipboard().text()
    assert [a.text() for a in view.copy_menu.actions()] == ["Copy as &curl", "Copy as Power&Shell", "Copy as P&ython"]
