"""AppContext: the secret store opened once, the built-in sandbox org started on demand and stopped."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SettingsStore


def test_the_sandbox_starts_on_demand_keeps_its_key_and_stops(isolated_home: Path) -> None:
    paths = AppPaths.resolve(isolated_home)
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    info = context.sandbox()
    assert context.sandbox() is info
    with urllib.request.urlopen(info.org_url + "/oauth2/v1/keys", timeout=10) as answer:  # noqa: S310 - loopback
        assert "keys" in json.loads(answer.read())
    kid = info.kid
    context.close()
    restarted = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    try:
        assert restarted.sandbox().kid == kid  # the service app's registered key survives a restart
    finally:
        restarted.close()


def test_library_names_come_from_the_index_without_the_store(isolated_home: Path) -> None:
    paths = AppPaths.resolve(isolated_home)
    store = MemoryStore()
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=store)
    assert context.library_names() == []
    from oktatool.core.keys.key import KeySpec, generate_key

    context.key_library().save("k", generate_key(KeySpec("EC")))
    assert context.library_names() == ["k"]
    assert context.opened_store is store


def test_a_tab_follows_saved_settings_until_it_is_destroyed(qtbot: object, context: AppContext,
                                                            aloop: object) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    from oktatool.gui.scopes.tab import ScopesTab
    from tests.gui.conftest import finish

    before = len(context.settings_listeners)
    tab = ScopesTab(context)
    finish(aloop, tab.ready)  # type: ignore[arg-type]
    assert len(context.settings_listeners) == before + 1
    tab.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(context.settings_listeners) == before  # a closed tab is never called again
    context.save_settings(context.settings.settings)  # and saving does not reach a deleted widget
