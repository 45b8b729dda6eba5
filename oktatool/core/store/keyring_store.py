"""The OS keyring as a secret store: short values in the keyring itself, larger ones (an RSA-4096 private JWK
exceeds Windows Credential Manager's 2,560-byte limit) as AES-GCM files in the data folder whose 256-bit keys sit
in the keyring (envelope encryption). The keyring API cannot list names, so their index is a plain JSON file."""

from __future__ import annotations

import hashlib
import json
import re
import secrets as _random
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

from oktatool.core.errors import SecretStoreError
from oktatool.core.files import write_atomic
from oktatool.core.store.store_parts import b64, check_name, locked_file, unb64

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
            key = unb64(encoded)
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
        check_name(name)
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
                                   f"{_ENVELOPE_V2}{file_id}:{b64(key)}")
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
