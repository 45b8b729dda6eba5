"""The sandbox folder: a usable key survives restarts, anything else is replaced with a new key."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from oktatool.core.errors import SandboxError
from oktatool.sandbox import Sandbox, SandboxOptions
from oktatool.sandbox.server import KEY_JWK_FILE, KEY_PEM_FILE
from oktatool.sandbox.tls import CA_FILE, SERVER_CERT_FILE
from tests.platforms import assert_mode, posix_modes


def _kid_after_start(folder: Path) -> str:
    server = Sandbox.keeping_key(SandboxOptions(users=1), folder)
    try:
        return server.start().kid
    finally:
        server.stop()


def test_a_usable_key_is_kept(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    (tmp_path / KEY_PEM_FILE).write_bytes(sandbox_service_key_pem)
    (tmp_path / KEY_PEM_FILE).chmod(0o600)
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
    assert_mode(replaced, 0o600)


@posix_modes
def test_a_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    server = Sandbox.keeping_key(SandboxOptions(users=1), tmp_path)
    with pytest.raises(SandboxError, match="others can write to it") as refused:
        server.start()
    assert refused.value.hint and "--dir" in refused.value.hint
    assert not (tmp_path / KEY_PEM_FILE).exists()


@posix_modes
@pytest.mark.parametrize("mode", [0o644, 0o660, 0o606])
def test_a_key_others_can_read_or_write_is_not_reused(tmp_path: Path, sandbox_service_key_pem: bytes,
                                                        mode: int) -> None:
    planted = tmp_path / KEY_PEM_FILE
    planted.write_bytes(sandbox_service_key_pem)
    planted.chmod(mode)
    _kid_after_start(tmp_path)
    assert planted.read_bytes() != sandbox_service_key_pem
    assert_mode(planted, 0o600)


def test_symlinks_in_the_folder_are_replaced_not_followed(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    folder, elsewhere = tmp_path / "sandbox", tmp_path / "elsewhere"
    folder.mkdir(mode=0o700)
    elsewhere.mkdir()
    key_target = elsewhere / "key.pem"
    key_target.write_bytes(sandbox_service_key_pem)
    key_target.chmod(0o600)
    (folder / KEY_PEM_FILE).symlink_to(key_target)
    victims = {name: elsewhere / name for name in (KEY_JWK_FILE, CA_FILE, SERVER_CERT_FILE)}
    for name, victim in victims.items():
        victim.write_text("keep me")
        (folder / name).symlink_to(victim)
    server = Sandbox.keeping_key(SandboxOptions(users=1, tls=True), folder)
    try:
        server.start()
    finally:
        server.stop()
    assert key_target.read_bytes() == sandbox_service_key_pem  # not reused through the link, not overwritten
    assert server.info.kid and (folder / KEY_PEM_FILE).read_bytes() != sandbox_service_key_pem
    for name, victim in victims.items():
        assert victim.read_text() == "keep me", name
        assert not (folder / name).is_symlink(), name


def test_a_symlinked_key_is_refused_where_open_cannot_refuse_it(tmp_path: Path, sandbox_service_key_pem: bytes,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from oktatool.sandbox.org import reusable_service_key

    key_target = tmp_path / "elsewhere.pem"
    key_target.write_bytes(sandbox_service_key_pem)
    key_target.chmod(0o600)
    link = tmp_path / KEY_PEM_FILE
    link.symlink_to(key_target)
    monkeypatch.delattr(os, "O_NOFOLLOW")  # as on Windows, where os.open follows a symlink or junction
    assert reusable_service_key(link) is None
    assert reusable_service_key(key_target) == sandbox_service_key_pem


def test_on_windows_a_linked_sandbox_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oktatool.sandbox.server import check_folder

    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir(mode=0o777)
    link.symlink_to(real, target_is_directory=True)
    monkeypatch.setattr(sys, "platform", "win32")  # check_folder does nothing else OS-specific on that path
    assert check_folder(link) == "it is a symbolic link or junction to another folder"
    assert check_folder(real) is None  # its access list is not read there (mode bits mean nothing on NTFS)
