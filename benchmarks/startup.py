"""Time oktatool's start-up against a bare PySide6 window with four tabs, in the same run.

Three figures, each a whole process from its start (offscreen, interleaved, medians):

- bare    ``benchmarks/bare_window.py --smoke``: the four-tab window, exits on its first paint;
- paint   ``oktatool --smoke``: oktatool's window, exits on its first paint (goal: at most 1.15x bare);
- ready   oktatool until the shown tab is built, with the heavy modules it needs imported off the GUI thread
          first, and the qasync loop runs (the driver below exits then; goal: at most 2x bare's first
          paint). The other heavy modules warm in the executor after that (gui/deferred.py).

The machine is noisy: compare only figures from one run. Usage:

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
BARE_WINDOW = Path(__file__).resolve().parent / "bare_window.py"
PAINT_GOAL = 1.15
READY_GOAL = 2.0

#: what the console script `oktatool` (pyproject's [project.scripts]) runs
ENTRY_POINT = "import sys; from oktatool.cli import main; sys.exit(main())"

# The real start-up (oktatool.cli.main with no arguments: the window), ended the moment it is ready. Only
# the shown tab's build is wrapped, to exit on the loop turn after it: its heavy modules were imported before.
READY_DRIVER = """
import os, sys
from oktatool.gui.pyside_import import load_pyside
load_pyside()  # as oktatool.app does before its first Qt import; this driver imports Qt before main() runs
from PySide6.QtCore import QTimer
from oktatool.gui import main_window

built = main_window.MainWindow.build_shown_tab

def build_shown_tab(self):
    built(self)
    def ready():
        import asyncio
        asyncio.get_running_loop()  # the qasync loop runs
        missing = [m for m in self.shown_spec().heavy if m not in sys.modules]
        if missing or self.current_page() is None:
            os._exit(3)
        os._exit(0)
    QTimer.singleShot(0, ready)

main_window.MainWindow.build_shown_tab = build_shown_tab
from oktatool.cli import main
sys.exit(main([]))
"""


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> int:
    """Run the benchmark and print medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each (default 15)")
    parser.add_argument("--command",
                        help="the oktatool command to time (default: the console script's entry point, --smoke)")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile oktatool first (installed wheels and bundles ship bytecode; "
                             "with PYTHONDONTWRITEBYTECODE=1 a checkout would recompile every module each run)")
    options = parser.parse_args()
    if not options.no_compile:
        import compileall

        compileall.compile_dir(str(REPO_ROOT / "oktatool"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="oktatool-bench-") as scratch:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
        # The real platformdirs path (no OKTATOOL_HOME), pointed at a scratch folder.
        env.pop("OKTATOOL_HOME", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = str(Path(scratch) / var.lower())
        commands = {
            "bare": [sys.executable, str(BARE_WINDOW), "--smoke"],
            # as the installed `oktatool` script starts it (`python -m` would add runpy, which it never runs)
            "paint": shlex.split(options.command) if options.command else [sys.executable, "-c", ENTRY_POINT,
                                                                           "--smoke"],
            "ready": [sys.executable, "-c", READY_DRIVER],
        }
        for _ in range(2):  # warm-up: file cache, first-run settings file
            for argv in commands.values():
                _time(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, argv in commands.items():
                times[name].append(_time(argv, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    compiled = "no" if options.no_compile else "yes (as installed)"
    print(f"runs: {options.runs} each, interleaved, offscreen; oktatool byte-compiled: {compiled}")
    labels = {"bare": "bare four-tab window, first paint", "paint": "oktatool, first paint",
              "ready": "oktatool, ready (tab and its imports, loop)"}
    for name, label in labels.items():
        print(f"{label:43}: median {median[name] * 1000:7.1f} ms  (min {min(times[name]) * 1000:.1f})")
    paint, ready = median["paint"] / median["bare"], median["ready"] / median["bare"]
    print(f"first paint / bare first paint : {paint:.2f}x (goal <= {PAINT_GOAL:.2f}x)")
    print(f"ready / bare first paint       : {ready:.2f}x (goal <= {READY_GOAL:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
