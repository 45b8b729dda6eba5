"""What the secret stores share: a secret's name checked, base64 for what they write, and the lock on their files."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from oktatool.core.errors import SecretStoreError
from oktatool.core.files import exclusive_lock


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise SecretStoreError("a secret's name must be 1-200 printable characters",
                               hint="choose a shorter name without control characters")
    return name


@contextmanager
def locked_file(path: Path, what: str) -> Iterator[None]:
    """Hold ``NAME.lock`` beside ``path`` against other processes (the window and a command) while it is read
    and written; raise SecretStoreError when the lock cannot be taken."""
    try:
        with exclusive_lock(path.with_name(path.name + ".lock")):
            yield
    except OSError as exc:
        raise SecretStoreError(f"cannot lock {what} {path}: {exc.strerror or exc}") from None
