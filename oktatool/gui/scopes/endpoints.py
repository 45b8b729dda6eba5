"""The endpoints panel: the scope one call needs, and the least-privilege scopes for a list of calls."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.scopes import METHODS, parse_call
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.core.okta.scopes import LeastPrivilege, ScopeCatalog

#: longest endpoint text looked up, and most lines of calls analysed (more are cut, said so)
MAX_ENDPOINT = 2000
MAX_CALLS = 2000


class EndpointPanel(QWidget):
    """Look up one call, or a list of calls, and pick the scopes in one click."""

    #: pick these scopes (replacing the picks)
    pick_requested = Signal(list)
    #: highlight this scope in the catalog
    show_requested = Signal(str)
    #: pull the Console's history
    history_requested = Signal()

    def __init__(self, catalog: ScopeCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.needed: list[str] = []
        self.least: LeastPrivilege | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(rich_label(QLabel("<b>One call</b>: a concrete call or a template")))
        self.endpoint = QLineEdit()
        self.endpoint.setObjectName("endpointSearch")
        named(self.endpoint, "Endpoint")
        self.endpoint.setPlaceholderText("GET /api/v1/users/00u1abc/groups")
        self.endpoint.setClearButtonEnabled(True)
        self.endpoint.setMaxLength(MAX_ENDPOINT)
        layout.addWidget(self.endpoint)
        self.answer = rich_label(QLabel())
        self.answer.setObjectName("endpointAnswer")
        self.answer.setWordWrap(True)
        self.answer.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)  # no jump as answers change
        layout.addWidget(self.answer)
        row = QHBoxLayout()
        self.pick_one = QPushButton("Pick it")
        self.pick_one.setToolTip("Pick the scope(s) this call needs")
        self.show_one = QPushButton("Show in catalog")
        row.addWidget(self.pick_one)
        row.addWidget(self.show_one)
        row.addStretch(1)
        layout.addLayout(row)

        layout.addWidget(rich_label(QLabel("<b>Many calls</b>: one per line, get the smallest set of scopes")))
        self.calls = QPlainTextEdit()
        self.calls.setObjectName("callList")
        named(self.calls, "API calls, one a line")
        self.calls.setPlaceholderText("GET /api/v1/users\nPOST /api/v1/groups/00g1/users/00u1\nGET /api/v1/logs")
        layout.addWidget(self.calls, 1)
        buttons = QHBoxLayout()
        self.analyze_button = QPushButton("Least privilege")
        self.analyze_button.setObjectName("leastPrivilege")
        self.history_button = QPushButton("From Console history")
        self.history_button.setToolTip("Analyse the calls in the Console's history")
        self.pick_all = QPushButton("Pick these")
        self.pick_all.setObjectName("pickLeast")
        self.pick_all.setToolTip("Replace the picked scopes with this set")
        buttons.addWidget(self.analyze_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pick_all)
        layout.addLayout(buttons)
        self.result = rich_label(QLabel())
        self.result.setObjectName("leastResult")
        self.result.setWordWrap(True)
        self.result.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 4)
        layout.addWidget(self.result)

        self.endpoint.textChanged.connect(self.look_up)
        self.pick_one.clicked.connect(lambda: self.pick_requested.emit(list(self.needed)))
        self.show_one.clicked.connect(lambda: self.show_requested.emit(self.needed[0]) if self.needed else None)
        self.analyze_button.clicked.connect(self._analyze_text)
        # the set follows the list as it is typed or pasted (after a short pause: a paste can be large)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._analyze_text)
        self.calls.textChanged.connect(self._debounce.start)
        self.history_button.clicked.connect(self.history_requested.emit)
        self.pick_all.clicked.connect(self._pick_least)
        self.look_up("")
        self._show_least(None)

    # one call -----------------------------------------------------------------------------------------------

    def look_up(self, text: str) -> None:
        """Say what the call in ``text`` needs (as you type)."""
        text = text.strip()[:MAX_ENDPOINT]
        self.needed = []
        if not text:
            self.answer.setText("Type a call to see the scope it needs. A .manage scope also opens its .read.")
            self.answer.setStyleSheet("")
        else:
            try:
                lines = self._requirements(text)
            except OktaToolError as exc:
                self.answer.setText(html.escape(plain_message(exc)))
                self.answer.setStyleSheet(tone_style("error"))
            else:
                self.answer.setText("<br>".join(html.escape(line) for line in lines))
                self.answer.setStyleSheet("")
        self.pick_one.setEnabled(bool(self.needed))
        self.show_one.setEnabled(bool(self.needed))

    def _requirements(self, text: str) -> list[str]:
        first = text.split()[0].upper()
        if first in METHODS:
            method, path = parse_call(text)
            requirement = self.catalog.required_scopes(method, path)
            self.needed = list(dict.fromkeys(options[0] for options in requirement.alternatives))
            return [requirement.explain()]
        # a path alone: every method the catalog knows for it
        _, path = parse_call(text)
        methods = self.catalog.methods_for(path)
        if not methods:
            self.catalog.required_scopes("GET", path)  # raises the catalog's own "no operation matches"
        lines = []
        for method in methods:
            requirement = self.catalog.required_scopes(method, path)
            lines.append(requirement.explain())
            if method == "GET":
                self.needed = list(dict.fromkeys(options[0] for options in requirement.alternatives))
        return lines

    # many calls ---------------------------------------------------------------------------------------------

    def analyze(self, calls: list[str]) -> None:
        """Show the least-privilege set of ``calls`` (and put them in the list)."""
        lines = [line[:MAX_ENDPOINT] for line in calls[:MAX_CALLS]]
        text = "\n".join(lines)
        if self.calls.toPlainText() != text:
            self.calls.setPlainText(text)
        self._show_least(self.catalog.least_privilege(lines), cut=len(calls) > MAX_CALLS)

    def _analyze_text(self) -> None:
        self._debounce.stop()
        self.analyze(self.calls.toPlainText().splitlines())

    def _show_least(self, least: LeastPrivilege | None, *, cut: bool = False) -> None:
        self.least = least
        self.pick_all.setEnabled(bool(least and least.scopes))
        if least is None:
            self.result.setText("")
            return
        parts = []
        if least.scopes:
            parts.append(f"<b>{len(least.scopes)} scope{'s' if len(least.scopes) != 1 else ''}</b> cover "
                         f"{len(least.calls)} call{'s' if len(least.calls) != 1 else ''}: "
                         f"<code>{html.escape(least.scope_string)}</code>")
        elif not least.problems:
            parts.append("No calls given.")
        for line, why in least.problems[:8]:
            parts.append(f"left out <code>{html.escape(line)}</code>: {html.escape(why)}")
        if len(least.problems) > 8:
            parts.append(f"… and {len(least.problems) - 8} more lines left out")
        if cut:
            parts.append(f"only the first {MAX_CALLS} lines were read")
        self.result.setText("<br>".join(parts))
        self.result.setStyleSheet(tone_style("error") if least.problems and not least.scopes else "")

    def _pick_least(self) -> None:
        if self.least is not None and self.least.scopes:
            self.pick_requested.emit(list(self.least.scopes))

    def say(self, text: str, *, error: bool = False) -> None:
        """Show a message under the call list."""
        self.result.setText(html.escape(text))
        self.result.setStyleSheet(tone_style("error") if error else "")
