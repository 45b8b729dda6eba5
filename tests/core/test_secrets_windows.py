"""The keyring store on Windows: a set that fails after its keyring write is undone, and sealed files live where the
keyring entries naming them go (the roaming profile), with the old place still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from oktatool.core.errors import SecretStoreError
from oktatool.core.store.keyring_store import SERVICE, KeyringStore
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import open_secret_store
from tests.core.test_secrets import BIG, DictKeyring


def _unwritable_index(data_dir: Path) -> None:
    """Make the list of names impossible to rewrite (a folder where its file goes)."""
    index = data_dir / "secret-names.json"
    index.unlink(missing_ok=True)
    index.mkdir()


@pytest.mark.parametrize("new_value", [BIG.replace("x", "y"), "small now"], ids=["large", "small"])
def test_a_set_whose_name_list_cannot_be_written_leaves_the_previous_secret(tmp_path: Path, new_value: str) -> None:
    backend = DictKeyring()
    store = KeyringStore(tmp_path, backend=backend)
    store.set("big", BIG)
    entry_before = backend.values[(SERVICE, "big")]
    sealed_before = sorted((tmp_path / "sealed").iterdir())
    _unwritable_index(tmp_path)
    with pytest.raises(SecretStoreError, match="cannot update the list"):
        store.set("big", new_value)
    assert backend.values[(SERVICE, "big")] == entry_before  # the keyring write was undone
    assert sorted((tmp_path / "sealed").iterdir()) == sealed_before  # no new file, the old one kept
    assert KeyringStore(tmp_path, backend=backend).get("big") == BIG


def test_a_new_secret_whose_name_list_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    backend = DictKeyring()
    store = KeyringStore(tmp_path, backend=backend)
    _unwritable_index(tmp_path)
    with pytest.raises(SecretStoreError):
        store.set("new", BIG)
    assert backend.values == {}
    assert not (tmp_path / "sealed").exists() or not list((tmp_path / "sealed").iterdir())


def _roaming_paths(tmp_path: Path) -> AppPaths:
    local, roaming = tmp_path / "Local" / "oktatool", tmp_path / "Roaming" / "oktatool"
    return AppPaths(local / "config", local, local / "cache", local / "logs", roaming)


def test_sealed_files_go_to_the_roaming_folder(tmp_path: Path) -> None:
    paths = _roaming_paths(tmp_path)
    assert paths.sealed_dir == tmp_path / "Roaming" / "oktatool" / "sealed"
    assert paths.old_sealed_dirs == (tmp_path / "Local" / "oktatool" / "sealed",)
    store = KeyringStore(paths.data_dir, backend=DictKeyring(), sealed_dir=paths.sealed_dir,
                         old_sealed_dirs=paths.old_sealed_dirs)
    store.set("big", BIG)
    assert len(list(paths.sealed_dir.iterdir())) == 1
    assert not paths.old_sealed_dirs[0].exists()


def test_a_sealed_file_of_an_older_version_is_read_and_moved_to_the_roaming_folder(tmp_path: Path) -> None:
    paths, backend = _roaming_paths(tmp_path), DictKeyring()
    KeyringStore(paths.data_dir, backend=backend).set("big", BIG)  # as versions before this one kept it
    [old_file] = paths.old_sealed_dirs[0].iterdir()
    store = KeyringStore(paths.data_dir, backend=backend, sealed_dir=paths.sealed_dir,
                         old_sealed_dirs=paths.old_sealed_dirs)
    assert store.get("big") == BIG
    assert not old_file.exists() and (paths.sealed_dir / old_file.name).exists()
    store.delete("big")
    assert list(paths.sealed_dir.iterdir()) == [] and store.get("big") is None


def test_a_missing_sealed_file_says_what_happened_and_what_to_do(tmp_path: Path) -> None:
    paths = _roaming_paths(tmp_path)
    store = KeyringStore(paths.data_dir, backend=DictKeyring(), sealed_dir=paths.sealed_dir,
                         old_sealed_dirs=paths.old_sealed_dirs)
    store.set("big", BIG)
    for sealed in paths.sealed_dir.iterdir():
        sealed.unlink()  # the keyring entry roamed to this computer, the file did not
    with pytest.raises(SecretStoreError) as caught:
        store.get("big")
    assert "roaming profile" in caught.value.description
    assert str(paths.sealed_dir) in (caught.value.hint or "") and "store the secret again" in (caught.value.hint or "")


def test_the_store_opened_for_the_app_uses_the_paths_sealed_folder(tmp_path: Path) -> None:
    store = open_secret_store(_roaming_paths(tmp_path), "keyring")
    assert isinstance(store, KeyringStore)
    assert store.sealed_dir == tmp_path / "Roaming" / "oktatool" / "sealed"


def test_a_sealed_file_held_open_fails_neither_a_set_nor_a_delete(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    backend = DictKeyring()
    store = KeyringStore(tmp_path, backend=backend)
    store.set("big", BIG)
    unlink = Path.unlink

    def held_by_a_scanner(path: Path, missing_ok: bool = False) -> None:
        if path.suffix == ".sealed" and path.exists():
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", held_by_a_scanner)
    store.set("big", BIG.replace("x", "n"))  # stored: the previous file stays behind as a stray
    assert store.get("big") == BIG.replace("x", "n")
    store.delete("big")
    assert store.get("big") is None and store.names() == []
