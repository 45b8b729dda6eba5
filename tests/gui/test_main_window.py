"""The window shell: lazy tabs, restored state, profiles, menus, notices, preferences, the error dialog."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SANDBOX_PROFILE, Profile, SettingsStore, load_settings
from oktatool.gui.colour_scheme import apply_color_scheme
from oktatool.gui.dialogs.profiles import NO_KEY, ProfilesDialog
from oktatool.gui.keys.tab import KeysTab
from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.shell_actions import PreferencesDialog, about_text
from oktatool.gui.widgets.error_dialog import ErrorDialog, ErrorReporter, redact_details
from oktatool.gui.widgets.lazy_tab import PlaceholderTab
from oktatool.gui.widgets.tones import is_dark


def new_context(home: Path) -> AppContext:
    paths = AppPaths.resolve(home)
    return AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())


@pytest.fixture
def window(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> MainWindow:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.start()
    return win


def test_four_tabs_and_only_the_shown_one_is_built(window: MainWindow) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Keys", "JWT", "Scopes", "Console"]
    assert isinstance(window.pages["keys"].content, KeysTab)
    assert all(window.pages[key].content is None for key in ("jwt", "scopes", "console"))
    window.tabs.setCurrentIndex(1)
    content = window.pages["jwt"].content
    assert content is not None
    if isinstance(content, PlaceholderTab):  # until the JWT tab is written: one line on what it will do
        assert "decode and verify" in content.label.text()


def test_no_tab_is_ever_blank(window: MainWindow) -> None:
    for spec in TAB_SPECS:
        content = window.show_tab(spec.key)
        assert content.isVisible()
        if isinstance(content, PlaceholderTab):
            assert spec.purpose in content.label.text()


def test_window_state_survives_a_restart(qtbot: Any, isolated_home: Path, aloop: asyncio.AbstractEventLoop) -> None:
    first = MainWindow(new_context(isolated_home))
    qtbot.addWidget(first)
    first.show()
    first.start()
    first.resize(QSize(800, 540))  # the offscreen screen is 800x600: this fits where it is
    first.move(QPoint(0, 30))
    first.tabs.setCurrentIndex(2)
    first.close()
    saved = load_settings(AppPaths.resolve(isolated_home).settings_file).settings.window
    assert (saved.width, saved.height, saved.tab) == (800, 540, "scopes")
    second = MainWindow(new_context(isolated_home))
    qtbot.addWidget(second)
    second.show_restored()
    assert second.size() == QSize(800, 540)
    assert second.tabs.currentIndex() == 2
    assert (second.frameGeometry().x(), second.frameGeometry().y()) == (saved.x, saved.y)


def test_a_corrupt_settings_file_is_reported_by_name(qtbot: Any, isolated_home: Path,
                                                    aloop: asyncio.AbstractEventLoop) -> None:
    path = AppPaths.resolve(isolated_home).settings_file
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")
    context = new_context(isolated_home)
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.start()
    kept = context.settings.load_result.kept_file
    assert kept is not None and kept.exists()
    box = win.notice_box  # type: ignore[attr-defined]
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert str(kept) in box.text() and str(kept) in win.statusBar().currentMessage()
    box.close()


def test_profile_switcher_saves_the_choice(window: MainWindow, context: AppContext) -> None:
    context.save_settings(context.settings.settings.with_profile(
        Profile("prod", "https://acme.okta.com", client_id="0oa1", key_ref="prod key")))
    window.reload_profiles()
    assert [window.profile_combo.itemText(i) for i in range(window.profile_combo.count())] == [SANDBOX_PROFILE,
                                                                                                 "prod"]
    assert "sandbox" in window.org_label.text()
    window.profile_combo.setCurrentText("prod")
    assert context.settings.settings.active_profile == "prod"
    assert load_settings(context.settings.path).settings.active_profile == "prod"
    assert "acme.okta.com" in window.org_label.text() and "prod key" in window.org_label.text()


def test_profiles_dialog_adds_edits_and_refuses_bad_urls(qtbot: Any, window: MainWindow,
                                                         context: AppContext) -> None:
    dialog = ProfilesDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.add_button.click()
    assert dialog.list.currentItem().text() == "New profile 1"
    dialog.name.setText("Acme prod")
    dialog.sandbox.setChecked(False)
    dialog.org.setText("acme-admin.okta.com")
    assert not dialog.apply()
    assert dialog.error.text()  # the admin-console host is explained next to the form
    dialog.org.setText("acme.okta.com")
    dialog.client_id.setText("0oa123")
    dialog.scopes.setText("okta.users.read  okta.groups.read")
    dialog.dpop.setChecked(True)
    assert dialog.key.currentText() == NO_KEY
    assert dialog.apply(), dialog.error.text()
    profile = context.settings.settings.profile("Acme prod")
    assert profile.org_url == "https://acme.okta.com" and profile.dpop
    assert profile.scopes == ("okta.users.read", "okta.groups.read") and profile.key_ref is None
    dialog.list.setCurrentRow(0)
    dialog.name.setText("Acme prod")
    assert not dialog.apply() and "already exists" in dialog.error.text()


def test_menus_use_the_platform_shortcuts(window: MainWindow) -> None:
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.copy_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)
    assert not window.quit_action.shortcut().isEmpty()
    assert not window.preferences_action.shortcut().isEmpty()
    assert window.paste_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Paste)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Service app", "&Help"]


def test_help_keyboard_shortcuts_opens_its_list(window: MainWindow) -> None:
    from oktatool.gui.widgets.shortcuts_dialog import ShortcutsDialog

    window.shortcuts_action.trigger()
    opened = [dialog for dialog in window.findChildren(ShortcutsDialog) if dialog.isVisible()]
    assert len(opened) == 1
    opened[0].close()


def test_edit_copy_copies_the_okta_ready_jwks(window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    from tests.gui.conftest import finish

    tab = window.pages["keys"].content
    assert isinstance(tab, KeysTab)
    finish(aloop, tab.generate())
    window.copy_action.trigger()
    assert "keys" in json.loads(QGuiApplication.clipboard().text())


def test_about_names_every_version() -> None:
    text = about_text()
    import PySide6
    from PySide6.QtCore import qVersion

    for part in ("oktatool 0.1.0", f"Qt {qVersion()}", f"PySide6 {PySide6.__version__}",
                 f"Python {sys.version.split()[0]}", "cryptography", "OpenSSL"):
        assert part in text


def test_preferences_dialog_round_trip(qtbot: Any, context: AppContext) -> None:
    prefs = context.settings.settings.preferences._replace(color_scheme="dark", assertion_lifetime=120)
    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    assert dialog.preferences() == prefs
    dialog.confirm.setChecked(False)
    assert dialog.preferences().confirm_delete is False


def _contrast(one: Any, other: Any) -> float:
    def luminance(colour: Any) -> float:
        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_service_app_button_shows_its_menu_arrow(window: MainWindow, scheme: str) -> None:
    from PySide6.QtWidgets import QToolButton

    button = window.findChild(QToolButton, "serviceAppButton")
    assert button is not None and button.text() == "Service app" and button.menu() is not None
    try:
        apply_color_scheme(scheme)
        QApplication.processEvents()
        image = button.grab().toImage()
        text_end = button.fontMetrics().horizontalAdvance(button.text()) + 8  # the text and its left padding
        background = image.pixelColor(image.width() - 2, 2)
        arrow = [image.pixelColor(x, y) for x in range(text_end, image.width())
                 for y in range(image.height() // 4, image.height() * 3 // 4)]
        # an arrow beside the text, at least 3:1 against the button (WCAG's contrast for a control's parts)
        assert sum(1 for colour in arrow if _contrast(colour, background) >= 3) >= 6
    finally:
        apply_color_scheme("system")


def test_a_dark_preference_gives_a_dark_palette(qapp: QApplication) -> None:
    before = qapp.palette()
    try:
        apply_color_scheme("dark")
        assert is_dark()
        apply_color_scheme("light")
        assert not is_dark()
    finally:
        qapp.setPalette(before)
        apply_color_scheme("system")


def test_unexpected_errors_open_a_dialog_and_details_hold_no_secrets(qtbot: Any, window: MainWindow) -> None:
    from oktatool.core.keys.key import KeySpec, generate_key

    pem = generate_key(KeySpec("EC")).export("pem")
    token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl"
    reporter = ErrorReporter(window)
    try:
        raise ValueError(f"boom with {pem} and {token} and client_assertion={token}")
    except ValueError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    dialog = reporter.dialog
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert "ValueError" in dialog.message_label.text()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Traceback" in copied and "oktatool 0.1.0" in copied
    for secret in (pem.splitlines()[1], token, "eyJzdWIi"):
        assert secret not in copied and secret not in dialog.message_label.text()
    # a second error while the dialog is open does not stack dialogs; the window stays usable
    reporter.excepthook(RuntimeError, RuntimeError("again"), None)
    assert reporter.dialog is dialog and len(reporter.reports) == 2
    dialog.close()
    assert window.isVisible()


def test_redaction_keeps_ordinary_text() -> None:
    assert redact_details("KeyError: 'kid' in profile prod") == "KeyError: 'kid' in profile prod"
    assert "[redacted]" in redact_details('{"d": "c2VjcmV0c2VjcmV0c2VjcmV0"}')


def test_a_failing_task_reaches_the_error_dialog(window: MainWindow, aloop: asyncio.AbstractEventLoop,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from oktatool.gui import startup, tasks

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    reporter = startup.install_error_handlers(window, aloop)

    async def broken() -> None:
        raise LookupError("no such thing")

    task = tasks.spawn(broken())
    aloop.run_until_complete(asyncio.sleep(0.05))
    assert task.done()
    del task  # the loop reports a never-retrieved task exception when the task is collected
    import gc

    gc.collect()
    aloop.run_until_complete(asyncio.sleep(0.05))
    assert reporter.dialog is not None and "LookupError" in reporter.dialog.message_label.text()
    reporter.dialog.close()
    aloop.set_exception_handler(None)


def test_the_profile_flag_opens_that_profile(isolated_home: Path) -> None:
    from oktatool.app import _choose_profile

    context = new_context(isolated_home)
    context.save_settings(context.settings.settings.with_profile(Profile("prod", "https://acme.okta.com")))
    _choose_profile(context, "prod")
    assert context.settings.settings.active_profile == "prod"


def test_an_exception_in_a_qt_slot_reaches_the_dialog(qtbot: Any, window: MainWindow,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QPushButton

    reporter = ErrorReporter(window)
    monkeypatch.setattr(sys, "excepthook", reporter.excepthook)
    button = QPushButton("boom")
    qtbot.addWidget(button)

    def explode() -> None:
        raise ZeroDivisionError("division by zero in a slot")

    button.clicked.connect(explode)
    button.click()
    assert reporter.dialog is not None and "ZeroDivisionError" in reporter.dialog.message_label.text()
    reporter.dialog.close()
    assert window.isVisible()


def test_a_window_saved_off_screen_opens_on_screen(qtbot: Any, isolated_home: Path,
                                                   aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.core.store.settings import WindowState

    context = new_context(isolated_home)
    context.save_settings(context.settings.settings._replace(
        window=WindowState(x=50_000, y=50_000, width=19_000, height=15_000)))
    win = MainWindow(context)
    qtbot.addWidget(win)
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert win.width() <= room.width() and win.height() <= room.height()
    assert win.pos().x() < room.right() and win.pos().y() < room.bottom()


def test_edit_paste_imports_the_key_on_the_clipboard(window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.core.keys.key import KeySpec, generate_key
    from tests.gui.conftest import finish

    key = generate_key(KeySpec("EC", crv="P-521"))
    QGuiApplication.clipboard().setText(key.export("pem"))
    tab = window.pages["keys"].content
    assert isinstance(tab, KeysTab)
    window.paste_action.trigger()
    finish(aloop, tab.request.task)
    assert tab.key is not None and tab.key.thumbprint() == key.thumbprint()


def test_the_org_line_stays_in_view_at_960_pixels(qtbot: Any, window: MainWindow) -> None:
    from oktatool.core.store.settings import Profile

    long = Profile(name="a long profile", org_url="https://a-very-long-org-name-for-testing.oktapreview.com",
                   client_id="0oa1234567890abcdefghijklmnopqrstuvwxyz", key_ref="a-key-with-a-long-name-too")
    settings = window.context.settings.settings
    window.context.save_settings(settings.with_profile(long).with_active(long.name))
    window.reload_profiles()
    window.show()
    window.resize(960, 600)
    qtbot.waitUntil(lambda: window.width() == 960)
    label = window.org_label
    assert label.isVisible() and label.width() >= 80  # elided in place, not moved into the bar's overflow
    assert label.mapTo(window, label.rect().topRight()).x() <= window.width()
    assert "oktapreview.com" in label.toolTip() and window.width() == 960


def test_the_org_line_is_cut_with_an_ellipsis_only_where_it_runs_out(qtbot: Any, window: MainWindow) -> None:
    from oktatool.core.store.settings import Profile

    long = Profile(name="long", org_url="https://a-very-long-org-name-for-testing.oktapreview.com",
                   client_id="0oa1234567890abcdefghijklmnopqrstuvwxyz", key_ref="a-key-with-a-long-name-too")
    window.context.save_settings(window.context.settings.settings.with_profile(long).with_active(long.name))
    window.reload_profiles()
    window.show()
    label = window.org_label
    window.resize(960, 600)
    qtbot.waitUntil(lambda: window.width() == 960)
    cut = label.shown_text()
    assert cut.endswith("…") and cut[:-1] in label.text() and "oktapreview.com" in label.text()
    assert label.fontMetrics().horizontalAdvance(cut) <= label.contentsRect().width()
    window.resize(1900, 700)
    qtbot.waitUntil(lambda: window.width() == 1900)
    assert label.shown_text() == label.text()


def test_elide_right_keeps_the_longest_prefix_that_fits() -> None:
    from oktatool.gui.widgets.elided_label import elide_right

    assert elide_right("abcdef", 6, len) == "abcdef"
    assert elide_right("abcdef", 5, len) == "abcd…"
    assert elide_right("abc def", 5, len) == "abc…"  # no space left before the ellipsis
    assert elide_right("abcdef", 0, len) == "…"



def test_a_cut_label_keeps_the_whole_text_in_its_tooltip(qtbot: Any) -> None:
    from oktatool.gui.widgets.elided_label import ElidedLabel

    label = ElidedLabel()
    qtbot.addWidget(label)
    label.resize(120, 20)
    label.setText("GET https://acme.okta.com/api/v1/users?limit=200 → 200 · 25 ms")
    assert label.shown_text().endswith("…") and label.toolTip() == label.text()
    label.setText("GET https://acme.okta.com/api/v1/groups?limit=200 → 200 · 25 ms")  # cut the same way
    assert label.toolTip() == label.text()
    label.setText("short")
    assert label.shown_text() == "short" and label.toolTip() == ""
