"""The Console's authorization server row: the org server or a custom one (listed, or typed), the server's
scopes, and Verify for a token that never goes to the Okta API."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from oktatool.gui.widgets.message_line import MessageLine

#: the picker's first entry: the org authorization server (stored as "")
ORG_ENTRY = "Org server (Okta API)"


class ServerCombo(QComboBox):
    """The picker: says when its list is about to open (the org's servers are listed then, not before)."""

    opening = Signal()

    def showPopup(self) -> None:
        """Ask for the list, then open it (it fills in when the servers arrive)."""
        self.opening.emit()
        super().showPopup()


class AuthServerBar(QWidget):
    """Pick the authorization server tokens come from; verify the token of a custom one."""

    #: the user chose a server: "" for the org server, else the id typed or picked
    server_chosen = Signal(str)
    #: the user asked to verify the current token against the server's keys
    verify_requested = Signal()
    #: the user opened the list of servers
    list_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = ServerCombo()
        self.combo.opening.connect(self.list_requested)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(22)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setToolTip("Where Get token asks: the org server (Okta API scopes), or a custom server by id "
                              "(default, aus…) for your own APIs. Saved in the profile.")
        edit = self.combo.lineEdit()
        assert edit is not None  # an editable combo box has one
        edit.setPlaceholderText("org, default or aus…")
        self.combo.activated.connect(self._picked)
        edit.returnPressed.connect(self._typed)
        self.verify_button = QPushButton("Verify token")
        self.verify_button.setToolTip("Check the token's signature against this server's keys, and its iss and aud")
        self.verify_button.clicked.connect(self.verify_requested)
        self.status = MessageLine(2)  # two lines kept: a message never moves the request below
        label = QLabel("Authorization server")
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addWidget(self.verify_button)
        row.addWidget(self.status, 1)

    def show_server(self, server_id: str, listed: list[tuple[str, str]] | None = None) -> None:
        """Show ``server_id`` as chosen, with ``listed`` (id, label) servers to pick from (None: keep the list)."""
        self.combo.blockSignals(True)
        if listed is not None:
            self.combo.clear()
            self.combo.addItem(ORG_ENTRY, "")
            for ident, label in listed:
                self.combo.addItem(label, ident)
        index = self.combo.findData(server_id)
        if index < 0 and server_id:
            self.combo.addItem(server_id, server_id)
            index = self.combo.count() - 1
        if index < 0 and self.combo.count() == 0:
            self.combo.addItem(ORG_ENTRY, "")
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.verify_button.setVisible(bool(server_id))

    def say(self, text: str, tone: str = "") -> None:
        """Show a line beside the picker (the server's scopes, a verification, why listing failed)."""
        if text:
            self.status.show_message(text, tone or "info", timeout_ms=0)  # it stays: it describes the choice
        else:
            self.status.clear_message()

    def chosen_id(self) -> str:
        """Return the id shown: the entry's data, or the text typed."""
        index = self.combo.currentIndex()
        text = self.combo.currentText().strip()
        if index >= 0 and self.combo.itemText(index) == text:
            return str(self.combo.itemData(index) or "")
        return "" if text == ORG_ENTRY else text

    def _picked(self, _index: int) -> None:
        self.server_chosen.emit(self.chosen_id())

    def _typed(self) -> None:
        self.server_chosen.emit(self.chosen_id())
