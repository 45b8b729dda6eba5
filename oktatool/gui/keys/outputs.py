"""The Keys tab's outputs: one large viewer, the output chosen from a labelled list, Copy and Save; or, with
"All outputs", the Okta JWKS, the private JWK and the private PEM side by side (gui/keys/all_outputs.py).

Every list entry says where its text goes ("paste into Okta: Add key", "keep secret", …). Beside the list,
the panel says which keys Okta takes for a client assertion and whether the current one is such a key
(the preflight's rules, ``okta_key_problem``); a key Okta refuses loses the green "paste into Okta" label.
The private PEM is encrypted only on request, with a passphrase typed twice. The Certificate output has its
subject, validity and alternative names in fields above it (gui/keys/cert_fields.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError, end_sentence
from oktatool.gui import tasks
from oktatool.gui.keys.all_outputs import AllOutputsView
from oktatool.gui.keys.cert_fields import DEFAULT_CERT, CertFields, CertOptions
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.clipboard import SECRET_CLEAR_MS, copy_text
from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.store_unlock import PassphraseDialog
from oktatool.gui.widgets.tones import tone, tone_style

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.gui.widgets.message_line import MessageLine


@dataclass(frozen=True)
class OutputSpec:
    """One output: export format, title, where it goes, private or not, file suffix, meant for Okta."""

    fmt: str
    title: str
    where: str
    private: bool
    suffix: str
    for_okta: bool = False


OUTPUTS = (
    OutputSpec("jwks-public", "Okta JWKS", "paste into Okta: Add key", False, ".jwks.json", True),
    OutputSpec("jwk-public", "Public JWK", "paste into Okta: Add key", False, ".public.jwk.json", True),
    OutputSpec("jwk", "Private JWK", "keep secret", True, ".private.jwk.json"),
    OutputSpec("jwks", "Private JWKS", "keep secret: the key pair set", True, ".private.jwks.json"),
    OutputSpec("pem-public", "Public PEM", "share with verifiers", False, ".public.pem"),
    OutputSpec("pem", "Private PEM", "keep secret", True, ".private.pem"),
    OutputSpec("cert", "Certificate", "self-signed X.509, shareable", False, ".crt.pem"),
)
SPECS = {spec.fmt: spec for spec in OUTPUTS}
NOT_FOR_OKTA = "not for Okta client assertions"

#: each output's text, or why there is none
Exports = dict[str, tuple[str | None, str | None]]


def export_one(key: Key, spec: OutputSpec, cert: CertOptions = DEFAULT_CERT) -> tuple[str | None, str | None]:
    """Return one output's text for ``key``, or why there is none (runs in the executor).

    ``cert`` shapes the Certificate output (subject, days, alternative names).
    """
    if spec.private and not key.is_private:
        return None, "This is a public key: there is no private part to show."
    try:
        if spec.fmt == "cert":
            return key.export(spec.fmt, subject=cert.subject, days=cert.days, sans=cert.sans), None
        return key.export(spec.fmt), None
    except OktaToolError as exc:
        return None, exc.description


async def export_all(key: Key, cert: CertOptions = DEFAULT_CERT) -> Exports:
    """Return every output's text for ``key``, one executor job per format (the GUI thread runs between)."""
    return {spec.fmt: await tasks.run_blocking(export_one, key, spec, cert) for spec in OUTPUTS}


def okta_verdict(key: Key) -> tuple[bool, str]:
    """Return (Okta takes it, one sentence saying so) for ``key`` as a client assertion key."""
    from oktatool.core.jose.assertion import assertion_alg, okta_key_problem

    problem = okta_key_problem(key)
    if problem is None:
        return True, f"This key: Okta takes it (signs with {assertion_alg(key)})."
    return False, f"This key: Okta won't take it: {end_sentence(problem.problem)} Fix: {end_sentence(problem.fix)}"


def okta_accepts_text() -> str:
    """Say which keys Okta takes for a client assertion (from the preflight's list)."""
    from oktatool.core.jose.jwa import OKTA_ASSERTION_ALGS

    return f"Okta takes client assertion keys for {', '.join(OKTA_ASSERTION_ALGS)} (use sig or none)."


class OutputsPanel(QWidget):
    """The labelled list of outputs, the viewer of the chosen one, and its Copy / Save buttons."""

    #: the private key left the app: a private output was copied or saved to a file
    kept = Signal()

    def __init__(self, messages: MessageLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.key: Key | None = None
        self.exports: Exports = {}
        self.file_stem = "key"
        self.okta_ok = True
        self.verdict = ""
        self.pem_encrypted = False
        self.pem_request = tasks.LatestRequest()
        self.cert_request = tasks.LatestRequest()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_list(), 0)
        single = QWidget()
        self._viewer = self._build_viewer()
        self._viewer.setContentsMargins(0, 0, 0, 0)
        single.setLayout(self._viewer)
        # the certificate's fields and the All outputs view are built when first shown: the Keys tab is the
        # first one shown at start-up, and its build counts towards "ready"
        self._cert_fields: CertFields | None = None
        self._all_view: AllOutputsView | None = None
        self.views = QStackedWidget()
        self.views.addWidget(single)
        layout.addWidget(self.views, 1)
        self.list.setCurrentRow(0)

    # --- construction ---------------------------------------------------------------------------------

    def _build_list(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("outputList")
        named(self.list, "Outputs")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.labels: dict[str, QLabel] = {}
        for spec in OUTPUTS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, spec.fmt)
            item.setToolTip(f"{spec.title}: {spec.where}")
            label = rich_label(QLabel())
            label.setObjectName(f"output_{spec.fmt.replace('-', '_')}")
            label.setContentsMargins(6, 3, 6, 3)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.labels[spec.fmt] = label
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        self._paint_labels()
        self.list.currentRowChanged.connect(lambda _row: self._paint_labels())
        # a click in the list shows that output in the single viewer again
        self.list.itemClicked.connect(lambda _item: self.show_all(False))
        column.addWidget(self.list, 1)
        self.all_button = QPushButton("All outputs")
        self.all_button.setObjectName("allOutputsToggle")
        self.all_button.setCheckable(True)
        self.all_button.setToolTip("Show the Okta JWKS, the private JWK and the private PEM side by side (as mkjwk "
                                   "does); click an output in the list for the single large viewer")
        self.all_button.toggled.connect(self.show_all)
        column.addWidget(self.all_button)
        self.list.setFixedWidth(max(self.fontMetrics().horizontalAdvance("M" * 16), 190))
        return column

    def _build_viewer(self) -> QVBoxLayout:
        column = QVBoxLayout()
        header = QHBoxLayout()
        self.title = rich_label(QLabel())
        self.title.setObjectName("outputTitle")
        self.where = QLabel()
        self.where.setObjectName("whereLabel")
        self.where.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.title)
        header.addWidget(self.where, 1)
        self.encrypt_button = QPushButton("Encrypt…")
        self.encrypt_button.setToolTip("Encrypt the private PEM (PKCS#8) with a passphrase you type twice")
        self.plain_button = QPushButton("Remove passphrase")
        self.copy_button = QPushButton("Copy")
        self.save_button = QPushButton("Save…")
        for button in (self.encrypt_button, self.plain_button, self.copy_button, self.save_button):
            header.addWidget(button)
        column.addLayout(header)
        # what Okta takes, and whether this key is such a key: two lines kept, so the viewer never moves
        self.okta_note = rich_label(QLabel(okta_accepts_text()))
        self.okta_note.setObjectName("oktaNote")
        self.okta_note.setWordWrap(True)
        self.okta_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.okta_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.okta_note.setFixedHeight(self.okta_note.fontMetrics().lineSpacing() * 2 + 4)
        column.addWidget(self.okta_note)
        self.view = CodeView()
        self.view.setObjectName("outputView")
        named(self.view, "Output")
        self.view.setPlaceholderText("Generate or import a key")
        column.addWidget(self.view, 1)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.ask_and_save)
        self.encrypt_button.clicked.connect(lambda: self.pem_request.start(self._encrypt_pem()))
        self.plain_button.clicked.connect(lambda: self.pem_request.start(self._plain_pem()))
        return column

    def _paint_labels(self) -> None:
        current = self.list.currentRow()
        for index, spec in enumerate(OUTPUTS):
            kind, where = self._where(spec)
            label = self.labels[spec.fmt]
            # the chosen row's label in the selection's text colour, readable on the selection
            label.setForegroundRole(QPalette.ColorRole.HighlightedText if index == current
                                    else QPalette.ColorRole.WindowText)
            where = where if index == current else f"<span style='color:{tone(kind)}'>{where}</span>"
            label.setText(f"<b>{spec.title}</b><br>{where}")
            item = self.list.item(OUTPUTS.index(spec))
            item.setSizeHint(self.labels[spec.fmt].sizeHint() + QSize(0, 2))
        if hasattr(self, "views"):
            self._paint_note()
            self._show_current()

    def _paint_note(self) -> None:
        if not self.verdict:
            return
        colour = tone("good" if self.okta_ok else "warn")
        shown = self.verdict.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.okta_note.setText(f"{okta_accepts_text()} <span style='color:{colour}'>{shown}</span>")
        self.okta_note.setToolTip(f"{okta_accepts_text()} {self.verdict}")

    def _where(self, spec: OutputSpec) -> tuple[str, str]:
        if spec.private:
            return "secret", spec.where
        if spec.for_okta and not self.okta_ok:
            return "warn", NOT_FOR_OKTA
        return "good", spec.where

    # --- the shown output -------------------------------------------------------------------------------

    def current_spec(self) -> OutputSpec:
        """Return the output chosen in the list."""
        row = self.list.currentRow()
        return OUTPUTS[row if 0 <= row < len(OUTPUTS) else 0]

    def select(self, fmt: str) -> None:
        """Show the output ``fmt``."""
        self.list.setCurrentRow(OUTPUTS.index(SPECS[fmt]))

    def _show_header(self) -> None:
        spec = self.current_spec()
        kind, where = self._where(spec)
        if spec.fmt == "pem" and self.pem_encrypted:
            where += " · encrypted with your passphrase"
        self.title.setText(f"<b>{spec.title}</b>")
        self.where.setText(where)
        self.where.setStyleSheet(tone_style(kind, bold=True))

    def _show_current(self) -> None:
        spec = self.current_spec()
        text, note = self.exports.get(spec.fmt, (None, None))
        self._show_header()
        if spec.fmt.endswith("pem") or spec.fmt == "cert":
            # PEM lines are 64 characters: they fit the viewer; wrapped they would break raggedly
            self.view.setLineWrapMode(CodeView.LineWrapMode.NoWrap)
        else:
            self.view.setLineWrapMode(CodeView.LineWrapMode.WidgetWidth)
        self.view.setPlainText(text or "")
        self.view.setPlaceholderText("" if note else "Generate or import a key")
        self.view.set_note(note)
        self.copy_button.setEnabled(bool(text))
        self.save_button.setEnabled(bool(text))
        if spec.fmt == "cert":
            self.cert_fields.show()
        elif self._cert_fields is not None:
            self._cert_fields.hide()
        self._show_all_outputs()
        can_encrypt = spec.fmt == "pem" and bool(text) and self.key is not None and self.key.is_private
        self.encrypt_button.setVisible(can_encrypt and not self.pem_encrypted)
        self.plain_button.setVisible(can_encrypt and self.pem_encrypted)

    @property
    def cert_fields(self) -> CertFields:
        """The Certificate output's subject, days and alternative names (built when first wanted)."""
        if self._cert_fields is None:
            fields = CertFields()
            fields.hide()  # shown with the Certificate output
            fields.changed.connect(lambda: self.cert_request.start(self._remake_cert()))
            self._viewer.insertWidget(self._viewer.indexOf(self.okta_note) + 1, fields)
            self._cert_fields = fields
        return self._cert_fields

    def cert_options(self) -> CertOptions:
        """Return what the next certificate says besides its key (the defaults until the fields were shown)."""
        return self._cert_fields.options() if self._cert_fields is not None else DEFAULT_CERT

    @property
    def all_view(self) -> AllOutputsView:
        """The three outputs side by side (built when first shown)."""
        if self._all_view is None:
            self._all_view = AllOutputsView(self.copy)
            self.views.addWidget(self._all_view)
        return self._all_view

    def _show_all_outputs(self) -> None:
        if self._all_view is None:
            return
        for fmt, column in self._all_view.columns.items():
            spec = SPECS[fmt]
            kind, where = self._where(spec)
            if fmt == "pem" and self.pem_encrypted:
                where += " · encrypted with your passphrase"
            text, note = self.exports.get(fmt, (None, None))
            column.show_output(spec.title, where, kind, text, note)

    def show_all(self, shown: bool = True) -> None:
        """Show the Okta JWKS, the private JWK and the private PEM together, or the single viewer."""
        if self.all_button.isChecked() != shown:
            self.all_button.setChecked(shown)  # comes back here through toggled
            return
        if shown:
            self.views.setCurrentWidget(self.all_view)
            self._show_all_outputs()
        else:
            self.views.setCurrentIndex(0)

    def all_shown(self) -> bool:
        """Say whether the three outputs are shown together."""
        return self._all_view is not None and self.views.currentWidget() is self._all_view

    def set_key(self, key: Key, exports: Exports) -> None:
        """Show ``key``'s outputs (the chosen output stays chosen)."""
        self.pem_request.cancel()
        self.cert_request.cancel()
        self.key = key
        self.exports = dict(exports)
        self.pem_encrypted = False
        # made a valid name when the dialog suggests it; an oct key without a kid is named by its type, not its hash
        self.file_stem = (key.public_id() or key.describe().replace(" ", "-"))[:40]
        self.okta_ok, self.verdict = okta_verdict(key)
        self._paint_labels()

    def text(self, fmt: str | None = None) -> str:
        """Return the text of output ``fmt`` (default: the shown one); "" when there is none."""
        return self.exports.get(fmt or self.current_spec().fmt, (None, None))[0] or ""

    # --- copy and save ------------------------------------------------------------------------------------

    def copy(self, fmt: str | None = None) -> None:
        """Put output ``fmt`` (default: the shown one) on the clipboard (a private one is cleared after 30 s)."""
        spec = SPECS[fmt] if fmt else self.current_spec()
        text = self.text(spec.fmt)
        if not text:
            return
        copy_text(text, secret=spec.private)
        extra = f"; it leaves the clipboard in {SECRET_CLEAR_MS // 1000} s" if spec.private else ""
        self.messages.show_message(f"Copied the {spec.title.lower()}{extra}.", "good")
        if spec.private:
            self.kept.emit()

    def ask_and_save(self) -> None:
        """Ask where to save the shown output and write it."""
        spec = self.current_spec()
        if not self.text():
            return
        path = ask_save_path(self, f"Save the {spec.title.lower()}", f"{self.file_stem}{spec.suffix}")
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Write the shown output to ``path`` (mode 0600 when private); say what happened."""
        from oktatool.core.files import write_file

        spec = self.current_spec()
        text = self.text()
        try:
            write_file(path, (text if text.endswith("\n") else text + "\n").encode("utf-8"), private=spec.private)
        except OktaToolError as exc:
            self.messages.show_message(f"Not saved: {exc.description}", "error")
            return False
        self.messages.show_message(f"Saved {path.name}" + (" (owner only)" if spec.private else ""), "good")
        if spec.private:
            self.kept.emit()
        return True

    # --- the certificate's fields ---------------------------------------------------------------------------

    async def _remake_cert(self) -> None:
        key = self.key
        if key is None:
            return
        generation = self.cert_request.generation
        options = self.cert_options()
        text, note = await tasks.run_blocking(export_one, key, SPECS["cert"], options)
        if not self.cert_request.is_current(generation) or key is not self.key:
            return
        self.exports["cert"] = (text, note)
        self._show_current()
        if text:
            names = f", for {options.sans[0]}" if options.sans else ""
            self.messages.show_message(f"Made the certificate: valid {options.days} days{names}.", "good")
        else:
            self.messages.show_message(f"No certificate: {note}", "error")

    # --- the private PEM's passphrase ---------------------------------------------------------------------

    async def _encrypt_pem(self) -> None:
        key = self.key
        if key is None:
            return
        generation = self.pem_request.generation
        dialog = PassphraseDialog("Encrypt the private PEM",
                                  "Type a passphrase twice. Whoever opens the PEM needs it; nobody can recover "
                                  "it for you.", confirm=True, parent=self)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return
        passphrase = dialog.value()
        try:
            text = await tasks.run_blocking(key.export, "pem", passphrase=passphrase)
        except OktaToolError as exc:
            self.messages.show_message(f"Not encrypted: {exc.description}", "error")
            return
        if self.pem_request.is_current(generation) and key is self.key:
            self.exports["pem"] = (text, None)
            self.pem_encrypted = True
            self._show_current()
            self.messages.show_message("The private PEM is encrypted (PKCS#8) with your passphrase.", "good")

    async def _plain_pem(self) -> None:
        key = self.key
        if key is None:
            return
        generation = self.pem_request.generation
        text, note = await tasks.run_blocking(export_one, key, SPECS["pem"])
        if self.pem_request.is_current(generation) and key is self.key:
            self.exports["pem"] = (text, note)
            self.pem_encrypted = False
            self._show_current()
