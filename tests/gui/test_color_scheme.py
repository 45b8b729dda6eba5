"""Switching to dark reaches every widget, those with a style sheet of their own too."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from oktatool.gui.colour_scheme import apply_color_scheme, follow_system_scheme, retone
from oktatool.gui.widgets.tones import TONES, is_dark, tone_style


def test_a_widget_with_its_own_style_sheet_follows_the_scheme(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    styled = QLabel("Service app", holder)
    styled.setStyleSheet("QLabel { padding-right: 16px; }")  # no colour of its own: the scheme's text colour
    holder.show()
    try:
        apply_color_scheme("dark")
        text = styled.palette().color(QPalette.ColorRole.WindowText)
        assert text.lightness() > 200, text.name()  # light text on the dark window, not the light scheme's black
        apply_color_scheme("light")
        assert styled.palette().color(QPalette.ColorRole.WindowText).lightness() < 60
    finally:
        apply_color_scheme("light")


def test_each_message_colour_has_one_twin_in_the_other_scheme() -> None:
    for kind, (light, dark) in TONES.items():
        sheet = f"color: {light}; border: 1px solid {light}"
        assert retone(sheet, True) == f"color: {dark}; border: 1px solid {dark}", kind
        assert retone(retone(sheet, True), False) == sheet, kind
    assert retone("<span style='color:#123456'>", True) == "<span style='color:#123456'>"  # not a tone: kept
    badge = f"background: {TONES['good'][0]}; color: white"  # a badge's colour under white text stays
    assert retone(badge, True) == badge


def test_an_os_scheme_change_keeps_the_scheme_chosen(qtbot: Any, qapp: QApplication) -> None:
    label = QLabel("Saved")
    qtbot.addWidget(label)
    follow_system_scheme(qapp)
    apply_color_scheme("dark")
    label.setStyleSheet(tone_style("good"))
    label.show()
    try:
        # the OS turns light: Qt hands the application the platform's palette, then says the scheme changed
        qapp.setPalette(qapp.style().standardPalette())
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        qtbot.waitUntil(lambda: is_dark(qapp.palette()))  # the preference says dark: dark it stays
        qtbot.waitUntil(lambda: TONES["good"][1] in label.styleSheet())
    finally:
        apply_color_scheme("light")
