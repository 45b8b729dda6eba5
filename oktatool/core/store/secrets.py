"""Where private keys and tokens live: the OS keyring, or a passphrase-protected file; never plaintext.

``KeyringStore`` keeps short values in the OS keyring and larger ones (an RSA-4096 private JWK exceeds
Windows Credential Manager's 2,560-byte limit) as AES-GCM files in the data folder whose 256-bit keys sit
in the keyring (envelope encryption). ``EncryptedFileStore`` is for machines without a working keyring
(keyring's ``fail``/``null`` backends, headless Linux): one AES-GCM file whose key is derived from a
passphrase with scrypt. ``MemoryStore`` is for tests. Names are not secret; the index of names is a
plain JSON file so the library can be listed without unlocking anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets as _random
import threading
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from oktatool.core.errors import SecretStoreError, StoreLockedError
from oktatool.core.files import exclusive_lock, write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterator

    from oktatool.core.store.paths import AppPaths

#: service name under which oktatool's entries appear in the OS keyring
SERVICE = "oktatool"
#: Windows Credential Manager's limit for one credential blob, in bytes (values are stored as UTF-16)
KEYRING_LIMIT = 2560
#: a keyring entry naming a sealed file: v1 ``prefix + key`` (file named for the secret), v2 ``prefix + id:key``
_ENVELOPE_V1 = "oktatool-envelope:v1:"
_ENVELOPE_V2 = "oktatool-envelope:v2:"
_ENVELOPE_PREFIXES = (_ENVELOPE_V1, _ENVELOPE_V2)
_FILE_ID_RE = re.compile(r"[0-9a-f]{16}")
_SEALED_MAGIC = b"OKTS1"
_FILE_FORMAT = "oktatool-secrets"
#: scrypt work factors a store file may name: 2**10 (tests) to 2**20 (1 GiB with r=8); more is refused as damage
SCRYPT_N_CHOICES = frozenset(2**e for e in range(10, 21))
#: scrypt cost of new store files: N=2**17, r=8, p=1 (128 MiB, about half a second); older files used 2**15
#: and are read as they are, then rewritten at this cost once unlocked
NEW_FILE_SCRYPT_N = 2**17
#: the shortest passphrase a new store file accepts
MIN_PASSPHRASE_CHARS = 10
_COMMON_PASSPHRASES = frozenset({
    "password", "password1", "password12", "password123", "passw0rd", "qwertyuiop", "qwertyuiop1", "1q2w3e4r5t",
    "iloveyou", "letmein", "letmeinnow", "welcome", "welcome123", "administrator", "changeme", "changeme123",
    "trustno1", "oktatool", "oktatool123", "secret", "secretpassword", "mypassword", "passphrase", "okta",
    "okta123456", "abc123456789", "asdfghjkl", "asdfghjkl1", "zxcvbnm123",
})
#: keyboard and counting runs: a passphrase that is a stretch of one (either way) is refused
_RUNS = ("0123456789" * 4, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm" * 2)
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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise SecretStoreError("a secret's name must be 1-200 printable characters",
                               hint="choose a shorter name without control characters")
    return name


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
        self._values[_check_name(name)] = value

    def delete(self, name: str) -> None:
        """Remove ``name``."""
        self._values.pop(name, None)

    def names(self) -> list[str]:
        """Return the stored names, sorted."""
        return sorted(self._values)


@contextmanager
def locked_file(path: Path, what: str) -> Iterator[None]:
    """Hold ``NAME.lock`` beside ``path`` against other processes (the window and a command) while it is read
    and written; raise SecretStoreError when the lock cannot be taken."""
    try:
        with exclusive_lock(path.with_name(path.name + ".lock")):
            yield
    except OSError as exc:
        raise SecretStoreError(f"cannot lock {what} {path}: {exc.strerror or exc}") from None


class _NameIndex:
    """The names a keyring store holds (the keyring API cannot list them): a JSON list in the data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def read(self) -> list[str]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return sorted({n for n in raw if isinstance(n, str)}) if isinstance(raw, list) else []

    def change(self, name: str, *, present: bool) -> None:
        with self._lock, locked_file(self.path, "the list of stored secrets"):
            names = set(self.read())
            names.add(name) if present else names.discard(name)
            try:
                write_atomic(self.path, json.dumps(sorted(names), indent=1).encode("utf-8"), mode=0o600)
            except OSError as exc:
                raise SecretStoreError(f"cannot update the list of stored secrets {self.path}: {exc.strerror}") \
                    from None


def keyring_problem(backend: Any) -> str | None:
    """Return why ``backend`` cannot keep secrets (fail/null/empty chainer/plaintext), or None if it can."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return "no OS keyring is available (no Secret Service on the D-Bus session bus)"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend)"
    if isinstance(backend, chainer.ChainerBackend):
        # the chainer writes to its first backend that works: any plaintext one in it may get the secrets
        usable = [b for b in backend.backends if not isinstance(b, (fail.Keyring, null.Keyring))]
        if not usable:
            return "no OS keyring is available"
        return next((problem for problem in map(keyring_problem, usable) if problem), None)
    kind = f"{type(backend).__module__}.{type(backend).__name__}"
    if "plaintext" in kind.lower() or kind.startswith("keyrings.alt.file"):
        return f"the keyring backend {kind} stores secrets in plain text"
    return None


class KeyringStore:
    """Secrets in the OS keyring; values too large for it are sealed in files whose keys the keyring holds."""

    short_name = "OS keyring"
    locked = False

    def __init__(self, data_dir: Path, backend: Any | None = None, *, sealed_dir: Path | None = None,
                 old_sealed_dirs: tuple[Path, ...] = ()) -> None:
        """Keep the list of names in ``data_dir`` and sealed files in ``sealed_dir`` (default ``data_dir/sealed``);
        a sealed file found only in one of ``old_sealed_dirs`` (where an older version kept it) is moved over."""
        import keyring

        self.backend = backend if backend is not None else keyring.get_keyring()
        problem = keyring_problem(self.backend)
        if problem:
            raise SecretStoreError(problem, hint="install and unlock a keyring, or use the encrypted file store")
        self.sealed_dir = sealed_dir if sealed_dir is not None else data_dir / "sealed"
        self.old_sealed_dirs = tuple(d for d in old_sealed_dirs if d != self.sealed_dir)
        self._index = _NameIndex(data_dir / "secret-names.json")

    @property
    def description(self) -> str:
        """Return which keyring backend holds the secrets."""
        backend = type(self.backend)
        name = getattr(backend, "name", None) or f"{backend.__module__}.{backend.__name__}"
        return f"OS keyring ({name}); large values sealed with AES-256-GCM in {self.sealed_dir}"

    def _sealed_path(self, name: str, file_id: str = "") -> Path:
        stem = hashlib.sha256(name.encode("utf-8")).hexdigest()
        return self.sealed_dir / (f"{stem}.{file_id}.sealed" if file_id else f"{stem}.sealed")

    def _keyring_call(self, what: str, fn: Any, *args: Any) -> Any:
        from keyring.errors import KeyringError

        try:
            return fn(SERVICE, *args)
        except KeyringError as exc:
            raise SecretStoreError(f"the OS keyring could not {what} ({type(exc).__name__})",
                                   hint="unlock the keyring and try again") from None

    def _envelope(self, name: str, stored: str) -> tuple[Path, bytes]:
        """Return the sealed file and key an envelope entry names (v1: one file per name; v2: a file per value)."""
        path, encoded = self._sealed_path(name), stored[len(_ENVELOPE_V1):]
        if stored.startswith(_ENVELOPE_V2):
            file_id, _, encoded = stored[len(_ENVELOPE_V2):].partition(":")
            path = self._sealed_path(name, file_id) if _FILE_ID_RE.fullmatch(file_id) else Path()
        try:
            key = _unb64(encoded)
        except ValueError:
            key = b""
        if len(key) != 32 or path == Path():
            raise SecretStoreError(f"the keyring entry for {name!r} is damaged (its sealing key is unusable)",
                                   hint="delete the entry and store it again", code="store_damaged")
        return path, key

    def _sealed_file_of(self, name: str, stored: str | None) -> Path | None:
        """Return the sealed file that ``stored``, the keyring entry of ``name``, points at, or None."""
        if stored is None or not stored.startswith(_ENVELOPE_PREFIXES):
            return None
        try:
            return self._envelope(name, stored)[0]
        except SecretStoreError:
            return None

    def get(self, name: str) -> str | None:
        """Return the secret ``name`` (opening its sealed file when it has one), or None."""
        stored = self._keyring_call("read a secret", self.backend.get_password, name)
        if stored is None or not stored.startswith(_ENVELOPE_PREFIXES):
            return stored  # type: ignore[no-any-return]
        path, key = self._envelope(name, stored)
        try:
            blob = self._migrated(path).read_bytes()
        except OSError:
            raise SecretStoreError(
                f"the sealed file for {name!r} is missing: {path}. The value is larger than the OS keyring takes, "
                "so the keyring holds only the key of a file sealed on the computer where it was stored; the "
                "keyring entry is here (a roaming profile or a copied keyring) but the file is not, or it was "
                "deleted",
                hint=f"copy the folder {self.sealed_dir} over from that computer, or delete the entry and store "
                     "the secret again") from None
        return _open_sealed(blob, key, name)

    def _migrated(self, path: Path) -> Path:
        """Return ``path``; a sealed file only in an old folder is moved there first (read in place if it can't be)."""
        if path.exists():
            return path
        for folder in self.old_sealed_dirs:
            old = folder / path.name
            if old.exists():
                try:
                    write_atomic(path, old.read_bytes(), mode=0o600)
                except OSError:
                    return old
                with suppress(OSError):
                    old.unlink()
                return path
        return path

    def set(self, name: str, value: str) -> None:
        """Store ``value``: in the keyring when it fits, else sealed in a file with its key in the keyring.

        A large value goes to a new sealed file first; the keyring entry then switches to it, and only
        then is the previous file removed, so a failure at any step leaves the previous secret readable.
        """
        _check_name(name)
        stored = self._keyring_call("read a secret", self.backend.get_password, name)
        previous = self._sealed_file_of(name, stored)
        path: Path | None = None
        if len(value.encode("utf-16-le")) <= KEYRING_LIMIT:
            self._keyring_call("store a secret", self.backend.set_password, name, value)
        else:
            key, file_id = _random.token_bytes(32), _random.token_hex(8)
            path = self._sealed_path(name, file_id)
            try:
                write_atomic(path, _seal(value, key, name), mode=0o600)
            except OSError as exc:
                raise SecretStoreError(f"cannot write the sealed file {path}: {exc.strerror}") from None
            try:
                self._keyring_call("store a secret", self.backend.set_password, name,
                                   f"{_ENVELOPE_V2}{file_id}:{_b64(key)}")
            except BaseException:
                path.unlink(missing_ok=True)  # the entry still names the previous file, which is untouched
                raise
        try:
            self._index.change(name, present=True)
        except BaseException:
            self._restore(name, stored, path)  # the previous secret stays whole, its file untouched
            raise
        if previous is not None:
            for folder in (self.sealed_dir, *self.old_sealed_dirs):
                with suppress(OSError):  # held open by a scanner (Windows): a stray sealed file, nothing lost
                    (folder / previous.name).unlink(missing_ok=True)

    def _restore(self, name: str, stored: str | None, new_file: Path | None) -> None:
        """Put the keyring entry of ``name`` back as it was (``stored``) and remove ``new_file``: a set undone."""
        with suppress(Exception):
            if stored is None:
                self.backend.delete_password(SERVICE, name)
            else:
                self.backend.set_password(SERVICE, name, stored)
        if new_file is not None:
            with suppress(OSError):
                new_file.unlink(missing_ok=True)

    def delete(self, name: str) -> None:
        """Remove ``name`` from the keyring and its sealed file."""
        previous = self._sealed_file_of(name, self._keyring_call("read a secret", self.backend.get_password, name))
        try:
            self._keyring_call("delete a secret", self.backend.delete_password, name)
        except SecretStoreError:
            # keyring raises PasswordDeleteError for a missing entry; only a surviving entry is a failure
            if self.backend.get_password(SERVICE, name) is not None:
                raise
        for folder in (self.sealed_dir, *self.old_sealed_dirs):
            for sealed in (previous, self._sealed_path(name)):
                if sealed is not None:
                    with suppress(OSError):  # the entry is gone: a file held open (Windows) is only a stray
                        (folder / sealed.name).unlink(missing_ok=True)
        self._index.change(name, present=False)

    def names(self) -> list[str]:
        """Return the stored names, sorted."""
        return self._index.read()


def _seal(value: str, key: bytes, name: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = _random.token_bytes(12)
    return _SEALED_MAGIC + nonce + AESGCM(key).encrypt(nonce, value.encode("utf-8"), name.encode("utf-8"))


def _open_sealed(blob: bytes, key: bytes, name: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(_SEALED_MAGIC) or len(blob) < len(_SEALED_MAGIC) + 12 + 16:
        raise SecretStoreError(f"the sealed file for {name!r} is not an oktatool sealed file",
                               code="store_damaged")
    nonce = blob[len(_SEALED_MAGIC):len(_SEALED_MAGIC) + 12]
    try:
        plain = AESGCM(key).decrypt(nonce, blob[len(_SEALED_MAGIC) + 12:], name.encode("utf-8"))
    except InvalidTag:
        raise SecretStoreError(f"the sealed file for {name!r} was changed or damaged; it cannot be opened",
                               hint="delete the entry and store it again", code="store_damaged") from None
    return plain.decode("utf-8")


class EncryptedFileStore:
    """All secrets in one AES-256-GCM file, its key derived from a passphrase with scrypt.

    The file holds the scrypt parameters and salt, a check value (so a wrong passphrase and a damaged file
    give different errors), a nonce and the ciphertext; the header is authenticated as associated data.
    The window and a command may have the file open at once: every read and write holds an exclusive lock
    on ``NAME.lock`` beside it and first takes what another process wrote (each write has a new nonce), so
    a key one saves is never written away by the other.
    """

    short_name = "encrypted file"

    def __init__(self, path: Path, *, scrypt_n: int = NEW_FILE_SCRYPT_N) -> None:
        self.path = path
        self._scrypt_n = scrypt_n
        self._key: bytes | None = None
        self._header: dict[str, Any] | None = None
        self._values: dict[str, str] = {}
        #: the nonce of the file version ``_values`` came from (or went to)
        self._nonce: bytes | None = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        """Return where the file is and its state."""
        state = "locked" if self.locked else "unlocked"
        return f"passphrase-protected file (scrypt + AES-256-GCM) at {self.path}, {state}"

    @property
    def locked(self) -> bool:
        """Return True until ``unlock`` got the right passphrase."""
        return self._key is None

    @property
    def exists(self) -> bool:
        """Return True when the file exists (the user enters its passphrase rather than choosing one)."""
        return self.path.exists()

    def unlock(self, passphrase: bytes) -> None:
        """Open the file with ``passphrase``, or start a new one protected by it when there is no file yet."""
        if not passphrase:
            raise SecretStoreError("the passphrase is empty", hint="type the store's passphrase",
                                   code="wrong_passphrase")
        with self._lock, self._shared():
            if not self.path.exists():
                problem = passphrase_problem(passphrase.decode("utf-8", "replace"))
                if problem:
                    raise SecretStoreError(f"{problem}: too easy to guess for a file that holds private keys",
                                           hint="choose a longer passphrase, e.g. four or more unrelated words",
                                           code="weak_passphrase")
                self._protect(passphrase, {})
                return
            header, nonce, ciphertext = self._read_file()
            key, check = _derive(passphrase, header["kdf"])
            if not hmac.compare_digest(check, _unb64(header["check"])):
                raise SecretStoreError("the passphrase of the encrypted secret store is wrong",
                                       hint="type it again (it is case-sensitive)", code="wrong_passphrase")
            values = _decrypt_values(key, nonce, ciphertext, header, self.path)
            self._key, self._header, self._values, self._nonce = key, header, values, nonce
            if header["kdf"]["n"] < NEW_FILE_SCRYPT_N <= self._scrypt_n:
                self._protect(passphrase, values)  # an older, cheaper file: rewritten at today's cost

    def _protect(self, passphrase: bytes, values: dict[str, str]) -> None:
        """Derive a new key (new salt, this store's scrypt cost) for ``values`` and write the file."""
        kdf: dict[str, Any] = {"name": "scrypt", "n": self._scrypt_n, "r": 8, "p": 1,
                               "salt": _b64(_random.token_bytes(16))}
        header: dict[str, Any] = {"format": _FILE_FORMAT, "version": 1, "kdf": kdf}
        key, check = _derive(passphrase, kdf)
        header["check"] = _b64(check)
        self._key, self._header, self._values = key, header, values
        self._write()

    def lock(self) -> None:
        """Forget the key and the decrypted values."""
        with self._lock:
            self._key, self._header, self._values, self._nonce = None, None, {}, None

    def _shared(self) -> AbstractContextManager[None]:
        return locked_file(self.path, "the encrypted secret store")

    def _catch_up(self) -> None:
        """Take the values another process wrote since this one read or wrote the file (hold both locks)."""
        key = self._require_key()
        if not self.path.exists():
            return  # moved away: the next write puts this store's values back
        header, nonce, ciphertext = self._read_file()
        if nonce == self._nonce:
            return
        if header != self._header:  # a new passphrase or salt: this key cannot open it
            self._key, self._header, self._values, self._nonce = None, None, {}, None
            raise StoreLockedError("the encrypted secret store was changed by another oktatool with a new "
                                   "passphrase", hint="enter its passphrase again")
        self._values, self._nonce = _decrypt_values(key, nonce, ciphertext, header, self.path), nonce

    def _read_file(self) -> tuple[dict[str, Any], bytes, bytes]:
        damaged = SecretStoreError(f"the encrypted secret store {self.path} is damaged and cannot be read",
                                   hint="restore it from a backup, or move it away to start a new one",
                                   code="store_damaged")
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            header = {k: raw[k] for k in ("format", "version", "kdf", "check")}
            if header["format"] != _FILE_FORMAT or header["version"] != 1:
                raise damaged
            kdf = header["kdf"]
            if not (isinstance(kdf, dict) and kdf.get("name") == "scrypt" and _usable_scrypt(kdf)):
                raise damaged
            _unb64(header["check"])  # checked here so a mangled check value is damage, not a crash in unlock
            return header, _unb64(raw["nonce"]), _unb64(raw["ciphertext"])
        except OSError as exc:
            raise SecretStoreError(f"cannot read the encrypted secret store {self.path}: {exc.strerror}") \
                from None
        except (ValueError, KeyError, TypeError):
            raise damaged from None

    def _require_key(self) -> bytes:
        if self._key is None:
            raise StoreLockedError("the encrypted secret store is locked", hint="enter its passphrase first")
        return self._key

    def _write(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = self._require_key()
        assert self._header is not None
        nonce = _random.token_bytes(12)
        plain = json.dumps(self._values, sort_keys=True).encode("utf-8")
        ciphertext = AESGCM(key).encrypt(nonce, plain, _aad(self._header))
        document = {**self._header, "nonce": _b64(nonce), "ciphertext": _b64(ciphertext)}
        try:
            write_atomic(self.path, json.dumps(document, indent=1).encode("utf-8"), mode=0o600)
        except OSError as exc:
            raise SecretStoreError(f"cannot write the encrypted secret store {self.path}: {exc.strerror}") \
                from None
        self._nonce = nonce

    def get(self, name: str) -> str | None:
        """Return the secret ``name``, or None."""
        with self._lock, self._shared():
            self._catch_up()
            return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name`` and rewrite the file."""
        _check_name(name)
        with self._lock, self._shared():
            self._catch_up()
            self._values[name] = value
            self._write()

    def delete(self, name: str) -> None:
        """Remove ``name`` and rewrite the file."""
        with self._lock, self._shared():
            self._catch_up()
            if self._values.pop(name, None) is not None:
                self._write()

    def names(self) -> list[str]:
        """Return the stored names, sorted."""
        with self._lock, self._shared():
            self._catch_up()
            return sorted(self._values)


def passphrase_problem(passphrase: str) -> str | None:
    """Return why ``passphrase`` is too weak to protect a new store file, or None when it will do."""
    if not passphrase:
        return "the passphrase is empty"
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        count = f"{len(passphrase)} character" + ("s" if len(passphrase) > 1 else "")
        return f"the passphrase has only {count}; use at least {MIN_PASSPHRASE_CHARS}"
    folded = passphrase.lower()
    if len(set(folded)) < 4:
        return "the passphrase repeats too few different characters"
    if folded in _COMMON_PASSPHRASES or folded.rstrip("0123456789!") in _COMMON_PASSPHRASES:
        return "the passphrase is one of the most common passwords"
    if any(folded in run or folded in run[::-1] for run in _RUNS):
        return "the passphrase is a simple run of keys or digits"
    return None


def _usable_scrypt(kdf: dict[str, Any]) -> bool:
    """Say whether the file's scrypt cost is one oktatool could have written (a tampered one could ask for a TiB)."""
    n, r, p = (kdf.get(k) for k in ("n", "r", "p"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
        return False
    return n in SCRYPT_N_CHOICES and 1 <= r <= 16 and 1 <= p <= 4  # type: ignore[operator]


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _derive(passphrase: bytes, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    try:
        material = Scrypt(salt=_unb64(kdf["salt"]), length=64, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(passphrase)
    except (ValueError, KeyError, TypeError):
        raise SecretStoreError("the encrypted secret store has unusable key-derivation settings",
                               hint="restore it from a backup", code="store_damaged") from None
    return material[:32], hashlib.sha256(b"oktatool-check" + material[32:]).digest()


def _decrypt_values(key: bytes, nonce: bytes, ciphertext: bytes, header: dict[str, Any], path: Path) -> dict[str, str]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        values = json.loads(AESGCM(key).decrypt(nonce, ciphertext, _aad(header)))
    except (InvalidTag, ValueError):
        raise SecretStoreError(f"the encrypted secret store {path} was changed or damaged; it cannot be opened",
                               hint="restore it from a backup", code="store_damaged") from None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise SecretStoreError(f"the encrypted secret store {path} holds unexpected data", code="store_damaged")
    return values


def open_secret_store(paths: AppPaths, choice: str = "auto") -> SecretStore:
    """Return the store to use: the OS keyring when it works (``auto``/``keyring``), else the encrypted file."""
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
