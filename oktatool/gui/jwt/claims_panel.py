"""The claims editor: a form (iss, sub, aud, exp, nbf, iat, jti, other claims) and raw JSON, in sync both ways.

Numbers stay as written (exact JSON); bad JSON is shown at its line and column and changes nothing else.
"""

from __future__ import annotations

import functools
import html
import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import ClaimError
from oktatool.core.jose.claims import JsonTextError, dumps_exact, explain_claim, new_jti, parse_exact_object
from oktatool.core.jose.jwt import numeric_date, relative_phrase
from oktatool.gui.models.claims_model import OtherClaimsModel
from oktatool.gui.widgets.accessible import form_row, named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.json_highlighter import JsonHighlighter
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.tones import field_error_style, tone_style

FORM_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
TIME_FIELDS = ("exp", "nbf", "iat")
PRESETS = (("now", 0), ("+5 min", 300), ("+1 h", 3600))


def wrapping_label(text: str = "") -> QLabel:
    """Return a word-wrapped label that lets its layout shrink it (a long kid must not widen the pane)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setMinimumWidth(1)
    return label


def note_label(name: str) -> QLabel:
    """Return the label that shows a field's preflight finding or problem beside it."""
    label = wrapping_label()
    label.setObjectName(f"note_{name}")
    label.setStyleSheet(tone_style("error"))
    label.hide()
    return label


def show_note(label: QLabel, text: str | None) -> None:
    """Show ``text`` in a field's note label, or hide it (untouched when nothing changes: restyling is slow)."""
    style = tone_style("error")
    if label.text() != (text or ""):
        label.setText(text or "")
    if label.styleSheet() != style:
        label.setStyleSheet(style)
    if label.isHidden() == bool(text):
        label.setVisible(bool(text))


class TimeField(QWidget):
    """A NumericDate claim: on/off, a date-time picker (local or UTC), presets, and the time in words."""

    edited = Signal()

    def __init__(self, claim: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.claim = claim
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        layout = QHBoxLayout()
        column.addLayout(layout)
        self.enabled = QCheckBox()
        self.enabled.setObjectName(f"use_{claim}")
        self.enabled.setToolTip(f"Include {claim}")
        named(self.enabled, f"Include {claim}")
        self.picker = QDateTimeEdit()
        self.picker.setObjectName(f"picker_{claim}")
        self.picker.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.picker.setCalendarPopup(True)
        self.picker.setToolTip("Pick the date and time (local or UTC, as chosen above)")
        named(self.picker, claim)
        layout.addWidget(self.enabled)
        layout.addWidget(self.picker)
        self.presets: dict[str, QToolButton] = {}
        for text, offset in PRESETS:
            button = QToolButton()
            button.setText(text)
            button.setObjectName(f"preset_{claim}_{text}")
            button.setToolTip(f"Set {claim} to now{'' if not offset else ' ' + text}")
            button.clicked.connect(functools.partial(self.preset, offset))
            layout.addWidget(button)
            self.presets[text] = button
        layout.addStretch(1)
        self.words = wrapping_label()
        self.words.setObjectName(f"words_{claim}")
        column.addWidget(self.words)
        self.raw: Any = None
        self.enabled.toggled.connect(self._on_toggle)
        self.picker.dateTimeChanged.connect(self._on_picked)
        self.set_value(None)

    def set_utc(self, utc: bool) -> None:
        """Show the picker in UTC or local time (the value does not change)."""
        zone = QTimeZone.utc() if utc else QTimeZone.systemTimeZone()
        self.picker.blockSignals(True)
        moment = self.picker.dateTime()
        self.picker.setTimeZone(zone)
        self.picker.setDateTime(moment.toTimeZone(zone))
        self.picker.blockSignals(False)

    def set_value(self, value: Any) -> None:
        """Show the claim's value (None: not in the claims) without emitting ``edited``."""
        self.raw = value
        number = numeric_date(value)
        self.enabled.blockSignals(True)
        self.enabled.setChecked(value is not None)
        self.enabled.blockSignals(False)
        self.picker.setEnabled(value is not None)
        self.picker.blockSignals(True)
        self.picker.setDateTime(QDateTime.fromSecsSinceEpoch(int(number if number is not None else time.time()),
                                                             self.picker.timeZone()))
        self.picker.blockSignals(False)
        self.refresh_words()

    def preset(self, offset: int, *_signal_args: object) -> None:
        """Set the claim to now plus ``offset`` seconds (the preset buttons)."""
        self.set_seconds(int(time.time()) + offset, user=True)

    def set_seconds(self, seconds: int, *, user: bool = False) -> None:
        """Set the claim to ``seconds`` since 1970 and (``user``) tell the editor."""
        self.set_value(seconds)
        if user:
            self.edited.emit()

    def value(self) -> Any:
        """Return the claim's value, or None when it is left out."""
        return self.raw if self.enabled.isChecked() else None

    def refresh_words(self, now: float | None = None) -> None:
        """Say the time in UTC and relative to now."""
        number = numeric_date(self.raw) if self.enabled.isChecked() else None
        if self.raw is not None and number is None and self.enabled.isChecked():
            self.words.setText("not a number of seconds")
            self.words.show()
            return
        if number is None:
            self.words.setText("")
            self.words.hide()
            return
        self.words.show()
        try:
            iso = datetime.fromtimestamp(number, tz=UTC).strftime("%H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            self.words.setText("out of range")
            return
        self.words.setText(f"{iso}, {relative_phrase(self.claim, number, time.time() if now is None else now)}")

    def _on_toggle(self, on: bool) -> None:
        self.picker.setEnabled(on)
        if on and numeric_date(self.raw) is None:
            self.raw = int(time.time()) + (300 if self.claim == "exp" else 0)
            self.set_value(self.raw)
        self.refresh_words()
        self.edited.emit()

    def _on_picked(self, moment: QDateTime) -> None:
        self.raw = int(moment.toSecsSinceEpoch())
        self.refresh_words()
        self.edited.emit()


class ClaimsPanel(QWidget):
    """The claims as a form and as raw JSON; ``changed`` fires with every accepted edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.claims: dict[str, Any] = {}
        self._syncing = False
        self.json_problem: str | None = None
        self.error_offset: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.views = QTabWidget()
        self.views.setObjectName("claimsViews")
        layout.addWidget(self.views, 1)
        self.notes: dict[str, QLabel] = {}
        self._build_form()
        self._build_json()

    # --- construction -----------------------------------------------------------------------------

    def _text_field(self, form: QFormLayout, claim: str, placeholder: str, extra: QWidget | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"claim_{claim}")
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(explain_claim(claim) or "")
        edit.textEdited.connect(self._form_edited)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        if extra is not None:
            row.addWidget(extra)
        self._claim_row(form, claim, row)
        return edit

    def _claim_row(self, form: QFormLayout, claim: str, field: QWidget | QLayout) -> None:
        """Add ``claim``'s row: its name (its meaning as the tooltip), then ``field`` with the claim's note below."""
        box = QVBoxLayout()
        box.setSpacing(1)
        if isinstance(field, QLayout):
            box.addLayout(field)
        else:
            box.addWidget(field)
        self.notes[claim] = note_label(claim)
        box.addWidget(self.notes[claim])
        label = QLabel(claim)
        label.setToolTip(explain_claim(claim) or "")
        form_row(form, label, box)

    def _build_form(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.iss = self._text_field(form, "iss", "issuer (Okta assertion: the client id)")
        self.sub = self._text_field(form, "sub", "subject (Okta assertion: the client id)")
        self.aud_list = QCheckBox("list")
        self.aud_list.setObjectName("audList")
        self.aud_list.setToolTip("Write aud as a JSON list; separate several audiences with commas")
        self.aud_list.toggled.connect(self._form_edited)
        self.aud = self._text_field(form, "aud", "audience (Okta assertion: https://org/oauth2/v1/token)",
                                    self.aud_list)
        zone_row = QHBoxLayout()
        self.zone = QComboBox()
        self.zone.setObjectName("timeZone")
        self.zone.addItems(["Local time", "UTC"])
        self.zone.setToolTip("Show the date-time pickers in local time or UTC (the claims hold seconds since 1970)")
        self.zone.currentTextChanged.connect(self._zone_changed)
        zone_row.addWidget(self.zone)
        zone_row.addStretch(1)
        form_row(form, "times in", zone_row)
        self.times: dict[str, TimeField] = {}
        for claim in TIME_FIELDS:
            field = TimeField(claim)
            field.setToolTip(explain_claim(claim) or "")
            field.edited.connect(self._form_edited)
            self.times[claim] = field
            self._claim_row(form, claim, field)
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("regenerateJti")
        self.regenerate.setToolTip("A new random jti (Okta accepts each assertion's jti once)")
        self.regenerate.clicked.connect(self.new_jti)
        self.jti = self._text_field(form, "jti", "unique id", self.regenerate)
        self.others = OtherClaimsModel(self)
        self.others.edited.connect(self._table_edited)
        self.others.problem.connect(self._table_problem)
        self.table = QTableView()
        tip_elided_cells(self.table)
        self.table.setObjectName("otherClaims")
        self.table.setModel(self.others)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(90)
        buttons = QHBoxLayout()
        self.add_claim = QPushButton("Add claim")
        self.add_claim.setObjectName("addClaim")
        self.remove_claim = QPushButton("Remove")
        self.remove_claim.setObjectName("removeClaim")
        self.add_claim.clicked.connect(self._add_claim)
        self.remove_claim.clicked.connect(self._remove_claim)
        buttons.addWidget(self.add_claim)
        buttons.addWidget(self.remove_claim)
        buttons.addStretch(1)
        box = QVBoxLayout()
        box.addWidget(self.table)
        box.addLayout(buttons)
        self.notes["other"] = note_label("other")
        box.addWidget(self.notes["other"])
        form_row(form, "other", box)
        self.views.addTab(page, "Form")

    def _build_json(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        self.raw = QPlainTextEdit()
        self.raw.setObjectName("claimsJson")
        named(self.raw, "Claims JSON")
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setToolTip("The claims as JSON; numbers stay exactly as written")
        self.highlighter = JsonHighlighter(self.raw.document())
        self.raw.textChanged.connect(self._json_edited)
        box.addWidget(self.raw, 1)
        self.json_error = rich_label(note_label("json"))  # a link to the spot
        self.json_error.setToolTip("Click to put the cursor where the JSON is wrong")
        self.json_error.linkActivated.connect(self.go_to_error)
        box.addWidget(self.json_error)
        self.views.addTab(page, "JSON")

    # --- sync -------------------------------------------------------------------------------------

    def set_claims(self, claims: dict[str, Any]) -> None:
        """Show ``claims`` in the form and as JSON (no ``changed``)."""
        self.claims = dict(claims)
        self._fill_form()
        self._write_json()
        self._mark_json(None)

    def _fill_form(self) -> None:
        self._syncing = True
        try:
            for name, edit in (("iss", self.iss), ("sub", self.sub), ("jti", self.jti)):
                value = self.claims.get(name)
                edit.setText("" if value is None else value if isinstance(value, str) else dumps_exact(value,
                                                                                                       indent=None))
            aud = self.claims.get("aud")
            self.aud_list.blockSignals(True)
            self.aud_list.setChecked(isinstance(aud, list))
            self.aud_list.blockSignals(False)
            if isinstance(aud, list):
                self.aud.setText(", ".join(a if isinstance(a, str) else dumps_exact(a, indent=None) for a in aud))
            else:
                self.aud.setText("" if aud is None else aud if isinstance(aud, str) else dumps_exact(aud, indent=None))
            for claim, field in self.times.items():
                field.set_value(self.claims.get(claim))
            self.others.set_claims({k: v for k, v in self.claims.items() if k not in FORM_CLAIMS})
        finally:
            self._syncing = False

    def _write_json(self) -> None:
        self._syncing = True
        try:
            self.raw.setPlainText(dumps_exact(self.claims))
        finally:
            self._syncing = False

    def _form_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, edit in (("iss", self.iss), ("sub", self.sub)):
            if edit.text():
                values[name] = edit.text()
        text = self.aud.text()
        if self.aud_list.isChecked():
            values["aud"] = [part.strip() for part in text.split(",") if part.strip()]
        elif text:
            values["aud"] = text
        for claim, field in self.times.items():
            if field.value() is not None:
                values[claim] = field.value()
        if self.jti.text():
            values["jti"] = self.jti.text()
        return values

    def _merge(self, form: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        wanted = {**form, **others}
        for name in self.claims:  # keep the order the user (or the token) had
            if name in wanted:
                merged[name] = wanted[name]
        for name, value in wanted.items():
            merged.setdefault(name, value)
        return merged

    def _form_edited(self, *_signal_args: object) -> None:
        if self._syncing:
            return
        self.claims = self._merge(self._form_values(), self.others.claims())
        self._write_json()
        self._mark_json(None)
        self.changed.emit()

    def _table_edited(self) -> None:
        if self._syncing:
            return
        show_note(self.notes["other"], None)
        self._form_edited()

    def _table_problem(self, message: str) -> None:
        show_note(self.notes["other"], message[:1].upper() + message[1:])

    def _json_edited(self) -> None:
        if self._syncing:
            return
        try:
            parsed = parse_exact_object(self.raw.toPlainText(), what="the claims")
        except JsonTextError as exc:
            self._mark_json(exc.problem.text(), exc.problem.offset)
            return
        except ClaimError as exc:
            self._mark_json(exc.description)
            return
        self._mark_json(None)
        self.claims = parsed
        self._fill_form()
        self.changed.emit()

    def _mark_json(self, message: str | None, offset: int | None = None) -> None:
        self.json_problem = message
        text = message[:1].upper() + message[1:] if message else None
        if text and offset is not None:  # a link that puts the cursor on the spot
            text = f'<a href="#error">{html.escape(text)}</a>'
        show_note(self.json_error, text)
        wanted = field_error_style() if message else ""
        if self.raw.styleSheet() != wanted:
            self.raw.setStyleSheet(wanted)
        if message and offset is not None:
            self.error_offset = offset
        else:
            self.error_offset = None

    def go_to_error(self, *_signal_args: object) -> None:
        """Put the cursor where the JSON is wrong."""
        if self.error_offset is not None:
            cursor = self.raw.textCursor()
            cursor.setPosition(min(self.error_offset, len(self.raw.toPlainText())), QTextCursor.MoveMode.MoveAnchor)
            self.raw.setTextCursor(cursor)
            self.raw.setFocus()

    # --- actions ----------------------------------------------------------------------------------

    def new_jti(self) -> None:
        """Put a fresh jti in the claims."""
        self.jti.setText(new_jti())
        self._form_edited()

    def _add_claim(self) -> None:
        row = self.others.add_row(f"claim{self.others.rowCount() + 1}", "")
        self.table.setCurrentIndex(self.others.index(row, 1))

    def _remove_claim(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.others.remove_row(index.row())

    def _zone_changed(self, text: str) -> None:
        for field in self.times.values():
            field.set_utc(text == "UTC")

    def refresh_times(self) -> None:
        """Update the relative times (called every second)."""
        for field in self.times.values():
            field.refresh_words()

    def has_error(self) -> bool:
        """Return True while the raw JSON is invalid (the form holds the last good claims)."""
        return bool(self.json_problem)
