"""One private-file writer for every output: works without os.fchmod (Windows Python before 3.13), creates
missing folders owner-only, and on failure leaves neither an empty file nor an open descriptor behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oktatool.cli import main
from oktatool.core.errors import BadInputError
from oktatool.core.files import write_atomic, write_file
from oktatool.core.keys.key import load_key
from tests.platforms import assert_mode


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def no_fchmod(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python on Windows before 3.13: os has no fchmod."""
    monkeypatch.delattr(os, "fchmod", raising=False)
    assert not hasattr(os, "fchmod")


def test_keygen_and_convert_write_private_files_without_fchmod(no_fchmod: None, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    private = tmp_path / "rsa.private.json"
    assert main(["keygen", "--kty", "EC", "--crv", "P-256", "-o", str(private)]) == 0
    assert load_key(private.read_text()).is_private
    assert_mode(private, 0o600)
    pem = tmp_path / "rsa.private.pem"
    assert main(["convert", str(private), "--format", "pem", "-o", str(pem)]) == 0
    assert pem.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert_mode(pem, 0o600)
    capsys.readouterr()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through /proc")
def test_a_failed_write_leaves_no_file_and_no_descriptor(no_fchmod: None, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    target = tmp_path / "key.json"
    before = _open_fds()
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(BadInputError, match="Input/output error"):
        write_file(target, b'{"d": "secret"}', private=True)
    assert _open_fds() == before
    assert list(tmp_path.iterdir()) == []  # neither the target nor a temp file


def test_write_atomic_creates_missing_parents_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a" / "b" / "c" / "settings.json", b"{}")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert_mode(folder, 0o700)
    assert_mode((tmp_path / "a" / "b" / "c" / "settings.json"), 0o600)


def test_nothing_in_oktatool_calls_fchmod() -> None:
    package = Path(__file__).resolve().parents[2] / "oktatool"
    callers = [str(p) for p in package.rglob("*.py") if "os.fchmod(" in p.read_text(encoding="utf-8")]
    assert callers == []
