"""The keyring every test (and every subprocess a test starts) uses instead of the user's OS keyring.

``tests/conftest.py`` selects it with ``PYTHON_KEYRING_BACKEND`` and points ``OKTATOOL_TEST_KEYRING`` at a
JSON file in the test's own home, so a test can see exactly what was stored and deleted, and nothing reaches
the real Secret Service, Keychain or Credential Manager.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend

PATH_ENV = "OKTATOOL_TEST_KEYRING"


class IsolatedTestKeyring(KeyringBackend):
    """Entries in a JSON file named by ``OKTATOOL_TEST_KEYRING``, with a log of every change."""

    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[PATH_ENV])

    def _read(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data.setdefault("entries", {})
        data.setdefault("log", [])
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        value = self._read()["entries"].get(f"{service}/{username}")
        return value if isinstance(value, str) else None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data["entries"][f"{service}/{username}"] = password
        data["log"].append(["set", service, username])
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data["entries"].pop(f"{service}/{username}", None)
        data["log"].append(["delete", service, username])
        self._write(data)


def log(path: Path) -> list[list[str]]:
    """Return the changes the isolated keyring at ``path`` saw."""
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["log"])
    except (OSError, ValueError, KeyError):
        return []
