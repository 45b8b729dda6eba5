"""The Console's request editor: method and path (completed from the scope catalog), query, headers, JSON body."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError
from oktatool.core.okta.api import METHODS
from oktatool.core.okta.request_tabs import DEFAULT_PATH, RequestDraft
from oktatool.gui.models.key_values import KeyValueModel
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.tones import field_error_style, tone_style


def _pairs_table(model: KeyValueModel, title: str) -> QTableView:
    view = QTableView()
    named(view, title)
    tip_elided_cells(view)
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setColumnWidth(0, 180)
    return view



class RequestEditor(QWidget):
    """Method, path, query table, header table and body, with Send / Fetch all pages / Cancel."""

    send_requested = Signal()
    fetch_all_requested = Signal()
    cancel_requested = Signal()
    changed = Signal()
    #: any field of the request edited (method, path, query, headers, body): the tab keeps its draft
    edited = Signal()
    scoped_token_requested = Signal(list)
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.method.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.path = QLineEdit(DEFAULT_PATH)
        named(self.method, "Method")
        named(self.path, "Path")
        self.path.setPlaceholderText("/api/v1/users (type to complete from the scope catalog)")
        self.path.textChanged.connect(self._path_edited)
        self.path.returnPressed.connect(self.send_requested)
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.path.setCompleter(completer)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send_requested)
        self.all_button = QPushButton("Fetch all pages")
        self.all_button.clicked.connect(self.fetch_all_requested)
        self._busy = False
        self.method.currentTextChanged.connect(self._offer_page_walk)
        self._offer_page_walk()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Name this request and keep it in the Saved list (never with a secret)")
        self.save_button.clicked.connect(self.save_requested)
        #: method, path and buttons: the tab puts this row across its whole width
        self.request_line = QWidget()
        line = QHBoxLayout(self.request_line)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.method)
        line.addWidget(self.path, 1)
        line.addWidget(self.send_button)
        line.addWidget(self.all_button)
        line.addWidget(self.cancel_button)
        line.addWidget(self.save_button)

        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.scope_button = QPushButton()
        self.scope_button.hide()
        self.scope_button.clicked.connect(lambda: self.scoped_token_requested.emit(list(self._wanted_scopes)))
        self._wanted_scopes: tuple[str, ...] = ()
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_label, 1)
        scope_row.addWidget(self.scope_button)

        self.query = KeyValueModel(self)
        # the path's query and the Query table are one thing shown twice: an edit to either rewrites the other
        self._syncing = False
        self._path_edited(self.path.text())
        for signal in (self.query.dataChanged, self.query.rowsInserted, self.query.rowsRemoved):
            signal.connect(self._query_edited)
        self.headers = KeyValueModel(self)
        self.body = QPlainTextEdit()
        named(self.body, "Request body")
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setPlaceholderText('JSON body for POST, PUT and PATCH, e.g. {"profile": {"firstName": "Ada"}}')
        self.body.textChanged.connect(self.validate_body)
        self.body_error = QLabel()
        self.body_error.setWordWrap(True)
        body_page = QWidget()
        body_layout = QVBoxLayout(body_page)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.body, 1)
        body_layout.addWidget(self.body_error)
        self.parts = QTabWidget()
        self.parts.addTab(_pairs_table(self.query, "Query parameters"), "Query")
        self.parts.addTab(_pairs_table(self.headers, "Request headers"), "Headers")
        self.parts.addTab(body_page, "Body")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(tone_style("error"))
        self.problem.hide()

        self.changed.connect(self.edited)
        self.body.textChanged.connect(self.edited)
        for signal in (self.headers.dataChanged, self.headers.rowsInserted, self.headers.rowsRemoved,
                       self.headers.modelReset):
            signal.connect(self.edited)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problem)
        layout.addLayout(scope_row)
        layout.addWidget(self.parts, 1)

    def set_catalog_paths(self, labels: list[str]) -> None:
        """Offer these path templates as completions."""
        self.completions.setStringList(labels)

    def set_busy(self, busy: bool) -> None:
        """Enable Cancel while a request runs."""
        self._busy = busy
        self.send_button.setEnabled(not busy)
        self._offer_page_walk()
        self.cancel_button.setEnabled(busy)

    def _offer_page_walk(self, *_args: Any) -> None:
        """Enable Fetch all pages for GET only, saying why it is off for another method."""
        method = self.method.currentText()
        self.all_button.setEnabled(not self._busy and method == "GET")
        self.all_button.setToolTip("Follow Link rel=\"next\" and stream every page into the table" if method == "GET"
                                   else f"Only GET walks pages: {method} is sent once with Send, never to every "
                                        "rel=\"next\" link the server names")

    def show_scope(self, text: str, missing: tuple[str, ...], wanted: tuple[str, ...]) -> None:
        """Say which scope the endpoint needs; offer a token with it when the current one lacks it."""
        self.scope_label.setText(text)
        self._wanted_scopes = wanted
        if missing:
            self.scope_label.setStyleSheet(tone_style("error"))
            self.scope_button.setText(f"Get a token with {' '.join(missing)}")
            self.scope_button.show()
        else:
            self.scope_label.setStyleSheet("")
            self.scope_button.hide()

    def show_problem(self, text: str) -> None:
        """Show a message about the request itself (bad path, bad body) right under the request line."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def validate_body(self) -> bool:
        """Check the body is JSON (or empty); mark it and say where it breaks when it is not."""
        text = self.body.toPlainText()
        if not text.strip():
            self.body.setStyleSheet("")
            self.body_error.clear()
            return True
        try:
            json.loads(text)
        except ValueError as exc:
            self.body.setStyleSheet(field_error_style())
            self.body_error.setText(f"Not JSON: {exc}")
            self.body_error.setStyleSheet(tone_style("error"))
            return False
        self.body.setStyleSheet("")
        self.body_error.setText("Valid JSON.")
        self.body_error.setStyleSheet(tone_style("good"))
        return True

    def body_value(self) -> Any:
        """Return the parsed body (None when empty); raise BadInputError when it is not JSON."""
        text = self.body.toPlainText()
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            self.parts.setCurrentIndex(2)
            raise BadInputError(f"the body is not JSON: {exc}", hint="fix the body, or empty it") from None

    def endpoint(self) -> tuple[str, str]:
        """Return the method and the path typed, without its query and with a leading slash."""
        path = self.path.text().strip().partition("?")[0]
        return self.method.currentText(), path if path.startswith("/") else "/" + path

    def full_path(self) -> str:
        """Return the path with its query (the Query table's rows, which the path's query always mirrors)."""
        return self.path.text().strip()

    def _path_edited(self, text: str) -> None:
        if not self._syncing:
            self._syncing = True
            try:
                self.query.set_pairs(parse_qsl(text.partition("?")[2].partition("#")[0], keep_blank_values=True))
            finally:
                self._syncing = False
        self.changed.emit()

    def _query_edited(self, *_args: Any) -> None:
        if self._syncing:
            return
        pairs = self.query.pairs()
        base = self.path.text().strip().partition("?")[0]
        self._syncing = True
        try:
            self.path.setText(base + ("?" + urlencode(pairs, quote_via=quote) if pairs else ""))
        finally:
            self._syncing = False

    def draft(self, name: str = "") -> RequestDraft:
        """Return the request as the editor holds it (the body as typed), for a tab named ``name``."""
        return RequestDraft(self.method.currentText(), self.path.text(), tuple(self.headers.pairs()),
                            self.body.toPlainText(), name)

    def set_request(self, method: str, path: str, body: str = "", headers: list[tuple[str, str]] | None = None) -> None:
        """Fill the editor (replay from history, a saved request, a tab's draft)."""
        self.method.setCurrentText(method.upper())
        self.path.setText(path)
        self.headers.set_pairs(headers or [])
        self.body.setPlainText(body)
