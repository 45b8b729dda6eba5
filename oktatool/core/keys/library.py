"""The key library: named keys kept in the secret store, listed by their public facts only.

The key material (a JWK) lives in the secret store under ``key:<name>``; a plain JSON index in the data
folder holds each entry's public facts (type, kid, thumbprint) so the library can be listed without
unlocking anything. Profiles refer to a library key by name (``Profile.key_ref``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.core.encoding import dumps_pretty
from oktatool.core.errors import BadInputError, SecretStoreError
from oktatool.core.files import write_atomic
from oktatool.core.store.store_parts import locked_file

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.store.secrets import SecretStore

#: prefix of library entries in the secret store
ENTRY_PREFIX = "key:"
MAX_NAME = 100


@dataclass(frozen=True)
class LibraryEntry:
    """The public facts of one library key (``thumbprint`` is empty for a symmetric key)."""

    name: str
    shape: str
    kid: str | None
    thumbprint: str
    alg: str | None
    use: str | None
    private: bool
    added: str

    @classmethod
    def of(cls, name: str, key: Key, *, added: datetime | None = None) -> LibraryEntry:
        """Return the entry describing ``key`` stored as ``name``."""
        when = (added or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        # an oct key's thumbprint is an unsalted SHA-256 of its secret: in this plain file it would let anyone
        # test guesses of a weak HMAC secret offline, so the index keeps it only for asymmetric keys
        thumbprint = "" if key.is_symmetric else key.thumbprint()
        return cls(name=name, shape=key.describe(), kid=key.kid, thumbprint=thumbprint, alg=key.alg,
                   use=key.use, private=key.is_private, added=when)


def check_name(name: str) -> str:
    """Return ``name`` stripped, or raise BadInputError saying what a library name may be."""
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        raise BadInputError("give the key a name", hint="e.g. okta-service-app-2026")
    if len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise BadInputError(f"a key name is at most {MAX_NAME} printable characters")
    return clean


def read_entries(index_path: Path) -> list[LibraryEntry]:
    """Return the entries of the library index at ``index_path``, sorted by name (unreadable: none)."""
    try:
        raw = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = []
    for item in raw if isinstance(raw, list) else []:
        try:
            entry = LibraryEntry(**{k: item[k] for k in LibraryEntry.__dataclass_fields__})
        except (KeyError, TypeError):
            continue
        if _well_typed(entry):
            entries.append(entry)
    return sorted(entries, key=lambda e: e.name.casefold())


def _well_typed(entry: LibraryEntry) -> bool:
    """Say whether an entry read from the (hand-editable) index has the types the dataclass promises."""
    texts = (entry.name, entry.shape, entry.thumbprint, entry.added)
    optional = (entry.kid, entry.alg, entry.use)
    return (all(isinstance(v, str) for v in texts) and all(v is None or isinstance(v, str) for v in optional)
            and isinstance(entry.private, bool))


class KeyLibrary:
    """Save, list, load, rename and delete named keys (the index is changed under an inter-process lock)."""

    def __init__(self, store: SecretStore, index_path: Path) -> None:
        self.store = store
        self.index_path = index_path
        self._lock = threading.Lock()

    def entries(self) -> list[LibraryEntry]:
        """Return the library's entries (public facts), sorted by name; never touches the secret store."""
        return read_entries(self.index_path)

    def names(self) -> list[str]:
        """Return the names of the library's keys."""
        return [e.name for e in self.entries()]

    def _write(self, entries: list[LibraryEntry]) -> None:
        data = json.dumps([asdict(e) for e in entries], indent=1, ensure_ascii=False).encode("utf-8")
        try:
            write_atomic(self.index_path, data, mode=0o600)
        except OSError as exc:
            raise SecretStoreError(f"cannot write the key library index {self.index_path}: {exc.strerror}") \
                from None

    def save(self, name: str, key: Key, *, overwrite: bool = False) -> LibraryEntry:
        """Store ``key`` under ``name`` (refused when the name is taken, unless ``overwrite``)."""
        clean = check_name(name)
        with self._lock, locked_file(self.index_path, "the key library index"):
            entries = self.entries()
            if not overwrite and any(e.name == clean for e in entries):
                raise BadInputError(f"a key called {clean!r} is already in the library",
                                    hint="choose another name, or delete the old key first")
            # the key as it is (jwk-public would add the use and alg Okta wants)
            self.store.set(ENTRY_PREFIX + clean, dumps_pretty(key.to_dict(private=key.is_private or key.is_symmetric)))
            entry = LibraryEntry.of(clean, key)
            self._write([e for e in entries if e.name != clean] + [entry])
        return entry

    def load(self, name: str) -> Key:
        """Return the key stored as ``name``."""
        from oktatool.core.keys.key import load_key

        stored = self.store.get(ENTRY_PREFIX + name)
        if stored is None:
            raise SecretStoreError(f"the key {name!r} is not in the secret store",
                                   hint="it may have been deleted outside oktatool; import it again")
        # every key came in through load_key or generate_key, its RSA numbers validated then
        return load_key(stored, validated=True)

    def rename(self, old: str, new: str) -> LibraryEntry:
        """Give the key ``old`` the name ``new``."""
        clean = check_name(new)
        with self._lock, locked_file(self.index_path, "the key library index"):
            entries = self.entries()
            found = [e for e in entries if e.name == old]
            if not found:
                raise BadInputError(f"there is no key called {old!r} in the library")
            if clean == old:
                return found[0]
            if any(e.name == clean for e in entries):
                raise BadInputError(f"a key called {clean!r} is already in the library", hint="choose another name")
            value = self.store.get(ENTRY_PREFIX + old)
            if value is None:
                raise SecretStoreError(f"the key {old!r} is not in the secret store")
            self.store.set(ENTRY_PREFIX + clean, value)
            self.store.delete(ENTRY_PREFIX + old)
            renamed = LibraryEntry(**{**asdict(found[0]), "name": clean})
            self._write([e for e in entries if e.name != old] + [renamed])
        return renamed

    def delete(self, name: str) -> None:
        """Remove the key ``name`` from the store and the index."""
        with self._lock, locked_file(self.index_path, "the key library index"):
            self.store.delete(ENTRY_PREFIX + name)
            self._write([e for e in self.entries() if e.name != name])
