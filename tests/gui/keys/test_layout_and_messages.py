"""The Keys tab inside the real window: messages in space kept for them, nothing jumps, labels tell the truth."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget

from oktatool.context import AppContext
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.store.settings import Profile
from oktatool.gui.keys.outputs import NOT_FOR_OKTA, OUTPUTS
from oktatool.gui.keys.tab import KeysTab
from oktatool.gui.main_window import MainWindow
from oktatool.gui.widgets.message_line import MessageLine
from tests.gui.conftest import finish


@pytest.fixture
def window(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> MainWindow:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.resize(1100, 750)
    win.show()
    win.start()
    return win


@pytest.fixture
def tab(window: MainWindow) -> KeysTab:
    content = window.show_tab("keys")
    assert isinstance(content, KeysTab)
    return content


def where(widget: QWidget) -> QRect:
    """The widget's rectangle in window coordinates."""
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def layout_of(window: MainWindow, tab: KeysTab) -> dict[str, QRect]:
    return {"window": window.geometry(), "viewer": where(tab.outputs.view), "list": where(tab.outputs.list),
            "form": where(tab.form), "facts": where(tab.facts), "messages": where(tab.messages)}


def settle(qtbot: Any) -> None:
    qtbot.wait(30)  # let the layouts run


def test_saving_a_private_pem_neither_widens_the_window_nor_moves_a_pane(
        qtbot: Any, window: MainWindow, tab: KeysTab, aloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    finish(aloop, tab.generate())
    tab.outputs.select("pem")
    settle(qtbot)
    before = layout_of(window, tab)
    # one unbreakable word of 200 characters: a label that asked for its width would widen the window
    long_name = tmp_path / ("a-rather-long-file-name-for-a-service-app-key-" * 4 + "rsa.private.pem")
    assert tab.outputs.save_to(long_name)
    settle(qtbot)
    assert tab.messages.message().startswith("Saved a-rather-long") and "(owner only)" in tab.messages.message()
    assert layout_of(window, tab) == before, (before, layout_of(window, tab))


def test_an_import_error_does_not_push_the_panes_down(qtbot: Any, window: MainWindow, tab: KeysTab,
                                                      aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, tab.generate())
    settle(qtbot)
    before = layout_of(window, tab)
    finish(aloop, tab.import_data("-----BEGIN PRIVATE KEY-----\ntruncated" + "x" * 400, "pasted"))
    tab.messages.show_message(tab.messages.message() + " The key could be anything at all. " * 3, "error")
    settle(qtbot)
    assert tab.messages.kind == "error" and tab.messages.message()
    assert layout_of(window, tab) == before, (before, layout_of(window, tab))


def test_a_generate_error_and_a_bad_size_keep_the_layout(qtbot: Any, window: MainWindow, tab: KeysTab) -> None:
    settle(qtbot)
    before = layout_of(window, tab)
    tab.form.kid_mode.setCurrentText("custom")
    assert tab.generate() is None and tab.form.has_error()
    tab.form.size_spin.lineEdit().selectAll()
    qtbot.keyClicks(tab.form.size_spin.lineEdit(), "2049")
    settle(qtbot)
    assert "steps of 8" in tab.form.error.message()
    assert layout_of(window, tab) == before, (before, layout_of(window, tab))


def test_generate_does_not_move_when_the_busy_bar_appears(qtbot: Any, window: MainWindow, tab: KeysTab,
                                                         aloop: asyncio.AbstractEventLoop) -> None:
    settle(qtbot)
    before = where(tab.form.generate_button)
    task = tab.generate()
    assert task is not None
    tab.form.layout().activate()  # lay the form out now (waiting here would step the task outside its loop)
    assert tab.form.busy.isVisible()
    assert where(tab.form.generate_button) == before
    finish(aloop, task)
    settle(qtbot)
    assert not tab.form.busy.isVisible() and where(tab.form.generate_button) == before


def test_a_message_line_keeps_its_height_and_never_asks_for_width(qtbot: Any) -> None:
    line = MessageLine(2)
    qtbot.addWidget(line)
    line.resize(300, line.height())
    line.show()
    height = line.height()
    line.show_message("Saved key.jwk (owner only)", "good")
    assert line.height() == height  # a short message moves nothing
    line.show_message("word " * 400, "error")
    qtbot.wait(10)
    # never cut through a line: a long message takes up to twice the lines, then ends with "…" on a whole line
    assert line.height() == line.minimumHeight() == line.maximumHeight() < 2 * height
    assert line.shown_text().endswith("…") and line.message() == "word " * 400
    assert QLabel.heightForWidth(line, line.width()) <= line.height()
    assert line.minimumSizeHint().width() < 100 and line.toolTip().startswith("word")
    line.show_message("", "info")
    assert line.height() == height
    line.show_message("Rate limit 9999/10000 left", "info")
    line.clear()  # QLabel's clear, as a view clearing its labels calls it: nothing of the text stays
    assert line.text() == line.shown_text() == line.toolTip() == ""


def test_copied_goes_after_a_while_and_errors_stay(qtbot: Any, tab: KeysTab, aloop: asyncio.AbstractEventLoop,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    finish(aloop, tab.generate())
    tab.messages.show_message("Copied the okta jwks.", "good", timeout_ms=150)
    qtbot.waitUntil(lambda: tab.messages.message() == "", timeout=2000)
    tab.messages.show_message("Not saved: disk full", "error")
    qtbot.wait(300)
    assert tab.messages.message() == "Not saved: disk full"
    tab.outputs.copy()  # the real Copy: a confirmation that clears itself
    assert tab.messages.message().startswith("Copied") and tab.messages._timer.isActive()


def test_the_profile_message_goes_when_the_profile_changes(qtbot: Any, window: MainWindow, tab: KeysTab,
                                                           context: AppContext,
                                                           aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, tab.generate())
    assert tab.key is not None
    finish(aloop, tab.library.request.start(tab.library.save(tab.key, "signer")))
    settings = context.settings.settings
    context.save_settings(settings.with_profile(Profile(name="Prod", org_url="https://example.okta.com")))
    tab.library.use_selected_for_profile()
    assert "now signs with 'signer'" in tab.messages.message()
    window.reload_profiles()
    assert "now signs with 'signer'" in tab.messages.message()  # refilling the list is no switch
    window.profile_combo.setCurrentText("Prod")
    assert tab.messages.message() == ""


def test_the_library_is_a_drawer_one_click_away(qtbot: Any, tab: KeysTab) -> None:
    assert not tab.library.isVisible()
    viewer_width = tab.outputs.view.width()
    tab.library_button.click()
    settle(qtbot)
    assert tab.library.isVisible() and tab.library.width() < tab.width() / 3 + 40
    tab.library_button.click()
    settle(qtbot)
    assert not tab.library.isVisible() and tab.outputs.view.width() == viewer_width


def test_rsa_2048_public_jwks_and_pem_need_no_horizontal_scrolling(qtbot: Any, tab: KeysTab,
                                                                   aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, tab.generate())
    assert tab.key is not None and tab.key.describe() == "RSA 2048"
    for fmt in ("jwks-public", "pem-public", "pem", "cert"):
        tab.outputs.select(fmt)
        settle(qtbot)
        bar = tab.outputs.view.horizontalScrollBar()
        assert bar.maximum() == 0, (fmt, bar.maximum())


@pytest.mark.parametrize(("spec", "okta"), [
    (KeySpec("RSA", size=2048), True), (KeySpec("EC", crv="P-521"), True), (KeySpec("EC", crv="secp256k1"), False),
    (KeySpec("OKP", crv="Ed25519"), False), (KeySpec("oct"), False), (KeySpec("EC", use="enc"), False),
])
def test_only_keys_okta_takes_get_the_paste_into_okta_label(tab: KeysTab, aloop: asyncio.AbstractEventLoop,
                                                            spec: KeySpec, okta: bool) -> None:
    key = generate_key(spec)
    finish(aloop, tab.import_data(key.export("jwk"), "pasted"))
    for output in OUTPUTS:
        label = tab.outputs.labels[output.fmt].text()
        if output.for_okta:
            assert ("paste into Okta" in label) == okta and (NOT_FOR_OKTA in label) != okta
        assert "paste into Okta" not in label or output.for_okta
    note = tab.outputs.okta_note.text()
    assert "RS256, RS384, RS512, ES256, ES384, ES512" in note
    assert ("Okta takes it" in note) == okta and ("won't take it" in note) != okta


def test_the_kid_of_an_imported_key_can_be_recomputed(tab: KeysTab, aloop: asyncio.AbstractEventLoop) -> None:
    key = generate_key(KeySpec("EC", kid="made-up"))
    finish(aloop, tab.import_data(key.export("jwk"), "pasted"))
    assert tab.kid_button.isEnabled()
    finish(aloop, tab.recompute_kid())
    assert tab.key is not None and tab.key.kid == key.thumbprint()
    assert json.loads(tab.outputs.text("jwks-public"))["keys"][0]["kid"] == key.thumbprint()
    assert "kid recomputed (was made-up)" in tab.facts.text() and not tab.kid_button.isEnabled()


def test_oct_keys_get_a_random_kid_in_the_window(tab: KeysTab, aloop: asyncio.AbstractEventLoop) -> None:
    tab.form.kty.setCurrentText("oct")
    assert tab.form.kid_mode.currentText() == "random"
    finish(aloop, tab.generate())
    assert tab.key is not None and tab.key.kid != tab.key.thumbprint()
    assert not tab.kid_button.isEnabled()  # a thumbprint of a secret would be a hash of it
    tab.form.kty.setCurrentText("EC")
    assert tab.form.kid_mode.currentText() == "thumbprint"


def test_a_copied_secret_is_marked_and_leaves_the_clipboard(qtbot: Any, tab: KeysTab,
                                                             aloop: asyncio.AbstractEventLoop,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QGuiApplication

    monkeypatch.setattr("oktatool.gui.widgets.clipboard.SECRET_CLEAR_MS", 200)
    finish(aloop, tab.generate())
    tab.outputs.select("jwk")
    tab.outputs.copy()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == tab.outputs.text("jwk") and '"d"' in clipboard.text()
    assert clipboard.mimeData().data("x-kde-passwordManagerHint").data() == b"secret"
    windows = 'application/x-qt-windows-mime;value="{}"'  # clipboard history, cloud clipboard, monitors
    assert clipboard.mimeData().hasFormat(windows.format("ExcludeClipboardContentFromMonitorProcessing"))
    assert clipboard.mimeData().data(windows.format("CanIncludeInClipboardHistory")).data() == b"\0\0\0\0"
    assert clipboard.mimeData().data(windows.format("CanUploadToCloudClipboard")).data() == b"\0\0\0\0"
    # macOS (nspasteboard.org), as Qt's Cocoa plugin carries a MIME type: com.trolltech.anymime.application--x-…
    assert clipboard.mimeData().hasFormat("application/x-nspasteboard-concealed-type")
    assert clipboard.mimeData().hasFormat("application/x-nspasteboard-transient-type")
    assert "leaves the clipboard" in tab.messages.message()
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3000)
    # something copied since is not touched
    tab.outputs.copy()
    clipboard.setText("the user's own text")
    qtbot.wait(400)
    assert clipboard.text() == "the user's own text"


@pytest.mark.parametrize(("typed", "kind"), [
    ("hunter2", "error"), ("aaaaaaaaaaaaaaaaaaaa", "error"), ("Summer2024", "warn"),
    ("correct horse battery staple", "good"),
])
def test_the_strength_hint_grades_a_new_passphrase(typed: str, kind: str) -> None:
    from oktatool.gui.widgets.store_unlock import passphrase_strength

    assert passphrase_strength(typed)[0] == kind
    assert passphrase_strength("") == ("", "")


def test_at_the_smallest_window_nothing_is_crushed_the_tab_scrolls(qtbot: Any, window: MainWindow,
                                                                   tab: KeysTab) -> None:
    window.resize(300, 200)  # refused below the minimum
    settle(qtbot)
    assert (window.width(), window.height()) == (window.minimumWidth(), window.minimumHeight())
    for field in (tab.form.size_spin, tab.form.kty, tab.form.alg, tab.form.generate_button):
        # full height, so the spin arrows keep their shape (crushed, they drew as a flat "═")
        assert field.height() >= field.sizeHint().height(), field
    assert tab.outputs.view.height() >= 150 and tab.outputs.list.height() >= 150
    scroll = tab.findChild(QWidget, "keysScroll")
    assert scroll is not None and scroll.widget().height() >= scroll.widget().minimumHeight()


def test_the_library_button_counts_the_keys(tab: KeysTab, aloop: asyncio.AbstractEventLoop) -> None:
    assert tab.library_button.text() == "Key library"
    finish(aloop, tab.generate())
    assert tab.key is not None
    finish(aloop, tab.library.request.start(tab.library.save(tab.key, "one")))
    assert tab.library_button.text() == "Key library (1)"
    finish(aloop, tab.library.request.start(tab.library.delete_selected(confirmed=True)))
    assert tab.library_button.text() == "Key library"


@pytest.mark.parametrize("drawer_open", [False, True])
def test_a_key_a_dialog_keeps_for_a_profile_shows_in_the_library(tab: KeysTab, context: AppContext,
                                                                 aloop: asyncio.AbstractEventLoop,
                                                                 drawer_open: bool) -> None:
    # what the set-up and rotate dialogs do: keep the app's key in the library, point the profile at it
    if drawer_open:
        tab.library_button.click()
    assert tab.library_button.text() == "Key library"
    key = generate_key(KeySpec("EC"))
    settings = context.settings.settings
    ref = finish(aloop, aloop.run_in_executor(None, context.keep_app_key, settings.active_profile, key))
    context.save_settings(settings.with_profile(settings.profile()._replace(key_ref=ref)))
    assert tab.library_button.text() == "Key library (1)"
    if drawer_open:
        assert tab.library.model.rowCount() == 1 and tab.library.model.row_of(ref) == 0
