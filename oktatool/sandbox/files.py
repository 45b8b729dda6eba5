"""Writing the sandbox's files: secrets get mode 0600 from the moment they exist."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Write secret bytes to a file readable only by its owner (replacing any older file)."""
    path.unlink(missing_ok=True)  # O_CREAT keeps an existing file's mode; a new file gets 0600
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
