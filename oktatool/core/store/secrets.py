"""Where private keys and tokens live: the OS keyring, or a passphrase-protected file; never plaintext.

``KeyringStore`` (keyring_store.py) keeps short values in the OS keyring and larger ones as AES-GCM files whose
keys sit in the keyring. ``EncryptedFileStore`` (file_store.py) is for machines without a working keyring: one
AES-GCM file whose key is derived from a passphrase. ``MemoryStore`` is for tests. This module holds the protocol
and picks the store to use; store_parts.py holds what the stores share. Names are not secret.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from oktatool.core.errors import SecretStoreError
from oktatool.core.store.store_parts import check_name

if TYPE_CHECKING:
    from oktatool.core.store.paths import AppPaths

#: environment variable that forces a store: keyring, file, or memory (tests, demos)
STORE_ENV = "OKTATOOL_SECRET_STORE"


class SecretStore(Protocol):
    """A named-secret store."""

    #: a few words for the status bar ("OS keyring", "encrypted file")
    short_name: str
    #: one sentence: which backend, and where the secrets are

    @property
    def description(self) -> str:
        """Return which backend holds the secrets, and where."""

    @property
    def locked(self) -> bool:
        """Return True while the store needs a passphrase before it can answer."""

    def get(self, name: str) -> str | None:
        """Return the secret ``name``, or None when there is none."""

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name`` (replacing an existing value)."""

    def delete(self, name: str) -> None:
        """Remove ``name``; removing a missing name is not an error."""

    def names(self) -> list[str]:
        """Return the stored names, sorted."""


class MemoryStore:
    """Secrets in a dict, for tests; nothing is written anywhere."""

    short_name = "memory (test)"
    locked = False

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    @property
    def description(self) -> str:
        """Return which backend holds the secrets."""
        return "in-memory store: secrets are lost when oktatool exits"

    def get(self, name: str) -> str | None:
        """Return the secret ``name``, or None."""
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name``."""
        self._values[check_name(name)] = value

    def delete(self, name: str) -> None:
        """Remove ``name``."""
        self._values.pop(name, None)

    def names(self) -> list[str]:
        """Return the stored names, sorted."""
        return sorted(self._values)


def open_secret_store(paths: AppPaths, choice: str = "auto") -> SecretStore:
    """Return the store to use: the OS keyring when it works (``auto``/``keyring``), else the encrypted file."""
    from oktatool.core.store.file_store import EncryptedFileStore
    from oktatool.core.store.keyring_store import KeyringStore

    forced = os.environ.get(STORE_ENV, "").strip().lower()
    if forced == "memory":
        return MemoryStore()
    choice = forced or choice
    file_store = EncryptedFileStore(paths.data_dir / "secrets.enc")
    if choice == "file":
        return file_store
    try:
        return KeyringStore(paths.data_dir, sealed_dir=paths.sealed_dir, old_sealed_dirs=paths.old_sealed_dirs)
    except SecretStoreError:
        return file_store
