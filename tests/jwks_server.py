"""A key set served at a URL on loopback, as an app's jwks_uri: a document set in the test, or a file on disk.

``jwks_server`` yields a ``PublishedSet``: ``url`` (plain http on 127.0.0.1, which the sandbox and the pre-flight
check take only for loopback), ``serve(document)`` to answer a JSON document (or raw bytes, or a status), and
``serve_file(path)`` to answer whatever the file holds at each request (the file oktatool writes to publish).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.loopback_http import QuietHandler, serve_on_loopback


class PublishedSet:
    """What the loopback server answers at ``url``; every request reads it afresh."""

    def __init__(self, base: str) -> None:
        self.url = f"{base}/.well-known/jwks.json"
        self.status = 200
        self.body = b'{"keys": []}'
        self.file: Path | None = None
        self.fetches = 0

    def serve(self, document: Any, *, status: int = 200) -> None:
        """Answer ``document`` (JSON-encoded unless it is bytes) with ``status``."""
        self.file = None
        self.status = status
        self.body = document if isinstance(document, bytes) else json.dumps(document).encode()

    def serve_file(self, path: Path) -> None:
        """Answer what ``path`` holds at each request (404 while it does not exist)."""
        self.file, self.status = path, 200

    def answer(self) -> tuple[int, bytes]:
        self.fetches += 1
        if self.file is not None:
            return (200, self.file.read_bytes()) if self.file.exists() else (404, b"not found")
        return self.status, self.body


@pytest.fixture
def jwks_server() -> Iterator[PublishedSet]:
    """Serve a key set on loopback for the test's life."""
    holder: list[PublishedSet] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            status, body = holder[0].answer()
            self.send_body(status, body)

    with serve_on_loopback(Handler) as base:
        holder.append(PublishedSet(base))
        yield holder[0]
