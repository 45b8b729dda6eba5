"""write_atomic sweeps the temp files that killed writers left beside its target, and only those."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oktatool.core.files import write_atomic


@pytest.mark.skipif(os.name == "nt", reason="a live process cannot be probed without ending it on Windows")
def test_a_dead_writers_temp_file_goes_and_a_live_ones_stays(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid, live_pid = int(dead.stdout), os.getppid()
    target = tmp_path / "settings.json"
    left_by_dead = tmp_path / f".settings.json.{dead_pid}.1.tmp"
    filled_by_live = tmp_path / f".settings.json.{live_pid}.1.tmp"
    other_file = tmp_path / f".other.json.{dead_pid}.1.tmp"
    for leftover in (left_by_dead, filled_by_live, other_file):
        leftover.write_bytes(b"half a")
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert not left_by_dead.exists()
    assert filled_by_live.exists() and other_file.exists()
