"""Files on Windows, tested here by faking sys.platform or the Windows program only where the code under test does
nothing else OS-specific: the rename retried while another process holds the target, the owner-only access list
set with icacls before a private file holds data, file names every OS accepts, and the age-based temp-file sweep."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oktatool.core.files as files
from oktatool.core.errors import BadInputError
from oktatool.core.files import replace_retrying, safe_file_name, write_atomic, write_file

_real_replace = os.replace
SID = "S-1-5-21-1004336348-1177238915-682003330-1001"


class FlakyReplace:
    """os.replace as Windows does it while a scanner holds the target: refused ``failures`` times, then done."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, source: Path, target: Path) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        _real_replace(source, target)


def test_a_rename_refused_twice_is_retried_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    source, target = tmp_path / "new", tmp_path / "settings.json"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    flaky = FlakyReplace(failures=2)
    replace_retrying(source, target, replace=flaky)
    assert flaky.calls == 3 and target.read_bytes() == b"new" and not source.exists()


def test_a_rename_refused_for_good_gives_up_within_the_bound(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(files, "REPLACE_RETRY_SECONDS", 0.3)
    flaky = FlakyReplace(failures=10**6)
    started = time.monotonic()
    with pytest.raises(PermissionError):
        replace_retrying(tmp_path / "a", tmp_path / "b", replace=flaky)
    assert flaky.calls > 2 and time.monotonic() - started < 1.0


def test_elsewhere_a_refused_rename_is_final(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    flaky = FlakyReplace(failures=1)
    with pytest.raises(PermissionError):
        replace_retrying(tmp_path / "a", tmp_path / "b", replace=flaky)
    assert flaky.calls == 1


class FakeWindowsPrograms:
    """subprocess.run for whoami and icacls as Windows answers them; records each icacls call and what the file
    held at that moment."""

    def __init__(self, icacls_status: int = 0) -> None:
        self.icacls: list[tuple[list[str], int | None]] = []
        self.icacls_status = icacls_status

    def __call__(self, argv: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        program = Path(argv[0].replace("\\", "/")).name
        if program == "whoami.exe":
            return subprocess.CompletedProcess(argv, 0, f'"desktop-7\\\\ana","{SID}"\n', "")
        assert program == "icacls.exe", argv
        target = Path(argv[1])
        self.icacls.append((argv[1:], target.stat().st_size if target.is_file() else None))
        if self.icacls_status:
            return subprocess.CompletedProcess(argv, self.icacls_status, "", "Access is denied.\n")
        return subprocess.CompletedProcess(argv, 0, "", "")


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> FakeWindowsPrograms:
    programs = FakeWindowsPrograms()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(subprocess, "run", programs)
    monkeypatch.setattr(files, "_user_sid", None)
    return programs


def test_a_private_file_is_made_owner_only_before_it_holds_data(windows: FakeWindowsPrograms,
                                                                 tmp_path: Path) -> None:
    target = tmp_path / "key.private.json"
    write_atomic(target, b'{"d": "secret"}')
    assert target.read_bytes() == b'{"d": "secret"}'
    [(argv, size_then)] = windows.icacls
    assert Path(argv[0]).name.endswith(".tmp") and Path(argv[0]).parent == tmp_path
    assert argv[1:] == ["/inheritance:r", "/grant:r", f"*{SID}:F", "/q"]
    assert size_then == 0  # the access list was set while the file was still empty


def test_a_public_file_keeps_its_folders_permissions(windows: FakeWindowsPrograms, tmp_path: Path) -> None:
    write_file(tmp_path / "public.pem", b"-----BEGIN PUBLIC KEY-----\n", private=False)
    assert windows.icacls == []


def test_a_folder_oktatool_creates_is_owner_only_and_passes_it_on(windows: FakeWindowsPrograms,
                                                                   tmp_path: Path) -> None:
    write_atomic(tmp_path / "new" / "settings.json", b"{}")
    folder_call, file_call = windows.icacls
    assert folder_call[0] == [str(tmp_path / "new"), "/inheritance:r", "/grant:r", f"*{SID}:(OI)(CI)F", "/q"]
    assert file_call[0][2:] == ["/grant:r", f"*{SID}:F", "/q"]


def test_a_private_file_that_cannot_be_made_owner_only_is_not_written(windows: FakeWindowsPrograms,
                                                                       tmp_path: Path) -> None:
    windows.icacls_status = 5
    target = tmp_path / "key.private.json"
    with pytest.raises(BadInputError, match=r"cannot make it owner-only \(Access is denied"):
        write_file(target, b'{"d": "secret"}', private=True)
    assert list(tmp_path.iterdir()) == []


# --- names ------------------------------------------------------------------------------------------------------

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{n}" for n in range(1, 10)),
            *(f"LPT{n}" for n in range(1, 10)), "COM\u00b9", "COM\u00b2", "COM\u00b3", "LPT\u00b9", "LPT\u00b2",
            "LPT\u00b3"}


def assert_valid_everywhere(name: str) -> None:
    assert name and len(name) <= 255
    assert not WINDOWS_FORBIDDEN & set(name), name
    assert not name.endswith((".", " ")), name
    assert name.split(".", 1)[0].rstrip(" ").upper() not in RESERVED, name
    assert name not in (".", "..")


@pytest.mark.parametrize("kid, expected", [
    ("2026-12-07T03:45:12Z", "2026-12-07T03-45-12Z.private.json"),  # --kid-mode iso-date
    ('a<b>c"d|e?f*g/h\\i', "a-b-c-d-e-f-g-h-i.private.json"),
    ("CON", "_CON.private.json"),
    ("com1", "_com1.private.json"),
    ("NUL ", "_NUL .private.json"),
    ("Kq2mZJf0Yc4lJ8y_3vKx-TnW0b5o3dLJr3E0m1uQw7s", "Kq2mZJf0Yc4lJ8y_3vKx-TnW0b5o3dLJr3E0m1uQw7s.private.json"),
])
def test_a_kid_becomes_a_name_windows_accepts(kid: str, expected: str) -> None:
    assert safe_file_name(f"{kid}.private.json") == expected


def test_names_that_would_be_nothing_fall_back() -> None:
    assert safe_file_name("...") == "oktatool-output"
    assert safe_file_name("key. . ") == "key"
    assert safe_file_name("  ") == "oktatool-output"


@settings(max_examples=400, deadline=None)
@given(kid=st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('<>:"/\\|?*. '), max_size=300)
       | st.builds(str.__add__, st.sampled_from(sorted(RESERVED | {r.lower() for r in RESERVED})),
                   st.text(alphabet=' .:?', max_size=3)),
       suffix=st.sampled_from(["", ".private.json", ".pem", ".jwt", ".json", ".csv", "."]))
def test_any_hostile_kid_gives_a_valid_name(kid: str, suffix: str) -> None:
    name = safe_file_name(kid + suffix)
    assert_valid_everywhere(name)
    if suffix.strip(".") and len(kid) < 100 and kid.strip(" .") and set(kid) <= set("abcXYZ019-_"):
        assert name == kid + suffix  # a plain kid is left as it was


# --- the temp-file sweep --------------------------------------------------------------------------------------


def test_an_old_temp_file_is_swept_even_when_its_pid_is_alive(tmp_path: Path) -> None:
    # the age rule is the one that works on Windows, where a pid cannot be probed (and pids are reused)
    live_pid = os.getppid()
    old = tmp_path / f".settings.json.{live_pid}.1.tmp"
    old_under_this_pid = tmp_path / f".settings.json.{os.getpid()}.1.tmp"  # a reused pid (Windows)
    fresh = tmp_path / f".settings.json.{live_pid}.2.tmp"
    for leftover in (old, old_under_this_pid, fresh):
        leftover.write_bytes(b"half a")
    an_hour_ago = time.time() - 3600
    for leftover in (old, old_under_this_pid):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    write_atomic(tmp_path / "settings.json", b"{}")
    assert not old.exists() and not old_under_this_pid.exists()
    assert fresh.exists()  # a live writer may still be filling it


def test_a_corrupt_file_is_moved_aside_through_the_same_retry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oktatool.core.files import keep_corrupt

    monkeypatch.setattr(sys, "platform", "win32")
    flaky = FlakyReplace(failures=2)
    monkeypatch.setattr(os, "replace", flaky)
    broken = tmp_path / "settings.json"
    broken.write_text("{not json")
    kept = keep_corrupt(broken)
    assert flaky.calls == 3 and kept.read_text() == "{not json" and not broken.exists()
