"""The window at its smallest sizes (960x600, 1100x750) with long real values: nothing scrolls sideways,
buttons and result lines stay in view, and notes are whole."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea

from oktatool.context import AppContext
from oktatool.gui.main_window import MainWindow
from tests.gui.conftest import finish
from tests.gui.test_console_tab import settle, use_org

SIZES = [(960, 600), (1100, 750)]


@pytest.fixture
def window(context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> Iterator[MainWindow]:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.start(remember_state=False)
    qtbot.waitExposed(win)
    yield win
    settle(aloop)
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_token_pane_never_scrolls_sideways(window: MainWindow, context: AppContext, sandbox_factory: Any,
                                               aloop: asyncio.AbstractEventLoop, size: tuple[int, int]) -> None:
    from oktatool.gui.console.tab import ConsoleTab

    window.resize(*size)
    console = window.show_tab("console")
    assert isinstance(console, ConsoleTab)
    finish(aloop, console.loading)
    info = sandbox_factory(dpop_required=True, users=2)
    scopes = ("okta.users.read", "okta.users.manage", "okta.groups.read", "okta.groups.manage", "okta.apps.read",
              "okta.apps.manage", "okta.logs.read", "okta.roles.read")
    use_org(context, info, dpop=True, scopes=scopes)
    console.left.setCurrentWidget(console.token_panel)
    finish(aloop, console.get_token(), timeout=120)
    settle(aloop)
    panel = console.token_panel
    finish(aloop, panel.exchange_request.task)
    settle(aloop)
    assert console.token is not None and console.token.facts.jkt
    scroll = panel.findChild(QScrollArea)
    assert scroll is not None
    sideways = scroll.horizontalScrollBar().maximum()
    assert sideways == 0, f"the Token pane scrolls {sideways} px sideways"
    body = scroll.widget()
    for button in (panel.get_button, panel.forget_button, panel.access_token.copy_button):
        right = button.mapTo(body, button.rect().topRight()).x()
        assert right <= scroll.viewport().width(), button.text()
    # a long value is cut with an ellipsis where room runs out; its tooltip and Copy hold it whole
    jkt = console.token.facts.jkt
    assert panel.jkt_label.text() == jkt
    if panel.jkt_label.shown_text() != jkt:
        assert panel.jkt_label.label.toolTip() == jkt
    panel.jkt_label.copy_button.click()
    assert QGuiApplication.clipboard().text() == jkt
