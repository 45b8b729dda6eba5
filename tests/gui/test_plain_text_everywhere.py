"""No text an org, a token, a key file or a key set chose is drawn as HTML anywhere in the window (the class).

The window's real flows run with hostile values (a sandbox group's name and description, a token's kid, iss and
sub, a key file's kid and name, a key set's kid, all like ``<a href=x>LINK</a><img src=y>``); then every label
of every window and dialog (a message box's too), every widget's tooltip and the tooltip of a view's cell that
quotes the value are read as Qt draws them. One drawn as HTML (RichText with the value unescaped, or AutoText
that Qt takes for HTML) fails the test: plain_text.plain_by_default, which the app's style applies to every
label it polishes (the label Qt shows a tooltip in too), keeps it so.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from typing import Any

import requests
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import import_key
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QToolTip, QWidget

from oktatool.context import AppContext
from oktatool.core.okta.rotation import new_app_key
from oktatool.gui.console.tab import ConsoleTab
from oktatool.gui.dialogs.diagnose import DiagnoseDialog
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.keys.tab import KeysTab
from oktatool.gui.main_window import MainWindow
from oktatool.gui.widgets.error_dialog import ErrorDialog
from oktatool.sandbox import SandboxInfo
from tests.gui.a11y_walk import describe, dialogs
from tests.gui.conftest import finish, openssl
from tests.gui.test_console_tab import settle, use_org
from tests.gui.test_jwt_tab_strict import verify_with
from tests.gui.test_wheel_guard import window

__all__ = ["window"]  # the fixture (the window as start-up builds it), shared with the wheel guard tests

#: what a hostile org, token or file may hold: as HTML, a link and an image (no quotes: JSON keeps it as it is)
HOSTILE = "<a href=x>LINK</a><img src=y>"
HTML_FORMATS = (Qt.TextFormat.RichText, Qt.TextFormat.MarkdownText)
#: the window's own formatting: a label holding it as plain text shows the tags (it forgot rich_label)
OWN_TAG = re.compile(r"</?(b|br|code|span|p|h3|a)\b")


def drawn_as_html(text: str, text_format: Qt.TextFormat) -> bool:
    """Say whether Qt draws ``text`` (holding the hostile value as it is) as HTML in ``text_format``."""
    return HOSTILE in text and (text_format in HTML_FORMATS or (text_format == Qt.TextFormat.AutoText
                                                                 and QtGui.Qt.mightBeRichText(text)))


def shown_tip() -> QLabel | None:
    """Return the label Qt shows the current tooltip in, or None."""
    return next((widget for widget in QApplication.topLevelWidgets() if isinstance(widget, QLabel)
                 and widget.windowType() == Qt.WindowType.ToolTip and widget.isVisible()), None)


def tip_at(widget: QWidget, at: QPoint) -> QLabel | None:
    """Hover ``widget`` at ``at`` as Qt does (a ToolTip help event) and return the tooltip's label."""
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, at, widget.mapToGlobal(at)))
    return shown_tip()


def _tip_problem(name: str, tip: QLabel | None) -> list[str]:
    if tip is None:
        return [f"{name}: no tooltip shown"]
    problem = [f"{name}: tooltip drawn as HTML: {tip.text()!r}"] if drawn_as_html(tip.text(), tip.textFormat()) else []
    QToolTip.hideText()
    return problem


def _hostile_cell(view: QAbstractItemView) -> Any:
    model = view.model()
    columns = next(column for column in itertools.count() if not model.hasIndex(0, column))  # a list model too
    for row in range(min(model.rowCount(), 100)):
        for column in range(columns):
            index = model.index(row, column)
            shown = f"{index.data(Qt.ItemDataRole.DisplayRole)} {index.data(Qt.ItemDataRole.ToolTipRole)}"
            if HOSTILE in shown:
                return index
    return None


def html_shown() -> tuple[list[str], int]:
    """Walk every label, tooltip and cell tooltip of the application; return what shows the hostile value as
    HTML, and how many tooltips were hovered."""
    problems: list[str] = []
    hovered = 0
    for widget in QApplication.allWidgets():
        widget.ensurePolished()  # as Qt does before it draws a widget
        if isinstance(widget, QLabel) and drawn_as_html(widget.text(), widget.textFormat()):
            problems.append(f"{describe(widget)}: {widget.text()!r}")
        elif (isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.PlainText
              and HOSTILE not in widget.text() and OWN_TAG.search(widget.text())):
            problems.append(f"{describe(widget)}: its own bold words shown as tags: {widget.text()!r}")
        if HOSTILE in widget.toolTip() and widget.isVisible():
            hovered += 1
            problems += _tip_problem(describe(widget), tip_at(widget, widget.rect().center()))
        if isinstance(widget, QAbstractItemView) and widget.isVisible() and widget.model() is not None:
            index = _hostile_cell(widget)
            if index is not None:
                widget.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
                hovered += 1
                tip = tip_at(widget.viewport(), widget.visualRect(index).center())
                problems += _tip_problem(f"a cell of {describe(widget)}", tip) if tip is not None else []
    return problems, hovered


def _hostile_org(sandbox_org: SandboxInfo) -> None:
    made = requests.post(f"{sandbox_org.org_url}/api/v1/groups", timeout=10,
                         headers={"Authorization": f"SSWS {sandbox_org.ssws_token}"},
                         json={"profile": {"name": HOSTILE, "description": f"named {HOSTILE}"}})
    assert made.status_code == 200, made.text


def _hostile_token() -> tuple[str, str]:
    """Return anyone's token whose kid, iss and sub are hostile, and a key set of another key with that kid."""
    theirs, other = (import_key(openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
                                .decode(), "EC") for _ in range(2))
    token = joserfc_jwt.encode({"alg": "ES256", "kid": HOSTILE},
                               {"iss": HOSTILE, "sub": HOSTILE, "aud": HOSTILE, "exp": 1}, theirs)
    return token, json.dumps({"keys": [{**other.as_dict(private=False), "kid": HOSTILE}]})


def test_no_hostile_value_is_drawn_as_html_in_any_label_or_tooltip(window: MainWindow, context: AppContext,
                                                                   aloop: asyncio.AbstractEventLoop,
                                                                   sandbox_org: SandboxInfo) -> None:
    _hostile_org(sandbox_org)
    use_org(context, sandbox_org, name=HOSTILE)  # a profile named after it too
    keys = window.show_tab("keys")
    assert isinstance(keys, KeysTab)
    finish(aloop, keys.import_data(new_app_key().with_kid(HOSTILE).export("jwk"), f"from {HOSTILE}.json"))
    jwt_tab = window.show_tab("jwt")
    assert isinstance(jwt_tab, JwtTab)
    token, key_set = _hostile_token()
    assert verify_with(jwt_tab, aloop, key_set, token).startswith("NOT VERIFIED")
    window.show_tab("scopes")  # its labels with bold words: each must ask for HTML (the walk polishes hidden ones)
    console = window.show_tab("console")
    assert isinstance(console, ConsoleTab)
    finish(aloop, console.loading)
    finish(aloop, console.get_token(), timeout=120)
    console.editor.set_request("GET", "/api/v1/groups")
    finish(aloop, console.send())
    console.editor.set_request("GET", f"/api/v1/groups/{HOSTILE}")  # the org's error quotes it
    finish(aloop, console.send())
    settle(aloop)
    made = dialogs()  # every dialog, as the window makes it, for the hostile profile
    made[ErrorDialog] = lambda w: ErrorDialog(f"OktaToolError: {HOSTILE}", f"the org said {HOSTILE}", w)
    opened = [make(window) for make in made.values()]
    for dialog in opened:
        dialog.show()
    diagnose = next(dialog for dialog in opened if isinstance(dialog, DiagnoseDialog))
    diagnose.admin.source.setCurrentIndex(diagnose.admin.source.findData("none"))
    finish(aloop, diagnose.start())
    problems, hovered = html_shown()
    assert not problems, "\n".join(problems)
    assert hovered, "no tooltip quoted the hostile value: the walk checked no tooltip"
