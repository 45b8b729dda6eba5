"""Time `oktatool --smoke` against a bare PySide6 window with four tabs, both exiting on their first paint.

Runs the two interleaved (offscreen), reports medians and the ratio (goal: at most 1.3x). The machine is
noisy: compare only figures from one run. Usage:

    python benchmarks/startup.py [--runs 15] [--command "oktatool --smoke"]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget

app = QApplication(sys.argv)
window = QMainWindow()
tabs = QTabWidget()
for title in ("Keys", "JWT", "Scopes", "Console"):
    tabs.addTab(QLabel(title), title)
window.setCentralWidget(tabs)
window.resize(1100, 750)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            app.exit(0)
        return False


watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> int:
    """Run the benchmark and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each (default 15)")
    parser.add_argument("--command", help="the oktatool command to time (default: python -m oktatool --smoke)")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile oktatool first (installed wheels and bundles ship bytecode; "
                             "with PYTHONDONTWRITEBYTECODE=1 a checkout would recompile every module each run)")
    options = parser.parse_args()
    if not options.no_compile:
        import compileall

        compileall.compile_dir(str(REPO_ROOT / "oktatool"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="oktatool-bench-") as scratch:
        bare = Path(scratch) / "bare_window.py"
        bare.write_text(BARE_WINDOW, encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
        # The real platformdirs path (no OKTATOOL_HOME), pointed at a scratch folder.
        env.pop("OKTATOOL_HOME", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = str(Path(scratch) / var.lower())
        ours = shlex.split(options.command) if options.command else [sys.executable, "-m", "oktatool", "--smoke"]
        baseline = [sys.executable, str(bare)]
        for _ in range(2):  # warm-up: file cache, first-run settings file
            _time(ours, env)
            _time(baseline, env)
        ours_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(options.runs):
            ours_times.append(_time(ours, env))
            bare_times.append(_time(baseline, env))
    ours_median = statistics.median(ours_times)
    bare_median = statistics.median(bare_times)
    compiled = "no" if options.no_compile else "yes (as installed)"
    print(f"runs: {options.runs} each, interleaved, offscreen; oktatool byte-compiled: {compiled}")
    print(f"bare four-tab window : median {bare_median * 1000:7.1f} ms  (min {min(bare_times) * 1000:.1f})")
    print(f"oktatool --smoke     : median {ours_median * 1000:7.1f} ms  (min {min(ours_times) * 1000:.1f})")
    print(f"ratio                : {ours_median / bare_median:.2f}x (goal <= 1.30x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
