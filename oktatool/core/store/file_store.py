"""A passphrase-protected file as a secret store, for machines without a working OS keyring (keyring's
``fail``/``null`` backends, headless Linux): one AES-GCM file whose key is derived from the passphrase with
scrypt; a new passphrase is refused when it is short, common or a keyboard run."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets as _random
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from oktatool.core.errors import SecretStoreError, StoreLockedError
from oktatool.core.files import write_atomic
from oktatool.core.store.store_parts import b64, check_name, locked_file, unb64

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
            if not hmac.compare_digest(check, unb64(header["check"])):
                raise SecretStoreError("the passphrase of the encrypted secret store is wrong",
                                       hint="type it again (it is case-sensitive)", code="wrong_passphrase")
            values = _decrypt_values(key, nonce, ciphertext, header, self.path)
            self._key, self._header, self._values, self._nonce = key, header, values, nonce
            if header["kdf"]["n"] < NEW_FILE_SCRYPT_N <= self._scrypt_n:
                self._protect(passphrase, values)  # an older, cheaper file: rewritten at today's cost

    def _protect(self, passphrase: bytes, values: dict[str, str]) -> None:
        """Derive a new key (new salt, this store's scrypt cost) for ``values`` and write the file."""
        kdf: dict[str, Any] = {"name": "scrypt", "n": self._scrypt_n, "r": 8, "p": 1,
                               "salt": b64(_random.token_bytes(16))}
        header: dict[str, Any] = {"format": _FILE_FORMAT, "version": 1, "kdf": kdf}
        key, check = _derive(passphrase, kdf)
        header["check"] = b64(check)
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
            unb64(header["check"])  # checked here so a mangled check value is damage, not a crash in unlock
            return header, unb64(raw["nonce"]), unb64(raw["ciphertext"])
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
        document = {**self._header, "nonce": b64(nonce), "ciphertext": b64(ciphertext)}
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
        check_name(name)
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
        material = Scrypt(salt=unb64(kdf["salt"]), length=64, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(passphrase)
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
