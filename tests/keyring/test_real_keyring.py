"""The keyring store against the OS's real keyring: a Secret Service (gnome-keyring on a private D-Bus
session) on Linux, the Credential Manager on Windows, the login Keychain on macOS.

These tests write to the real keyring, so they run only when asked: ``.ci/run`` starts a throwaway
``dbus-run-session`` with ``gnome-keyring-daemon --unlock`` (its keyring files in a temporary
XDG_DATA_HOME) and sets OKTATOOL_TEST_KEYRING=1; the release workflow sets it on its Windows and macOS
runners, whose keyrings are thrown away with the runner. Anywhere else they skip, and a developer's own
keyring is never touched. With the opt-in set, a keyring that cannot be used fails the tests.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oktatool.core.errors import SecretStoreError
from oktatool.core.store.keyring_store import KEYRING_LIMIT, SERVICE, KeyringStore

OPT_IN = "OKTATOOL_TEST_KEYRING"
#: the unlock password .ci/run gives gnome-keyring-daemon for its throwaway login keyring
PASSWORD_ENV = "OKTATOOL_TEST_KEYRING_PASSWORD"


@dataclass
class SecretService:
    """The session bus's default collection, with lock/unlock for the tests."""

    connection: Any
    collection: Any
    password: bytes

    def items(self, name: str) -> list[Any]:
        return list(self.collection.search_items({"service": SERVICE, "username": name}))

    def lock(self) -> None:
        self.collection.lock()
        assert self.collection.is_locked()

    def unlock(self) -> None:
        # gnome-keyring's own unlock call: the standard Unlock needs a prompt, which has no display here
        from secretstorage.util import DBusAddressWrapper, format_secret, open_session

        session = open_session(self.connection)
        internal = DBusAddressWrapper("/org/freedesktop/secrets",
                                      "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface", self.connection)
        internal.call("UnlockWithMasterPassword", "o(oayays)", self.collection.collection_path,
                      format_secret(session, self.password, "text/plain"))
        assert not self.collection.is_locked()


@pytest.fixture(scope="module")
def secret_service() -> Iterator[SecretService]:
    if os.environ.get(OPT_IN) != "1":
        pytest.skip(f"no throwaway Secret Service: set {OPT_IN}=1 inside dbus-run-session with gnome-keyring "
                    "(.ci/run does); these tests never touch a real user's keyring")
    import secretstorage
    from secretstorage.exceptions import SecretServiceNotAvailableException

    try:
        connection = secretstorage.dbus_init()
        collection = secretstorage.get_default_collection(connection)
    except (SecretServiceNotAvailableException, OSError) as exc:
        # asked for, so its absence is a broken set-up, not a reason to pass quietly
        pytest.fail(f"{OPT_IN}=1 but there is no Secret Service on the session bus: {exc}")
    service = SecretService(connection, collection, os.environ.get(PASSWORD_ENV, "pass").encode())
    if collection.is_locked():
        service.unlock()
    yield service
    if collection.is_locked():
        service.unlock()
    connection.close()


ON_LINUX = sys.platform.startswith("linux")

#: the lock tests lock the keyring from the test, which only gnome-keyring's Secret Service lets a test do
secret_service_only = pytest.mark.skipif(
    not ON_LINUX, reason="locking the keyring from a test needs the Secret Service: the Credential Manager has "
                         "no lock, and locking the login Keychain would wait for a password prompt")


def _os_backend() -> Any:
    """The keyring backend oktatool's store gets on this OS (keyring's own choice, named outright)."""
    if sys.platform == "win32":
        from keyring.backends.Windows import WinVaultKeyring

        return WinVaultKeyring()
    if sys.platform == "darwin":
        from keyring.backends.macOS import Keyring

        return Keyring()
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    return SecretServiceKeyring()


@pytest.fixture(scope="module")
def os_keyring(request: pytest.FixtureRequest) -> Any:
    if os.environ.get(OPT_IN) != "1":
        pytest.skip(f"no throwaway keyring: set {OPT_IN}=1 where the OS keyring may be written (.ci/run does, in "
                    "dbus-run-session with gnome-keyring; the release workflow on its runners)")
    if ON_LINUX:
        request.getfixturevalue("secret_service")
    backend = _os_backend()
    try:
        backend.priority  # noqa: B018 - keyring's check that the backend works on this system
    except Exception as exc:  # asked for, so a keyring that cannot be used is a broken set-up
        pytest.fail(f"{OPT_IN}=1 but {type(backend).__module__} cannot be used here: {exc}")
    return backend


@pytest.fixture
def store(os_keyring: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[KeyringStore]:
    secret_service = request.getfixturevalue("secret_service") if ON_LINUX else None
    made = KeyringStore(tmp_path, backend=os_keyring)
    yield made
    if secret_service is not None and secret_service.collection.is_locked():
        secret_service.unlock()
    for name in made.names():
        made.delete(name)


def _name() -> str:
    return f"test-{uuid.uuid4()}"


def _large(tag: str) -> str:
    # an RSA-4096 private JWK is about 3,200 characters; this is as large, and tagged so versions differ
    return tag + ("x" * 3300)


def test_a_small_secret_round_trips_through_the_os_keyring(os_keyring: Any, store: KeyringStore) -> None:
    name = _name()
    store.set(name, "small value")
    assert os_keyring.get_password(SERVICE, name) == "small value"
    assert store.get(name) == "small value"
    assert name in store.names()
    assert not store.sealed_dir.exists() or not any(store.sealed_dir.iterdir())
    store.set(name, "replaced")
    assert store.get(name) == "replaced"
    store.delete(name)
    assert store.get(name) is None
    assert os_keyring.get_password(SERVICE, name) is None


def test_a_value_over_the_limit_is_sealed_and_only_its_key_sits_in_the_keyring(
        os_keyring: Any, store: KeyringStore) -> None:
    name = _name()
    value = _large("v1")
    assert len(value.encode("utf-16-le")) > KEYRING_LIMIT
    store.set(name, value)
    entry = os_keyring.get_password(SERVICE, name)
    assert entry.startswith("oktatool-envelope:v2:")  # v2 names its sealed file: an update never overwrites the old one
    assert len(entry.encode("utf-16-le")) <= KEYRING_LIMIT
    sealed = list(store.sealed_dir.iterdir())
    assert len(sealed) == 1
    assert b"xxxxxxxx" not in sealed[0].read_bytes()
    assert store.get(name) == value
    store.delete(name)
    assert os_keyring.get_password(SERVICE, name) is None
    assert list(store.sealed_dir.iterdir()) == []


@secret_service_only
def test_a_locked_keyring_gives_one_clear_message_at_once(secret_service: SecretService,
                                                          store: KeyringStore) -> None:
    name = _name()
    store.set(name, "before the lock")
    secret_service.lock()
    started = time.monotonic()
    with pytest.raises(SecretStoreError) as read:
        store.get(name)
    with pytest.raises(SecretStoreError) as write:
        store.set(name, "while locked")
    assert time.monotonic() - started < 10  # refused, not a prompt waiting for a display
    for refused in (read.value, write.value):
        assert "keyring" in refused.description and "Locked" in refused.description
        assert "unlock" in (refused.hint or "")
    secret_service.unlock()
    assert store.get(name) == "before the lock"


@secret_service_only
def test_a_failed_small_update_keeps_the_previous_secret(secret_service: SecretService,
                                                         store: KeyringStore) -> None:
    name = _name()
    store.set(name, "previous")
    secret_service.lock()
    with pytest.raises(SecretStoreError):
        store.set(name, "next")
    secret_service.unlock()
    assert store.get(name) == "previous"


@secret_service_only
@pytest.mark.parametrize("next_value", [_large("v2"), "small next"], ids=["large-to-large", "large-to-small"])
def test_a_failed_envelope_update_keeps_the_previous_secret(secret_service: SecretService, store: KeyringStore,
                                                            next_value: str) -> None:
    name = _name()
    previous = _large("v1")
    store.set(name, previous)
    secret_service.lock()
    with pytest.raises(SecretStoreError):
        store.set(name, next_value)
    secret_service.unlock()
    assert store.get(name) == previous
