"""The encrypted secret store open in two processes at once (the window and a command): no key is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from oktatool.core.errors import SecretStoreError
from oktatool.core.store.file_store import EncryptedFileStore

PASSPHRASE = b"four unrelated words here"


def _open(path: Path) -> EncryptedFileStore:
    store = EncryptedFileStore(path, scrypt_n=2**10)
    store.unlock(PASSPHRASE)
    return store


def test_a_key_saved_by_a_command_survives_the_window_s_next_save(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    window = _open(path)
    window.set("library:old key", "old")
    command = _open(path)
    command.set("library:nightly 1a2b", "the command's key")  # app create --save-profile nightly

    assert window.get("library:nightly 1a2b") == "the command's key"  # the window reads it at once
    window.set("library:made in the window", "window")  # and its next write keeps it
    command.delete("library:old key")
    assert window.names() == ["library:made in the window", "library:nightly 1a2b"]
    assert _open(path).names() == ["library:made in the window", "library:nightly 1a2b"]


def test_a_store_file_protected_anew_elsewhere_asks_for_the_passphrase_again(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    window = _open(path)
    window.set("library:k", "v")
    path.unlink()
    _open(path).set("library:other", "w")  # another process started a new file (a new salt)
    with pytest.raises(SecretStoreError) as locked:
        window.set("library:k2", "v2")
    assert locked.value.code == "store_locked" and window.locked
    assert _open(path).names() == ["library:other"]  # nothing was written over the other file


def test_the_key_library_index_is_changed_against_the_file_as_another_process_left_it(tmp_path: Path) -> None:
    import json
    import threading
    from dataclasses import asdict

    from oktatool.core.files import exclusive_lock
    from oktatool.core.keys.key import KeySpec, generate_key
    from oktatool.core.keys.library import KeyLibrary, LibraryEntry
    from oktatool.core.store.secrets import MemoryStore

    index = tmp_path / "key-library.json"
    library = KeyLibrary(MemoryStore(), index)
    saved = threading.Event()
    worker = threading.Thread(target=lambda: (library.save("window key", generate_key(KeySpec("EC"))), saved.set()))
    with exclusive_lock(tmp_path / "key-library.json.lock"):  # a command is changing the index now
        worker.start()
        assert not saved.wait(0.5)  # the window's save waits for it...
        other = LibraryEntry.of("nightly 1a2b", generate_key(KeySpec("EC")))
        index.write_text(json.dumps([asdict(other)]))
    worker.join(30)
    assert saved.is_set() and library.names() == ["nightly 1a2b", "window key"]  # ...and keeps its entry
