"""The sandbox folder: a usable key survives restarts, anything else is replaced with a new key."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from oktatool.sandbox import Sandbox, SandboxOptions
from oktatool.sandbox.server import KEY_PEM_FILE


def _kid_after_start(folder: Path) -> str:
    server = Sandbox.keeping_key(SandboxOptions(users=1), folder)
    try:
        return server.start().kid
    finally:
        server.stop()


def test_a_usable_key_is_kept(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    (tmp_path / KEY_PEM_FILE).write_bytes(sandbox_service_key_pem)
    first = _kid_after_start(tmp_path)
    assert _kid_after_start(tmp_path) == first
    assert (tmp_path / KEY_PEM_FILE).read_bytes() == sandbox_service_key_pem


EC_PEM = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.parametrize("content", [b"garbage", b"", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                     EC_PEM], ids=["garbage", "empty", "broken PEM", "EC key"])
def test_an_unusable_key_file_is_replaced(tmp_path: Path, content: bytes) -> None:
    (tmp_path / KEY_PEM_FILE).write_bytes(content)
    _kid_after_start(tmp_path)
    replaced = tmp_path / KEY_PEM_FILE
    assert replaced.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\nMII")
    assert replaced.stat().st_mode & 0o777 == 0o600
