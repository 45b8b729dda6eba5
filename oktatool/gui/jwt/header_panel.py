"""The header editor: alg (filtered to the key), kid (from the key, editable), typ, and other members as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from oktatool.core.errors import ClaimError, OktaToolError, end_sentence
from oktatool.core.jose.claims import dumps_exact, explain_claim, parse_exact_object
from oktatool.core.jose.jwa import SIGNING_ALGS, usable_algs
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
        #: the signing key the alg list follows, and whether it is a typed secret (short ones warn, not block)
        self.key: Key | None = None
        self.short_secret_ok = False
        self.alg.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.kid.textEdited.connect(lambda _t: self.changed.emit())
        self.typ.textEdited.connect(lambda _t: self.changed.emit())
        self.extra.textChanged.connect(self._extra_edited)
        self.set_key(None)

    def set_key(self, key: Key | None, *, short_secret_ok: bool = False, keep_kid: bool = False) -> None:
        """List only the algs ``key`` may sign with (its own alg first and chosen; all with no key); take its kid."""
        current = self.alg.currentText()
        algs = usable_algs(key, short_secret_ok=short_secret_ok) if key is not None else SIGNING_ALGS
        self.key, self.short_secret_ok = key, short_secret_ok
        self.alg.blockSignals(True)
        self.alg.clear()
        self.alg.addItems(list(algs))
        if key is not None and key.alg in algs:
            self.alg.setCurrentText(key.alg)
        elif current in algs:
            self.alg.setCurrentText(current)
        self.alg.blockSignals(False)
        self.alg.setToolTip((explain_claim("alg", header=True) or "") + (
            f"\nThis key's JWK says alg {key.alg}: it signs only {key.alg}." if key is not None and key.alg else ""))
        if not keep_kid:
            self.kid.setText(key.kid if key is not None and key.kid and not key.is_symmetric else "")

    def set_header(self, header: dict[str, Any]) -> str | None:
        """Show a decoded token's header (no ``changed``); return why its alg cannot be chosen, if it cannot."""
        for widget in (self.alg, self.kid, self.typ, self.extra):
            widget.blockSignals(True)
        alg = header.get("alg")
        problem = None
        if isinstance(alg, str) and self.alg.findText(alg) >= 0:
            self.alg.setCurrentText(alg)
        elif isinstance(alg, str):  # never listed: the list holds only what the key may sign with
            problem = self.alg_problem(alg)
        self.kid.setText(str(header.get("kid", "")))
        self.typ.setText(str(header.get("typ", "")))
        self.extra_members = {k: v for k, v in header.items() if k not in OWN_MEMBERS}
        self.extra.setText(dumps_exact(self.extra_members, indent=None) if self.extra_members else "")
        show_note(self.notes["extra"], None)
        self.extra.setStyleSheet("")
        for widget in (self.alg, self.kid, self.typ, self.extra):
            widget.blockSignals(False)
        return problem

    def alg_problem(self, alg: str) -> str:
        """Say why the editor cannot sign with ``alg``, a token's, and what Sign uses instead."""
        from oktatool.core.jose.jwa import check_alg_fits

        instead = f" Sign uses {self.alg.currentText()}." if self.alg.currentText() else ""
        if self.key is None:
            return f"The token's alg {alg} is not one oktatool signs.{instead}"
        reason = f"alg {alg} does not fit it."
        try:
            check_alg_fits(self.key, alg, short_secret_ok=self.short_secret_ok)
        except OktaToolError as exc:
            reason = end_sentence(exc.description)
        return f"The token's alg does not fit the signing key: {reason}{instead}"

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
