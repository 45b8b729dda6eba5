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
from tests.gui.conftest import answer_confirmation, answer_role_dialog, finish
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


def _in_view(widget: Any, area: QScrollArea) -> bool:
    """Return True when ``widget`` is wholly inside the scroll area's viewport as it is scrolled now."""
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(area.viewport(), widget.rect().topLeft())
    return area.viewport().rect().contains(QRect(top_left, widget.size()))


def test_grants_and_roles_keep_buttons_and_result_in_view_and_their_place(
        window: MainWindow, context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from oktatool.gui.scopes.tab import ScopesTab

    window.resize(1100, 750)
    tab = window.show_tab("scopes")
    assert isinstance(tab, ScopesTab)
    finish(aloop, tab.ready)
    access = tab.access
    assert access is not None
    tab.side.setCurrentIndex(tab.side.count() - 1)
    tab.pick_scopes(["okta.users.read", "okta.policies.read"])
    qtbot.mouseClick(access.fetch_button, Qt.MouseButton.LeftButton)
    finish(aloop, access.request.task)
    settle(aloop)
    area = tab.side.currentWidget()
    assert isinstance(area, QScrollArea)
    for widget in (access.fetch_button, access.grant_button, access.revoke_button, access.role_panel.assign_button,
                   access.role_panel.unassign_button, access.message):
        assert _in_view(widget, area), f"{widget.objectName() or widget.text()} is out of view at 1100x750"
    # an action leaves the pane where the user put it (the pane scrolls in a smaller window)
    window.resize(960, 600)
    tab.splitter.setSizes([3000, 1])  # the user gave the scopes most of the room
    settle(aloop)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    where = bar.value()
    for button in (access.grant_button, access.role_panel.assign_button):
        button.setFocus()
        if button is access.role_panel.assign_button:
            answer_role_dialog("READ_ONLY_ADMIN")
        answer_confirmation("Make the call", [])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        finish(aloop, access.request.task)
        settle(aloop)
        assert bar.value() == where, f"{button.text()} moved the pane from {where} to {bar.value()}"
    assert "done" in access.message.text()


@pytest.mark.parametrize("how", ["disabled", "tab"])
def test_a_button_waiting_for_its_action_leaves_the_pane_in_place(qtbot: Any, how: str) -> None:
    """The focused button is disabled while its action runs and the focus moves on to a control out of view:
    the scroll position stays. Tab still scrolls to the control it focuses."""
    from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

    from oktatool.gui.widgets.scroll_pane import ScrollPane

    panel = QWidget()
    column = QVBoxLayout(panel)
    buttons = [QPushButton(f"Action {number}") for number in range(30)]
    for button in buttons:
        column.addWidget(button)
    for button in buttons[11:26]:
        button.setEnabled(False)  # the next control that takes the focus is Action 26, far below
    pane = ScrollPane(panel)
    qtbot.addWidget(pane)
    pane.resize(300, 150)
    pane.show()
    qtbot.waitExposed(pane)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    bar = pane.verticalScrollBar()
    bar.setValue(buttons[10].y())
    buttons[10].setFocus()
    where = bar.value()
    assert QApplication.focusWidget() is buttons[10] and where > 0
    if how == "disabled":
        buttons[10].setEnabled(False)
        assert QApplication.focusWidget() is buttons[26]
        assert bar.value() == where, f"the pane moved from {where} to {bar.value()}"
    else:
        pane.focusNextPrevChild(True)
        assert QApplication.focusWidget() is buttons[26] and bar.value() > where


def squeezed_labels(root: Any) -> list[str]:
    """Return the shown word-wrapped labels given less height than their text needs at their width (cut)."""
    from PySide6.QtWidgets import QLabel

    cut = []
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text().strip():
            needed = QLabel.heightForWidth(label, label.width())
            if needed > label.height():
                cut.append(f"{label.objectName() or type(label).__name__} {label.text()[:60]!r}: "
                           f"{label.height()} px of {needed}")
    return cut


@pytest.mark.parametrize("size", SIZES)
def test_every_note_is_whole(window: MainWindow, context: AppContext, aloop: asyncio.AbstractEventLoop,
                             size: tuple[int, int]) -> None:
    from oktatool.gui.console.tab import ConsoleTab

    window.resize(*size)
    keys = window.show_tab("keys")
    finish(aloop, keys.generate())
    assert not squeezed_labels(window)
    console = window.show_tab("console")
    assert isinstance(console, ConsoleTab)
    finish(aloop, console.loading)
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    finish(aloop, console.fetch_all(), timeout=120)
    settle(aloop)
    assert not squeezed_labels(window)
    # the page walk's longest lines: waiting out a rate limit, and a copied command
    view = console.response
    view.show_progress("1,234 pages, 2,468 items; waiting for the rate limit to reset (Cancel stops)")
    settle(aloop)
    assert not squeezed_labels(window)
    view.show_progress("Copied as curl: save the token in token.txt (chmod 600) first. DPoP: the proof works once.")
    settle(aloop)
    assert not squeezed_labels(window)
