"""The real app, quit after a day's work, exits 0 with nothing on stderr (its executor's threads, the qasync loop
and the Local sandbox's server ended first: a QThread left running makes Qt abort at exit, status 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-q", "close-while-busy", "ctrl-q-at-start"])
def test_quitting_after_work_exits_cleanly(isolated_home: Path, how: str) -> None:
    # quit_after_work runs the window as `oktatool` does; the work: a Console token fetch and a Fetch all against
    # the Local sandbox and an RSA-4096 key generated, then Ctrl+Q, or the window closed while another RSA-4096
    # key is still being generated in the executor; or Ctrl+Q at once, while the start-up's warm-up still runs
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "tests.gui.quit_after_work", how], env=env, capture_output=True,
                          text=True, timeout=300, cwd=REPO_ROOT)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
