"""The Console's exports: copy as curl, PowerShell or Python ``requests`` (token from the environment); save.

A copy is refused, with Send's own message, wherever Send would refuse the request; a copy that holds a secret is
marked secret on the clipboard.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QWidget

from oktatool.core.errors import OktaToolError
from oktatool.core.files import write_file
from oktatool.core.okta.snippets import SnippetRequest, curl_command, powershell_command, python_snippet
from oktatool.core.shells import default_shell
from oktatool.gui import tasks
from oktatool.gui.widgets.clipboard import SECRET_CLEAR_MS, copy_text
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.gui.console.engine import ConsoleEngine
    from oktatool.gui.console.response_view import ResponseView
    from oktatool.gui.console.state import ConsoleState


class ConsoleTab(Protocol):
    """What the exports read from the Console tab."""

    context: AppContext
    engine: ConsoleEngine

    @property
    def response(self) -> ResponseView:
        """Return the shown request tab's response view."""
        ...

    @property
    def session(self) -> ProfileSession:
        """Return the active profile's session."""
        ...

    @property
    def state(self) -> ConsoleState:
        """Return the Console's state in the active profile's session (token, pasted token, the shown tab's walk)."""
        ...

    def call_parts(self) -> tuple[str, str, Any, dict[str, str]] | None:
        """Return the request in the editor."""
        ...


def snippet_request(tab: ConsoleTab) -> SnippetRequest | None:
    """Return the request in the editor as a snippet's input; None, with what Send would say, when it is not sendable.

    The URL is the one Send would call (the same check refuses a path that leaves the org), so no copy carries
    the Authorization header or a DPoP proof to another host.
    """
    from oktatool.core.okta.api import request_target
    from oktatool.core.okta.orgurl import parse_org_url

    parts = tab.call_parts()
    if parts is None:
        return None
    method, path, body, headers = parts
    profile, state = tab.session.profile, tab.state
    info = tab.context.sandbox_running if profile.is_sandbox else None
    try:
        base = (info.org_url if info else "https://SANDBOX-NOT-STARTED") if profile.is_sandbox else \
            parse_org_url(profile.org_url).base
        method, url = request_target(base, method, path)
    except OktaToolError as exc:
        tab.response.show_failure(plain_message(exc))
        return None
    scheme = state.pasted.scheme if state.pasted else (state.token.token.scheme if state.token else
                                                        ("DPoP" if profile.dpop else "Bearer"))
    ca = str(info.ca_file) if info is not None and info.ca_file else None
    return SnippetRequest(method, url, scheme, tuple(headers.items()), body, ca)


def _fresh_proof(tab: ConsoleTab, request: SnippetRequest) -> str | None:
    """Return a DPoP proof for ``request`` made now with the token's key (None for Bearer or a pasted token)."""
    token, pasted = tab.state.token, tab.state.pasted
    if not request.dpop or token is None or pasted:
        return None
    try:
        return tab.engine.proof(tab.session, request.method, request.url, token.token.access_token)
    except OktaToolError:
        return None


def _copy(tab: ConsoleTab, text: str, secret: bool, said: str) -> None:
    """Copy ``text``, marked secret when it holds one (a live DPoP proof, a password in the body), and say so."""
    copy_text(text, secret=secret)
    tab.response.show_progress(said + (f" {COPIED_SECRET}" if secret else ""))


def _copy_command(tab: ConsoleTab, title: str, make: Callable[..., str], setup: str) -> None:
    request = snippet_request(tab)
    if request is None:
        return
    proof = _fresh_proof(tab, request)
    _copy(tab, make(request, dpop_proof=proof), bool(proof) or request.holds_secret(),
          f"Copied as {title}: {setup} first." + (" DPoP: the proof works once." if request.dpop else ""))


def copy_curl(tab: ConsoleTab) -> None:
    """Copy the request as curl for bash or zsh (headers and body through a pipe, off curl's command line)."""
    _copy_command(tab, "curl (bash or zsh)", curl_command, "export OKTA_ACCESS_TOKEN")


def copy_powershell(tab: ConsoleTab) -> None:
    """Copy the request as PowerShell's Invoke-RestMethod ($env:OKTA_ACCESS_TOKEN; a fresh proof for DPoP)."""
    _copy_command(tab, "PowerShell", powershell_command, "set $env:OKTA_ACCESS_TOKEN")


def copy_default(tab: ConsoleTab) -> None:
    """Copy the request for the shell of this OS: PowerShell on Windows, curl elsewhere."""
    (copy_powershell if default_shell() == "powershell" else copy_curl)(tab)


def copy_python(tab: ConsoleTab) -> None:
    """Copy the request as a Python requests snippet."""
    request = snippet_request(tab)
    if request is not None:
        _copy(tab, python_snippet(request), request.holds_secret(),
              "Copied as Python: it reads OKTA_ACCESS_TOKEN from the environment.")


#: what a copy that holds a secret adds to its message
COPIED_SECRET = f"It holds a secret: marked so for clipboard managers, cleared in {SECRET_CLEAR_MS // 1000} s."
#: what the Console says after a save: an answer can hold secrets (/credentials/secrets, a user's recovery
#: question), so every save is owner-only (0600, or an owner-only access list on Windows)
SAVED = "Saved {path} (owner only: an answer can hold secrets)."


def save(tab: ConsoleTab, title: str, suffix: str, data: bytes) -> None:
    """Ask where, then write ``data`` there owner-only in the executor and say so."""
    path = ask_save_path(tab if isinstance(tab, QWidget) else None, title, f"okta-response{suffix}")
    if path is None:
        return

    async def write() -> None:
        try:
            await tasks.run_blocking(write_file, path, data, private=True)
            tab.response.show_progress(SAVED.format(path=path))
        except OktaToolError as exc:
            tab.response.show_progress(plain_message(exc))

    tasks.spawn(write())


def json_bytes(tab: ConsoleTab) -> bytes:
    """Return what Save JSON writes: every row after Fetch all pages, else the body as it came."""
    if tab.state.walk is not None:
        return json.dumps(tab.response.rows.items, indent=2, ensure_ascii=False).encode("utf-8")
    return tab.response.content


def save_json(tab: ConsoleTab) -> None:
    """Save the answer as JSON."""
    save(tab, "Save JSON", ".json", json_bytes(tab))


def save_csv(tab: ConsoleTab) -> None:
    """Save the table as CSV."""
    save(tab, "Save CSV", ".csv", tab.response.rows.csv_text().encode("utf-8"))
