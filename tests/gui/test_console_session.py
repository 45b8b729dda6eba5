"""The Console follows the profile session: after a switch, an edit of the active profile, or with a request in
flight, nothing of the previous profile is shown or sent (sandbox orgs over real HTTP on loopback)."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QPlainTextEdit, QWidget

from oktatool.context import AppContext
from oktatool.gui.console.tab import ConsoleTab
from oktatool.gui.console.token_panel import EMPTY_STATUS, NO_EXCHANGE
from oktatool.gui.widgets.token_view import TokenView
from oktatool.sandbox import Fault, SandboxInfo
from tests.gui.conftest import finish
from tests.gui.test_console_tab import console, settle, use_org

__all__ = ["console"]  # the fixture, shared with the Console tab tests


def shown(tab: ConsoleTab) -> str:
    """Every text the tab shows (labels, fields, code views, held secrets, table cells) but the history panel,
    which lists every profile's calls by design, plus what the tab says it would send."""
    texts: list[str] = list(tab.profile_traces())
    for widget in tab.findChildren(QWidget):
        if widget is tab.history or tab.history.isAncestorOf(widget):
            continue
        if isinstance(widget, QLabel | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, TokenView):
            texts.append(widget.value)
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [str(model.index(r, c).data() or "") for r in range(min(model.rowCount(), 50))
                      for c in range(model.columnCount())]
    return "\n".join(texts)


def traces_of(tab: ConsoleTab, info: SandboxInfo) -> list[str]:
    """Return what belongs to ``info``'s org after a token, a call and a pasted token there."""
    state = tab.state
    assert state.token is not None and state.last_response is not None
    values = [info.org_url, info.client_id, state.token.token.access_token, state.last_response.request_id or ""]
    values += [state.token.facts.jkt] if state.token.facts.jkt else []
    return [value for value in values if value]


def test_a_switch_leaves_nothing_of_the_old_profile_and_sends_no_pasted_token(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    org_a = sandbox_factory(users=3, dpop_required=True)
    org_b = sandbox_factory(users=4)
    use_org(context, org_a, dpop=True, name="org A")
    finish(aloop, console.get_token())
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    settle(aloop)
    assert "→ 200" in console.response.status.text() and console.state.token is not None
    assert console.state.token.facts.jkt and "DPoP" in console.token_panel.kind_label.text()
    old = traces_of(console, org_a)
    pasted = console.state.token.token.access_token
    console.use_authorization(f"Bearer {pasted}")  # a token pasted for org A
    assert console.pasted is not None and not console.bar.pasted_label.isHidden()
    assert all(value in shown(console) for value in old)  # the scan sees what is there

    use_org(context, org_b, name="org B")
    settle(aloop)

    left = shown(console)
    assert [value for value in old if value in left] == []
    assert "org B" in console.bar.org_label.text() and console.bar.pasted_label.isHidden()
    assert console.token_panel.status.text() == EMPTY_STATUS and console.token_panel.kind_label.text() == "–"
    assert console.response.status.text() == "No request sent yet." and console.response.row_count() == 0
    # the next call goes to org B with org B's own token: org B refuses org A's token (401), so a 200 with
    # org B's four users shows what arrived there
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text(), console.response.explanation.text()
    assert console.response.row_count() == 4
    assert console.state.token is not None and console.state.token.token.access_token != pasted
    assert console.state.token.org_url == org_b.org_url


def test_a_token_request_in_flight_during_a_switch_writes_nothing(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    slow = sandbox_factory(users=2, faults=(Fault("/oauth2/v1/token", "delay", seconds=1.5),))
    other = sandbox_factory(users=2)
    use_org(context, slow, name="slow org")
    task = console.get_token()
    aloop.run_until_complete(asyncio.sleep(0.4))  # the token request is on its way
    use_org(context, other, name="other org")
    aloop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    aloop.run_until_complete(asyncio.sleep(2.0))  # the slow org answers; its exchange is reported
    settle(aloop)
    assert console.state.token is None
    panel = console.token_panel
    assert panel.access_token.value == "" and panel.status.text() == EMPTY_STATUS
    assert panel.exchange_title.text() == NO_EXCHANGE and panel.leg_views == []
    assert panel.get_button.isEnabled()
    left = shown(console)
    assert slow.org_url not in left and slow.client_id not in left


def test_a_call_in_flight_during_a_switch_writes_nothing(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    slow = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "delay", seconds=1.5),))
    other = sandbox_factory(users=2)
    use_org(context, slow, name="slow org")
    task = console.send()
    aloop.run_until_complete(asyncio.sleep(0.6))
    use_org(context, other, name="other org")
    aloop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    aloop.run_until_complete(asyncio.sleep(1.5))
    settle(aloop)
    assert console.state.last_response is None and console.state.token is None
    assert console.response.status.text() == "No request sent yet." and console.response.row_count() == 0
    assert console.editor.send_button.isEnabled()
    assert slow.org_url not in shown(console)


def test_editing_the_active_profiles_org_drops_its_token(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    first = sandbox_factory(users=2)
    second = sandbox_factory(users=5)
    profile = use_org(context, first, name="work")
    finish(aloop, console.get_token())
    settle(aloop)
    old = console.state.token.token.access_token if console.state.token else ""
    assert old and old == console.token_panel.access_token.value
    # the same profile name, pointed at another org and app (the sandboxes share the service key)
    settings = context.settings.settings
    context.save_settings(settings.with_profile(profile._replace(org_url=second.org_url,
                                                                 client_id=second.client_id)))
    settle(aloop)
    assert console.state.token is None and old not in shown(console)
    assert first.org_url not in shown(console) and second.org_url in console.bar.org_label.text()
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text() and console.response.row_count() == 5
    assert console.state.token is not None and console.state.token.org_url == second.org_url


def test_the_confirm_writes_box_keeps_the_token(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                                aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2)
    use_org(context, info)
    finish(aloop, console.get_token())
    token = console.state.token
    console.bar.confirm_box.setChecked(False)  # a Console preference saved in the profile, not a new org
    assert context.settings.settings.profile().confirm_writes is False
    assert console.state.token is token and console.token_panel.access_token.value
