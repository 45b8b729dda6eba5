"""The Keys tab's "New key" form: type, size or curve, use, alg and kid, checked as they are chosen.

Only what the keys core allows is offered (algorithms for the shape and use); a size that cannot be
generated is refused while it is typed, with the reason, and Generate stays off until it is fixed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from oktatool.core.errors import KeyMaterialError, OktaToolError
from oktatool.core.keys.algs import (
    DEFAULT_OCT_BITS,
    DEFAULT_RSA_BITS,
    EC_CURVES,
    KTYS,
    OCT_MAX_BITS,
    OCT_MIN_BITS,
    OKP_CURVES,
    RSA_MAX_BITS,
    RSA_MIN_BITS,
    check_use,
    made_alg,
)
from oktatool.core.keys.key import KID_MODES, KeySpec, allowed_algs, default_kid_mode
from oktatool.gui.widgets.accessible import labelled, named
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.tones import field_error_style, plain_message

NO_CHOICE = "(none)"
#: key sizes go in whole bytes
SIZE_STEP = 8


class BitsSpin(QSpinBox):
    """A key size in bits, in steps of 8 within a range; other values stay unaccepted while typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = "RSA"
        self.setSingleStep(SIZE_STEP)
        self.setSuffix(" bits")
        self.setKeyboardTracking(True)
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)

    def configure(self, what: str, low: int, high: int, value: int) -> None:
        """Take the range of ``what`` (RSA, oct) and show ``value``."""
        self.what = what
        self.setRange(low, high)
        self.setValue(value)

    def typed_number(self, text: str | None = None) -> int | None:
        """Return the number typed (suffix and spaces ignored), or None if there is none."""
        digits = (self.cleanText() if text is None else text.removesuffix(self.suffix())).strip()
        return int(digits) if digits.isdigit() else None

    def problem(self, text: str | None = None) -> str | None:
        """Return why the typed size cannot be generated, or None when it can."""
        number = self.typed_number(text)
        low, high = self.minimum(), self.maximum()
        if number is None:
            return f"Type a size in bits: {low} to {high}."
        if self.what == "RSA" and number < RSA_MIN_BITS:
            return (f"RSA keys shorter than {RSA_MIN_BITS} bits are refused: they can be factored, and Okta "
                    "does not take them.")
        if not low <= number <= high:
            return f"{self.what} sizes go from {low} to {high} bits; {number} is outside."
        if number % SIZE_STEP:
            below = number - number % SIZE_STEP
            return (f"{self.what} sizes go in steps of {SIZE_STEP} bits (whole bytes): {below} or "
                    f"{below + SIZE_STEP}, not {number}.")
        return None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Let any number be typed (so the reason can be shown); only a possible size is acceptable."""
        digits = text.removesuffix(self.suffix()).strip()
        if digits and not digits.isdigit():
            return QValidator.State.Invalid, text, pos
        state = QValidator.State.Acceptable if self.problem(text) is None else QValidator.State.Intermediate
        return state, text, pos


class GenerateForm(QGroupBox):
    """Choose a key's shape, use, alg and kid; ``generate_requested`` when Generate is clicked."""

    generate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New key", parent)
        grid = QGridLayout(self)
        self.kty = QComboBox()
        self.kty.addItems(KTYS)
        self.kty.setToolTip("RSA and EC keys work with Okta; OKP (Ed25519…) and oct are for other JOSE uses")
        self.size_spin = BitsSpin()
        self.crv = QComboBox()
        self.use = QComboBox()
        self.use.addItems([NO_CHOICE, "sig", "enc"])
        self.use.setCurrentText("sig")
        self.alg = QComboBox()
        self.alg.setMinimumContentsLength(8)
        self.kid_mode = QComboBox()
        self.kid_mode.addItems(KID_MODES)
        self.kid_mode.setToolTip("thumbprint: RFC 7638 SHA-256 of the public key (what Okta shows); "
                                 "oct keys get a random kid (a thumbprint of a secret is a hash of it)")
        self.kid_edit = QLineEdit()
        self.kid_edit.setPlaceholderText("custom kid")
        self.kid_edit.setEnabled(False)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setDefault(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(60)
        self.busy.setTextVisible(False)
        policy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)  # its room is kept: Generate does not move when it appears
        self.busy.setSizePolicy(policy)
        self.busy.hide()
        self.size_label = labelled("Size", self.size_spin)  # or "Curve" for the curve, which shares the cell
        named(self.crv, "Curve")
        self.error = MessageLine(2)
        self.error.setObjectName("generateError")
        grid.addWidget(labelled("Type", self.kty), 0, 0)
        grid.addWidget(self.kty, 0, 1)
        grid.addWidget(self.size_label, 0, 2)
        grid.addWidget(self.size_spin, 0, 3)
        grid.addWidget(self.crv, 0, 3)
        grid.addWidget(labelled("Use", self.use), 0, 4)
        grid.addWidget(self.use, 0, 5)
        grid.addWidget(labelled("Alg", self.alg), 0, 6)
        grid.addWidget(self.alg, 0, 7)
        grid.addWidget(labelled("kid", self.kid_mode), 1, 0)
        named(self.kid_edit, "Custom kid")
        grid.addWidget(self.kid_mode, 1, 1)
        grid.addWidget(self.kid_edit, 1, 2, 1, 4)
        row = QHBoxLayout()
        row.addWidget(self.busy)
        row.addWidget(self.generate_button, 1)
        grid.addLayout(row, 1, 6, 1, 2)
        grid.addWidget(self.error, 2, 0, 1, 8)
        # the fields keep a readable width; extra room on a wide screen goes to the right of them
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(7, 1)
        grid.setColumnStretch(8, 4)
        self.kty.currentTextChanged.connect(self._on_kty_changed)
        self.size_spin.valueChanged.connect(self._refresh_algs)
        self.size_spin.lineEdit().textEdited.connect(self._check_size)
        self.size_spin.editingFinished.connect(self._check_size)
        self.crv.currentTextChanged.connect(self._refresh_algs)
        self.use.currentTextChanged.connect(self._refresh_algs)
        self.kid_mode.currentTextChanged.connect(self._on_kid_mode)
        self.kid_edit.textChanged.connect(lambda _text: self.clear_errors())
        self.generate_button.clicked.connect(self._on_generate_clicked)
        self._on_kty_changed(self.kty.currentText())
        for field in (self.kty, self.size_spin, self.crv, self.use, self.alg, self.kid_mode, self.kid_edit):
            # an error border must not make a field (and the form) a pixel taller
            field.setFixedHeight(field.sizeHint().height())

    # --- options --------------------------------------------------------------------------------------

    def _on_kty_changed(self, kty: str) -> None:
        sized = kty in ("RSA", "oct")
        self.size_spin.setVisible(sized)
        self.crv.setVisible(not sized)
        self.size_label.setText("Size" if sized else "Curve")
        self.size_label.setBuddy(self.size_spin if sized else self.crv)
        self.size_spin.blockSignals(True)
        if kty == "RSA":
            self.size_spin.configure("RSA", RSA_MIN_BITS, RSA_MAX_BITS, DEFAULT_RSA_BITS)
        elif kty == "oct":
            self.size_spin.configure("oct", OCT_MIN_BITS, OCT_MAX_BITS, DEFAULT_OCT_BITS)
        self.size_spin.blockSignals(False)
        self.crv.blockSignals(True)
        self.crv.clear()
        self.crv.addItems(EC_CURVES if kty == "EC" else OKP_CURVES if kty == "OKP" else ())
        self.crv.blockSignals(False)
        if self.kid_mode.currentText() != "custom":
            self.kid_mode.setCurrentText(default_kid_mode(kty))
        self._refresh_algs()

    def _on_kid_mode(self, mode: str) -> None:
        self.kid_edit.setEnabled(mode == "custom")
        if mode == "custom":
            self.kid_edit.setFocus()
        self.clear_errors()

    def _check_size(self) -> None:
        """Say at once why a typed size cannot be generated; Generate waits until it can."""
        problem = self.size_spin.problem() if self.size_spin.isVisibleTo(self) else None
        self.generate_button.setEnabled(problem is None)
        if problem is None:
            if self.size_spin.styleSheet():
                self.clear_errors()
            return
        self.size_spin.setStyleSheet(field_error_style())
        self.error.show_message(problem, "error")

    def shape(self) -> tuple[str, int | None, str | None, str | None]:
        """Return (kty, size, crv, use) as chosen."""
        kty = self.kty.currentText()
        size = self.size_spin.value() if kty in ("RSA", "oct") else None
        crv = self.crv.currentText() or None if kty in ("EC", "OKP") else None
        use = self.use.currentText()
        return kty, size, crv, None if use == NO_CHOICE else use

    def _refresh_algs(self) -> None:
        """Offer only the algorithms the keys core allows for this type, size or curve, and use.

        Where the core gives a new key an alg of its own (the one its Okta-ready public JWK claims), that alg
        is chosen and "(none)" is not offered: the key would get it anyway. Oct keys and keys that only
        encrypt, made without a use, may be made without one.
        """
        kty, size, crv, use = self.shape()
        previous = self.alg.currentText()
        self.alg.blockSignals(True)
        self.alg.clear()
        self.clear_errors()
        try:
            algs = allowed_algs(kty, size=size, crv=crv, use=use)
            check_use(kty, size=size, crv=crv, use=use)
        except KeyMaterialError as exc:
            self.show_field_error(self.use, exc)
            algs = ()
        made = made_alg(kty, crv=crv, use=use) if algs else None
        if made not in algs:
            self.alg.addItem(NO_CHOICE)
        self.alg.addItems(algs)
        if previous in algs:
            self.alg.setCurrentText(previous)
        elif made in algs:
            self.alg.setCurrentText(made)
        self.alg.blockSignals(False)

    def spec(self) -> KeySpec:
        """Return the KeySpec the controls describe."""
        kty, size, crv, use = self.shape()
        alg = self.alg.currentText()
        mode = self.kid_mode.currentText()
        return KeySpec(kty=kty, size=size, crv=crv, use=use, alg=None if alg in ("", NO_CHOICE) else alg,
                       kid_mode=mode, kid=self.kid_edit.text() if mode == "custom" else None)

    def _on_generate_clicked(self) -> None:
        self.size_spin.interpretText()
        self.generate_requested.emit()

    # --- errors next to fields ---------------------------------------------------------------------------

    def clear_errors(self) -> None:
        """Drop the error message and the field marks."""
        self.error.clear_message()
        for widget in (self.size_spin, self.crv, self.use, self.alg, self.kid_edit):
            widget.setStyleSheet("")
        self.generate_button.setEnabled(True)

    def field_for(self, message: str) -> QWidget | None:
        """Return the field an error message is about (None: the form as a whole)."""
        text = message.lower()
        if "kid" in text:
            return self.kid_edit
        if "size" in text or "bits" in text:
            return self.size_spin
        if " alg" in text or text.startswith("alg"):
            return self.alg
        if "use" in text:
            return self.use
        if "curve" in text:
            return self.crv
        return None

    def show_field_error(self, widget: QWidget | None, exc: OktaToolError) -> None:
        """Mark ``widget`` and say what is wrong under the options."""
        if widget is not None:
            widget.setStyleSheet(field_error_style())
        self.error.show_message(plain_message(exc), "error")

    def has_error(self) -> bool:
        """Tell whether an error is shown."""
        return bool(self.error.message())
