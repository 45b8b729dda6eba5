"""Secret stores: memory, keyring (with envelope files for large values), passphrase-protected file."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from oktatool.core.errors import SecretStoreError
from oktatool.core.keys.key import KeySpec, generate_key, load_key
from oktatool.core.keys.library import KeyLibrary, read_entries
from oktatool.core.store.file_store import EncryptedFileStore
from oktatool.core.store.keyring_store import KEYRING_LIMIT, SERVICE, KeyringStore, keyring_problem
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore, open_secret_store
from tests.platforms import assert_mode

BIG = "x" * 5000  # larger than Windows Credential Manager takes; like an RSA-4096 private JWK


class DictKeyring(KeyringBackend):
    """An in-memory keyring backend (keyring itself has none)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Any:
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_memory_store_round_trip() -> None:
    store = MemoryStore()
    store.set("b", "2")
    store.set("a", "1")
    assert store.get("a") == "1" and store.names() == ["a", "b"]
    store.delete("a")
    store.delete("a")
    assert store.get("a") is None and store.names() == ["b"]
    with pytest.raises(SecretStoreError):
        store.set("", "x")


def test_keyring_store_keeps_small_values_in_the_keyring(tmp_path: Path, memory_keyring: DictKeyring) -> None:
    store = KeyringStore(tmp_path)
    store.set("small", "value")
    assert memory_keyring.values[(SERVICE, "small")] == "value"
    assert store.get("small") == "value"
    assert store.names() == ["small"]
    assert not (tmp_path / "sealed").exists() or not list((tmp_path / "sealed").iterdir())


def test_large_values_use_envelope_encryption(tmp_path: Path, memory_keyring: DictKeyring) -> None:
    store = KeyringStore(tmp_path)
    store.set("big", BIG)
    in_keyring = memory_keyring.values[(SERVICE, "big")]
    assert len(in_keyring.encode("utf-16-le")) <= KEYRING_LIMIT
    assert BIG not in in_keyring
    sealed = list((tmp_path / "sealed").iterdir())
    assert len(sealed) == 1
    assert b"xxxx" not in sealed[0].read_bytes()  # never plaintext on disk
    assert_mode(sealed[0], 0o600)
    assert store.get("big") == BIG
    # a new store instance (a restart) reads it back through the keyring's key
    assert KeyringStore(tmp_path).get("big") == BIG
    store.set("big", "small now")
    assert not list((tmp_path / "sealed").iterdir())
    assert store.get("big") == "small now"
    store.delete("big")
    assert store.get("big") is None and store.names() == []


def test_a_real_rsa_4096_private_jwk_goes_through_the_envelope(tmp_path: Path, memory_keyring: DictKeyring) -> None:
    jwk = generate_key(KeySpec("RSA", size=4096)).export("jwk")
    assert len(jwk.encode("utf-8")) > KEYRING_LIMIT
    store = KeyringStore(tmp_path)
    store.set("rsa", jwk)
    assert memory_keyring.values[(SERVICE, "rsa")].startswith("oktatool-envelope:v2:")
    assert load_key(store.get("rsa") or "").is_private


def test_a_tampered_envelope_file_is_refused(tmp_path: Path, memory_keyring: DictKeyring) -> None:
    store = KeyringStore(tmp_path)
    store.set("big", BIG)
    sealed = next((tmp_path / "sealed").iterdir())
    data = bytearray(sealed.read_bytes())
    data[-1] ^= 1
    sealed.write_bytes(bytes(data))
    with pytest.raises(SecretStoreError, match="changed or damaged"):
        store.get("big")


def test_unusable_keyring_backends_are_recognised(tmp_path: Path) -> None:
    assert keyring_problem(fail.Keyring()) is not None
    assert keyring_problem(null.Keyring()) is not None
    assert keyring_problem(DictKeyring()) is None
    with pytest.raises(SecretStoreError, match="keyring"):
        KeyringStore(tmp_path, backend=null.Keyring())


def test_open_falls_back_to_the_encrypted_file_without_a_keyring(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = open_secret_store(AppPaths.resolve(tmp_path))
    finally:
        keyring.set_keyring(previous)
    assert isinstance(store, EncryptedFileStore)
    assert store.locked and "passphrase" in store.description


def test_open_uses_the_keyring_when_it_works(tmp_path: Path, memory_keyring: DictKeyring) -> None:
    assert isinstance(open_secret_store(AppPaths.resolve(tmp_path)), KeyringStore)
    assert isinstance(open_secret_store(AppPaths.resolve(tmp_path), "file"), EncryptedFileStore)


def test_encrypted_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, scrypt_n=2**10)
    assert store.locked and not store.exists
    with pytest.raises(SecretStoreError, match="locked"):
        store.get("x")
    store.unlock(b"correct horse")
    store.set("k", "secret value")
    store.set("big", BIG)
    assert b"secret value" not in path.read_bytes() and b"xxxx" not in path.read_bytes()
    assert_mode(path, 0o600)
    again = EncryptedFileStore(path)
    again.unlock(b"correct horse")
    assert again.get("k") == "secret value" and again.get("big") == BIG
    assert again.names() == ["big", "k"]
    again.delete("k")
    again.lock()
    assert again.locked
    third = EncryptedFileStore(path)
    third.unlock(b"correct horse")
    assert third.names() == ["big"]


def test_wrong_passphrase_is_told_apart_from_damage(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, scrypt_n=2**10)
    store.unlock(b"the right passphrase")
    store.set("k", "v")
    with pytest.raises(SecretStoreError, match=r"passphrase .* is wrong") as wrong:
        EncryptedFileStore(path).unlock(b"wrong")
    assert wrong.value.code == "wrong_passphrase"
    assert "right" not in wrong.value.user_message()


@pytest.mark.parametrize("member", ["ciphertext", "nonce", "version", "check-text", "check-number", "check-null"])
def test_a_tampered_file_is_refused(tmp_path: Path, member: str) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, scrypt_n=2**10)
    store.unlock(b"pass phrase one")
    store.set("k", "v")
    document = json.loads(path.read_text())
    if member == "version":
        document["version"] = 2
    elif member.startswith("check-"):
        document["check"] = {"check-text": "%%% not base64", "check-number": 5, "check-null": None}[member]
    else:
        raw = bytearray(base64.b64decode(document[member]))
        raw[0] ^= 0x55
        document[member] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(document))
    with pytest.raises(SecretStoreError) as damaged:
        EncryptedFileStore(path).unlock(b"pass phrase one")
    assert damaged.value.code == "store_damaged"


def test_a_file_that_is_not_json_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    path.write_text("garbage")
    with pytest.raises(SecretStoreError, match="damaged"):
        EncryptedFileStore(path).unlock(b"pass phrase one")


def test_key_library_lists_public_facts_only(tmp_path: Path) -> None:
    store = MemoryStore()
    library = KeyLibrary(store, tmp_path / "key-library.json")
    key = generate_key(KeySpec("EC", use="sig"))
    entry = library.save("service app", key)
    assert entry.shape == "EC P-256" and entry.private and entry.thumbprint == key.thumbprint()
    index_text = (tmp_path / "key-library.json").read_text()
    assert key.to_dict(private=True)["d"] not in index_text
    assert read_entries(tmp_path / "key-library.json") == [entry]
    assert library.load("service app") == key
    with pytest.raises(Exception, match="already in the library"):
        library.save("service app", key)
    renamed = library.rename("service app", "prod")
    assert renamed.name == "prod" and library.names() == ["prod"]
    assert store.names() == ["key:prod"]
    library.delete("prod")
    assert library.names() == [] and store.names() == []


class RefusingDeleteKeyring(DictKeyring):
    """A keyring that raises PasswordDeleteError for missing entries, like the real backends."""

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.values:
            raise PasswordDeleteError("not found")
        del self.values[(service, username)]


def test_deleting_a_missing_keyring_entry_is_not_an_error(tmp_path: Path) -> None:
    store = KeyringStore(tmp_path, backend=RefusingDeleteKeyring())
    store.delete("never stored")
    store.set("a", "1")
    store.delete("a")
    assert store.get("a") is None and store.names() == []


def test_a_keyring_failure_is_a_secret_store_error_without_the_value(tmp_path: Path) -> None:
    from keyring.errors import PasswordSetError

    class Refusing(DictKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("locked collection")

    with pytest.raises(SecretStoreError, match="could not store") as failed:
        KeyringStore(tmp_path, backend=Refusing()).set("k", "hunter2-secret")
    assert "hunter2-secret" not in failed.value.user_message()


@pytest.mark.parametrize(("member", "value"), [("n", 2**40), ("n", 2**21), ("n", 1000), ("r", 10**9), ("p", 2**20),
                                               ("p", 0), ("n", True)])
def test_a_tampered_scrypt_cost_is_damage_not_a_hang(tmp_path: Path, member: str, value: int) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, scrypt_n=2**10)
    store.unlock(b"pass phrase one")
    store.set("k", "v")
    document = json.loads(path.read_text())
    document["kdf"][member] = value
    path.write_text(json.dumps(document))
    with pytest.raises(SecretStoreError, match="damaged") as damaged:
        EncryptedFileStore(path).unlock(b"pass phrase one")
    assert damaged.value.code == "store_damaged"


@pytest.mark.parametrize("envelope_key", ["%%%not base64", "", base64.b64encode(b"short").decode()])
def test_a_damaged_keyring_envelope_is_a_store_error(tmp_path: Path, memory_keyring: DictKeyring,
                                                     envelope_key: str) -> None:
    store = KeyringStore(tmp_path)
    store.set("big", BIG)
    memory_keyring.values[(SERVICE, "big")] = "oktatool-envelope:v1:" + envelope_key
    with pytest.raises(SecretStoreError, match="damaged") as damaged:
        store.get("big")
    assert damaged.value.code == "store_damaged"


def test_the_library_index_holds_nothing_derived_from_a_secret_key(tmp_path: Path) -> None:
    import hashlib

    library = KeyLibrary(MemoryStore(), tmp_path / "key-library.json")
    weak = load_key('{"kty": "oct", "k": "c2VjcmV0"}')  # the HMAC secret "secret", as jwt.io suggests
    entry = library.save("hmac", weak)
    index_text = (tmp_path / "key-library.json").read_text()
    digest = hashlib.sha256(b'{"k":"c2VjcmV0","kty":"oct"}').digest()
    assert weak.thumbprint() == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert weak.thumbprint() not in index_text and "c2VjcmV0" not in index_text
    assert entry.thumbprint == "" and entry.shape.startswith("oct")
    assert library.load("hmac") == weak


def test_an_index_entry_with_wrong_types_is_skipped(tmp_path: Path) -> None:
    good = {"name": "ok", "shape": "EC P-256", "kid": None, "thumbprint": "t", "alg": None, "use": None,
            "private": True, "added": "2026-01-01 00:00 UTC"}
    index = tmp_path / "key-library.json"
    index.write_text(json.dumps([good, {**good, "name": 5}, {**good, "kid": ["x"]}, {**good, "private": "yes"},
                                 "not an object", None]))
    assert [e.name for e in read_entries(index)] == ["ok"]


class LockableKeyring(DictKeyring):
    """A keyring that refuses to store while ``locked`` (a locked collection, a cancelled prompt)."""

    locked = False

    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import PasswordSetError

        if self.locked:
            raise PasswordSetError("the collection is locked")
        super().set_password(service, username, password)


@pytest.mark.parametrize("new_value", [BIG.replace("x", "y"), "small now"])
def test_a_failed_keyring_update_keeps_the_previous_secret(tmp_path: Path, new_value: str) -> None:
    backend = LockableKeyring()
    store = KeyringStore(tmp_path, backend=backend)
    store.set("big", BIG)
    backend.locked = True
    with pytest.raises(SecretStoreError, match="could not store"):
        store.set("big", new_value)
    assert store.get("big") == BIG
    assert KeyringStore(tmp_path, backend=backend).get("big") == BIG  # after a restart too
    assert len(list((tmp_path / "sealed").iterdir())) == 1  # the new file was not left behind
    backend.locked = False
    store.set("big", new_value)
    assert store.get("big") == new_value
    assert len(list((tmp_path / "sealed").iterdir())) == (1 if len(new_value) > 100 else 0)  # old file removed


def test_a_failed_sealed_file_write_keeps_the_previous_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import oktatool.core.store.keyring_store as secrets_module

    store = KeyringStore(tmp_path, backend=DictKeyring())
    store.set("big", BIG)

    def disk_full(path: Path, data: bytes, *, mode: int = 0o600) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(secrets_module, "write_atomic", disk_full)
    with pytest.raises(SecretStoreError, match="No space left"):
        store.set("big", BIG.replace("x", "z"))
    assert store.get("big") == BIG


def test_a_v1_envelope_is_still_read_and_replaced_cleanly(tmp_path: Path) -> None:
    import hashlib

    from oktatool.core.store.keyring_store import _seal

    backend = DictKeyring()
    key = bytes(range(32))
    sealed = tmp_path / "sealed" / (hashlib.sha256(b"old").hexdigest() + ".sealed")
    sealed.parent.mkdir()
    sealed.write_bytes(_seal(BIG, key, "old"))
    backend.values[(SERVICE, "old")] = "oktatool-envelope:v1:" + base64.b64encode(key).decode()
    store = KeyringStore(tmp_path, backend=backend)
    assert store.get("old") == BIG
    store.set("old", BIG.replace("x", "w"))
    assert not sealed.exists() and store.get("old") == BIG.replace("x", "w")
    store.delete("old")
    assert not list((tmp_path / "sealed").iterdir())


def test_a_chainer_wrapping_a_plaintext_backend_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import chainer

    class PlaintextKeyring(DictKeyring):
        """Named like keyrings.alt's plaintext backend: what it stores sits in a readable file."""

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    PlaintextKeyring.__name__ = "PlaintextKeyring"
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [DictKeyring(), PlaintextKeyring()])
    problem = keyring_problem(chainer.ChainerBackend())
    assert problem is not None and "plain text" in problem and "PlaintextKeyring" in problem
    with pytest.raises(SecretStoreError, match="plain text"):
        KeyringStore(tmp_path, backend=chainer.ChainerBackend())
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [DictKeyring(), fail.Keyring()])
    assert keyring_problem(chainer.ChainerBackend()) is None
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [fail.Keyring()])
    assert keyring_problem(chainer.ChainerBackend()) == "no OS keyring is available"


def test_a_new_store_file_uses_scrypt_2_17_and_an_old_2_15_file_still_opens(tmp_path: Path) -> None:
    from oktatool.core.store.file_store import NEW_FILE_SCRYPT_N

    fresh = tmp_path / "new.enc"
    EncryptedFileStore(fresh).unlock(b"correct horse battery")
    assert json.loads(fresh.read_text())["kdf"] | {"salt": ""} == {"name": "scrypt", "n": 2**17, "r": 8, "p": 1,
                                                                   "salt": ""}
    assert NEW_FILE_SCRYPT_N == 2**17
    old = tmp_path / "old.enc"
    written = EncryptedFileStore(old, scrypt_n=2**15)
    written.unlock(b"correct horse battery")
    written.set("k", "kept")
    assert json.loads(old.read_text())["kdf"]["n"] == 2**15
    reopened = EncryptedFileStore(old)
    reopened.unlock(b"correct horse battery")
    assert reopened.get("k") == "kept"
    assert json.loads(old.read_text())["kdf"]["n"] == 2**17  # rewritten at today's cost once unlocked
    again = EncryptedFileStore(old)
    again.unlock(b"correct horse battery")
    assert again.get("k") == "kept"


@pytest.mark.parametrize(("passphrase", "reason"), [
    ("a", "has only 1 character; use at least 10"), ("hunter2", "use at least 10"),
    ("aaaaaaaaaaaaaa", "too few different characters"), ("abababababab", "too few different characters"),
    ("Password123", "most common passwords"), ("qwertyuiop", "most common passwords"),
    ("1234567890", "simple run"), ("abcdefghijklm", "simple run"), ("9876543210", "simple run"),
])
def test_a_trivially_weak_passphrase_is_refused_with_the_reason(tmp_path: Path, passphrase: str,
                                                                reason: str) -> None:
    store = EncryptedFileStore(tmp_path / "secrets.enc", scrypt_n=2**10)
    with pytest.raises(SecretStoreError, match=reason) as weak:
        store.unlock(passphrase.encode())
    assert weak.value.code == "weak_passphrase" and weak.value.hint
    assert store.locked and not store.exists
    assert len(passphrase) < 4 or passphrase not in weak.value.user_message()


def test_an_existing_file_with_a_short_passphrase_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, scrypt_n=2**10)
    store.unlock(b"correct horse battery")
    store.set("k", "v")
    # files made before the rule keep working: the rule is for choosing, never for entering
    document = json.loads(path.read_text())
    assert document["kdf"]["n"] == 2**10
    with pytest.raises(SecretStoreError, match="wrong"):
        EncryptedFileStore(path, scrypt_n=2**10).unlock(b"x")
