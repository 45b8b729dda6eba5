"""The header editor: alg (filtered to the key), kid (from the key, editable), typ, and other members as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from oktatool.core.errors import ClaimError
from oktatool.core.jose.claims import dumps_exact, explain_claim, parse_exact_object
from oktatool.core.jose.jwa import HMAC_ALGS, SIGNING_ALGS, usable_algs
from oktatool.gui.jwt.claims_panel import note_label, show_note
from oktatool.gui.widgets.accessible import form_row
from oktatool.gui.widgets.tones import field_error_style

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

#: members with a field of their own
OWN_MEMBERS = ("alg", "kid", "typ")


class HeaderPanel(QWidget):
    """The protected header; ``changed`` fires with every accepted edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.notes = {name: note_label(name) for name in ("alg", "kid", "typ", "extra")}
        self.alg = QComboBox()
        self.alg.setObjectName("headerAlg")
        self.alg.setToolTip(explain_claim("alg", header=True) or "")
        self.kid = QLineEdit()
        self.kid.setObjectName("headerKid")
        self.kid.setPlaceholderText("from the key; edit to name the key registered in Okta")
        self.kid.setToolTip(explain_claim("kid", header=True) or "")
        self.typ = QLineEdit("JWT")
        self.typ.setObjectName("headerTyp")
        self.typ.setToolTip(explain_claim("typ", header=True) or "")
        self.extra = QLineEdit()
        self.extra.setObjectName("headerExtra")
        self.extra.setPlaceholderText('other members as JSON, e.g. {"cty": "JWT"}')
        self.extra.setToolTip("Other protected header members as a JSON object")
        for name, widget in (("alg", self.alg), ("kid", self.kid), ("typ", self.typ), ("other", self.extra)):
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(widget)
            box.addWidget(self.notes["extra" if name == "other" else name])
            form_row(form, name, box)
        self.setLayout(form)
        self.extra_members: dict[str, Any] = {}
        self.alg.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.kid.textEdited.connect(lambda _t: self.changed.emit())
        self.typ.textEdited.connect(lambda _t: self.changed.emit())
        self.extra.textChanged.connect(self._extra_edited)
        self.set_key(None)

    def set_key(self, key: Key | None, *, short_secret_ok: bool = False, keep_kid: bool = False) -> None:
        """List the algs that fit ``key`` (all of them with no key) and take its kid."""
        current = self.alg.currentText()
        algs = usable_algs(key, short_secret_ok=short_secret_ok) if key is not None else SIGNING_ALGS
        if key is not None and short_secret_ok and key.is_symmetric:
            algs = HMAC_ALGS
        self.alg.blockSignals(True)
        self.alg.clear()
        self.alg.addItems(list(algs))
        if current in algs:
            self.alg.setCurrentText(current)
        self.alg.blockSignals(False)
        if not algs and key is not None:
            show_note(self.notes["alg"], f"This {key.describe()} key cannot sign JWTs.")
        else:
            show_note(self.notes["alg"], None)
        if not keep_kid:
            self.kid.setText(key.kid if key is not None and key.kid and not key.is_symmetric else "")

    def set_header(self, header: dict[str, Any]) -> None:
        """Show a decoded token's header (no ``changed``)."""
        for widget in (self.alg, self.kid, self.typ, self.extra):
            widget.blockSignals(True)
        alg = header.get("alg")
        if isinstance(alg, str):
            if self.alg.findText(alg) < 0:
                self.alg.addItem(alg)
            self.alg.setCurrentText(alg)
        self.kid.setText(str(header.get("kid", "")))
        self.typ.setText(str(header.get("typ", "")))
        self.extra_members = {k: v for k, v in header.items() if k not in OWN_MEMBERS}
        self.extra.setText(dumps_exact(self.extra_members, indent=None) if self.extra_members else "")
        show_note(self.notes["extra"], None)
        self.extra.setStyleSheet("")
        for widget in (self.alg, self.kid, self.typ, self.extra):
            widget.blockSignals(False)

    def set_extra(self, members: dict[str, Any]) -> None:
        """Replace the other members (a template's jwk)."""
        self.extra.setText(dumps_exact(members, indent=None) if members else "")

    def _extra_edited(self, text: str) -> None:
        if not text.strip():
            self.extra_members = {}
            problem = None
        else:
            try:
                parsed = parse_exact_object(text, what="the other header members")
            except ClaimError as exc:
                problem = exc.description
            else:
                clash = [name for name in parsed if name in OWN_MEMBERS]
                problem = f"set {', '.join(clash)} in its own field" if clash else None
                if not problem:
                    self.extra_members = parsed
        show_note(self.notes["extra"], problem[:1].upper() + problem[1:] if problem else None)
        self.extra.setStyleSheet(field_error_style() if problem else "")
        if not problem:
            self.changed.emit()

    def has_error(self) -> bool:
        """Return True while the other-members JSON is invalid."""
        return self.notes["extra"].isVisibleTo(self) or bool(self.notes["extra"].text())

    def header(self) -> dict[str, Any]:
        """Return the header to sign: alg, typ and kid when set, then the other members."""
        header: dict[str, Any] = {"alg": self.alg.currentText()}
        if self.typ.text():
            header["typ"] = self.typ.text()
        if self.kid.text():
            header["kid"] = self.kid.text()
        header.update(self.extra_members)
        return header
