"""exclusive_lock: one holder at a time across processes, and a lock file only its owner can open."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from oktatool.core.files import exclusive_lock

_HOLDER = """
import sys, time
from pathlib import Path
from oktatool.core.files import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(1.0)
    Path(sys.argv[2]).write_text("released")
"""


def test_a_second_process_waits_for_the_holder(tmp_path: Path) -> None:
    lock_file, mark = tmp_path / "org.lock", tmp_path / "released"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock_file), str(mark)], stdout=subprocess.PIPE,
                              text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with exclusive_lock(lock_file):
            assert mark.exists()  # the holder had finished its block before this one began
        assert time.monotonic() - started > 0.3
    finally:
        holder.wait(timeout=30)
    if os.name != "nt":
        assert lock_file.stat().st_mode & 0o777 == 0o600
