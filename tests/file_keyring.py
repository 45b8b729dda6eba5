"""A keyring backend for CLI subprocess tests: secrets in a JSON file under OKTATOOL_HOME.

No OS keyring runs here, and each CLI run is a new process, so a saved profile's key must outlive it.
Select it with ``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyringForTests`` (tests only).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyringForTests(KeyringBackend):
    """Passwords in $OKTATOOL_HOME/test-keyring.json."""

    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["OKTATOOL_HOME"]) / "test-keyring.json"

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text()))
        except (OSError, ValueError):
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}\0{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(f"{service}\0{username}", None)
        self._path.write_text(json.dumps(data))
