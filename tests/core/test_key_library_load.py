"""A key loaded back from the key library is not validated again: cryptography's RSA checks (primes, CRT values)
hold the GIL, and so the window, for a tenth of a second on each first load, and every library key passed them
when it came in (load_key or generate_key). A key from anywhere else is still checked (real keys, no mocks)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from oktatool.core.errors import KeyMaterialError
from oktatool.core.keys.key import KeySpec, generate_key, load_key
from oktatool.core.keys.library import ENTRY_PREFIX, KeyLibrary
from oktatool.core.store.secrets import MemoryStore


def _b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def test_a_library_key_is_not_validated_again_and_any_other_key_is(tmp_path: Path) -> None:
    store = MemoryStore()
    library = KeyLibrary(store, tmp_path / "key-library.json")
    key = generate_key(KeySpec("RSA", size=2048, kid="svc"))
    library.save("svc", key)
    assert library.load("svc") == key
    stored = json.loads(store.get(ENTRY_PREFIX + "svc") or "")
    # numbers that do not form an RSA key: only cryptography's validation sees it (dp is not d mod p-1)
    stored["dp"] = _b64(int.from_bytes(base64.urlsafe_b64decode(stored["dp"] + "=="), "big") ^ 2)
    text = json.dumps(stored)
    with pytest.raises(KeyMaterialError, match="do not form a valid RSA key"):
        load_key(text)  # an imported key is validated
    store.set(ENTRY_PREFIX + "svc", text)
    loaded = library.load("svc")  # the library's own key is taken as it was validated when saved
    assert loaded.to_dict() == key.to_dict()  # the public members
