"""The secret store as the window shows it: which store, and the passphrase prompt of the file store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from oktatool.context import AppContext
from oktatool.core.store.file_store import EncryptedFileStore
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SettingsStore
from oktatool.gui.main_window import MainWindow
from oktatool.gui.startup import warm_up
from oktatool.gui.widgets.store_unlock import PassphraseDialog, ready_store
from tests.gui.conftest import finish
from tests.gui.test_keys_tab import answer_dialog


def file_context(home: Path) -> AppContext:
    paths = AppPaths.resolve(home)
    store = EncryptedFileStore(paths.data_dir / "secrets.enc", scrypt_n=2**10)
    return AppContext(paths, SettingsStore(paths.settings_file), secret_store=store)


def test_the_status_bar_names_the_store(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert "checking" in window.store_label.text()
    aloop.run_until_complete(warm_up(window, context))
    assert window.store_label.text() == f"Secrets: {MemoryStore.short_name}"
    assert "in-memory" in window.store_label.toolTip()
    keys = window.pages["keys"].content
    assert MemoryStore.short_name in keys.library.store_label.text()  # type: ignore[union-attr]


def test_a_new_file_store_asks_to_choose_a_passphrase_twice(qtbot: Any, isolated_home: Path,
                                                          aloop: asyncio.AbstractEventLoop) -> None:
    context = file_context(isolated_home)
    window = MainWindow(context)
    qtbot.addWidget(window)
    prompts: list[PassphraseDialog] = []

    def choose(dialog: PassphraseDialog) -> None:
        prompts.append(dialog)
        assert dialog.repeat is not None  # choosing a new passphrase: typed twice
        dialog.passphrase.setText("correct horse")
        dialog.repeat.setText("correct horse")
        dialog._check()

    answer_dialog(aloop, PassphraseDialog, choose)
    store = finish(aloop, asyncio.ensure_future(ready_store(context, window)))
    assert store is not None and not store.locked and len(prompts) == 1
    assert isinstance(store, EncryptedFileStore) and store.exists
    assert "Choose a passphrase" in prompts[0].explanation.text()


def test_a_wrong_passphrase_is_asked_again_with_the_reason(qtbot: Any, isolated_home: Path,
                                                          aloop: asyncio.AbstractEventLoop) -> None:
    setup = EncryptedFileStore(AppPaths.resolve(isolated_home).data_dir / "secrets.enc", scrypt_n=2**10)
    setup.unlock(b"the right passphrase")
    setup.set("key:x", "{}")
    context = file_context(isolated_home)
    window = MainWindow(context)
    qtbot.addWidget(window)
    answers = iter(["the wrong passphrase", "the right passphrase"])
    texts: list[str] = []

    def enter(dialog: PassphraseDialog) -> None:
        assert dialog.repeat is None  # an existing file: enter, not choose
        texts.append(dialog.explanation.text())
        dialog.passphrase.setText(next(answers))
        dialog._check()

    answer_dialog(aloop, PassphraseDialog, enter, times=2)
    store = finish(aloop, asyncio.ensure_future(ready_store(context, window)))
    assert store is not None and store.get("key:x") == "{}"
    assert "wrong" in texts[1].lower()


def test_the_repeat_must_match(qtbot: Any) -> None:
    dialog = PassphraseDialog("t", "x", confirm=True)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("a")
    assert dialog.repeat is not None
    dialog.repeat.setText("b")
    dialog._check()
    assert dialog.result() == 0 and "differ" in dialog.error.text()
    dialog.passphrase.clear()
    dialog._check()
    assert "Type a passphrase" in dialog.error.text()


def test_cancelling_keeps_the_store_locked(qtbot: Any, isolated_home: Path,
                                           aloop: asyncio.AbstractEventLoop) -> None:
    context = file_context(isolated_home)
    window = MainWindow(context)
    qtbot.addWidget(window)
    answer_dialog(aloop, PassphraseDialog, lambda d: d.reject())
    assert finish(aloop, asyncio.ensure_future(ready_store(context, window))) is None
    assert context.secret_store().locked


def test_choosing_a_weak_passphrase_shows_the_reason(qtbot: Any) -> None:
    dialog = PassphraseDialog("t", "x", confirm=True, refuse_weak=True)
    qtbot.addWidget(dialog)
    assert dialog.repeat is not None
    for weak, reason in (("short", "use at least 10"), ("password123", "most common"), ("1234567890", "run")):
        dialog.passphrase.setText(weak)
        dialog.repeat.setText(weak)
        dialog._check()
        assert dialog.result() == 0 and reason in dialog.error.text() and dialog.error.isVisibleTo(dialog)
    dialog.passphrase.setText("correct horse battery")
    dialog.repeat.setText("correct horse battery")
    dialog._check()
    assert dialog.result() == 1


def test_a_pem_passphrase_is_hinted_not_refused(qtbot: Any) -> None:
    dialog = PassphraseDialog("t", "x", confirm=True)  # a file's passphrase: the user's call
    qtbot.addWidget(dialog)
    assert dialog.repeat is not None
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    assert dialog.strength.message()
    dialog._check()
    assert dialog.result() == 1


def test_entering_an_existing_passphrase_is_not_judged(qtbot: Any) -> None:
    dialog = PassphraseDialog("t", "x", confirm=False)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("short")
    dialog._check()
    assert dialog.result() == 1
