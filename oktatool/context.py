"""AppContext: what the window and the commands share: paths, settings, the secret store, the sandbox.

No Qt here: the GUI and the CLI are two faces over the same context (DESIGN.md "The house").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from oktatool.core.keys.library import KeyLibrary
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import SecretStore
    from oktatool.core.store.settings import Settings, SettingsStore
    from oktatool.sandbox import Sandbox, SandboxInfo


class AppContext:
    """What every tab gets: paths, settings, the secret store (opened lazily) and a clock."""

    def __init__(self, paths: AppPaths, settings: SettingsStore, *, secret_store: SecretStore | None = None,
                 args: argparse.Namespace | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.args = args
        self._secret_store = secret_store
        self._store_lock = threading.Lock()
        self._sandbox: Sandbox | None = None
        self._sandbox_lock = threading.Lock()
        #: called (on the GUI thread) after settings were saved through ``save_settings``
        self.settings_listeners: list[Callable[[Settings], None]] = []

    @property
    def opened_store(self) -> SecretStore | None:
        """Return the secret store if it was opened already (never opens it)."""
        return self._secret_store

    def secret_store(self) -> SecretStore:
        """Return the secret store, opening it on first use (keyring probing can be slow: not on the GUI thread)."""
        with self._store_lock:
            if self._secret_store is None:
                from oktatool.core.store.secrets import open_secret_store

                self._secret_store = open_secret_store(self.paths, self.settings.settings.preferences.secret_store)
            return self._secret_store

    @property
    def library_index(self) -> Path:
        """Return the key library's index file (public facts only)."""
        return self.paths.data_dir / "key-library.json"

    def key_library(self) -> KeyLibrary:
        """Return the key library over the secret store (opens the store: not on the GUI thread the first time)."""
        from oktatool.core.keys.library import KeyLibrary

        return KeyLibrary(self.secret_store(), self.library_index)

    def library_names(self) -> list[str]:
        """Return the key library's names without opening the secret store."""
        from oktatool.core.keys.library import read_entries

        return [entry.name for entry in read_entries(self.library_index)]

    def sandbox(self) -> SandboxInfo:
        """Start the built-in sandbox org in this process on first use and return how to reach it.

        Blocking (it binds a port and may make a key): call it in the executor. The service app keeps its
        key across restarts, so a profile's registered key stays valid.
        """
        with self._sandbox_lock:
            if self._sandbox is None:
                from oktatool.sandbox import Sandbox, SandboxOptions

                sandbox = Sandbox.keeping_key(SandboxOptions(), self.paths.sandbox_dir)
                sandbox.start()
                self._sandbox = sandbox
            return self._sandbox.info

    def close(self) -> None:
        """Stop what the context started (the sandbox org)."""
        with self._sandbox_lock:
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    def save_settings(self, settings: Settings) -> None:
        """Save new settings and tell the listeners."""
        self.settings.update(settings)
        for listener in list(self.settings_listeners):
            listener(settings)
