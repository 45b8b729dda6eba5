"""--self-test and --screenshot as a packaged app runs them: a subprocess, no display."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.conftest import REPO_ROOT
from tests.platforms import without_display


def run_app(*args: str, home: Path, extra: dict[str, str] | None = None,
            cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    env = without_display(dict(os.environ))
    env.update({"PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(home), **(extra or {})})
    return subprocess.run([sys.executable, "-m", "oktatool", *args], env=env, capture_output=True, text=True,
                          timeout=180, cwd=cwd)


_QT_NOTES = """
import sys
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QApplication, QMainWindow
if "filtered" in sys.argv:
    from oktatool.gui import qt_messages
    qt_messages.install()
app = QApplication([])
window = QMainWindow()
window.show()
app.processEvents()
window.setMinimumSize(300, 200)  # the offscreen plugin answers this with its propagateSizeHints() note
app.processEvents()
qWarning("a real problem")
"""


@pytest.mark.parametrize("filtered", [False, True])
def test_qt_platform_notes_are_kept_off_the_terminal_and_real_warnings_are_not(filtered: bool) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-c", _QT_NOTES, *(["filtered"] if filtered else [])], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    if filtered:
        assert done.stderr == "qt: a real problem\n"
    else:  # what the filter is for: this Qt version does print the note
        assert "propagateSizeHints()" in done.stderr


def test_smoke_prints_nothing_but_its_exit_status(isolated_home: Path) -> None:
    done = run_app("--smoke", home=isolated_home)
    assert done.returncode == 0
    assert (done.stdout, done.stderr) == ("", "")  # the offscreen plugin's notes do not reach the terminal


@pytest.mark.slow
def test_self_test_passes_and_prints_one_line_per_step(isolated_home: Path) -> None:
    done = run_app("--self-test", home=isolated_home)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith(("ok", "FAIL"))]
    names = [line.split(":", 1)[0][6:] for line in steps]
    assert names == ["first paint", "qasync loop running", "deferred modules imported", "resources found",
                     "key generated in the executor", "JWT signed and verified", "secret store answering",
                     "tabs built", "tab engines"]
    assert all(line.startswith("ok") for line in steps)
    assert lines[-1] == "self-test passed"
    assert done.stderr == ""  # no Qt platform notes: only oktatool's own lines


@pytest.mark.slow
def test_self_test_fails_when_a_bundle_lacks_its_resources(isolated_home: Path, tmp_path: Path) -> None:
    # The package without its resources folder, as a broken bundle would ship it.
    shutil.copytree(REPO_ROOT / "oktatool", tmp_path / "src" / "oktatool",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = run_app("--self-test", home=isolated_home,
                   extra={"PYTHONPATH": str(tmp_path / "src"), "OKTATOOL_SECRET_STORE": "memory"}, cwd=tmp_path)
    assert done.returncode == 1
    assert any(line.startswith("FAIL  resources found") for line in done.stdout.splitlines())
    assert "ok    JWT signed and verified" in done.stdout  # the other steps still run and report
    # the Scopes tab's own check fails too: its engine is the scope catalog the bundle lacks
    assert any(line.startswith("FAIL  tab engines") and "scope catalog" in line for line in done.stdout.splitlines())
    assert done.stdout.splitlines()[-1] == "self-test FAILED: 2 step(s)"
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_screenshots_are_the_whole_window_with_each_tab(isolated_home: Path, tmp_path: Path) -> None:
    # the user's own home: a real org's profile is active and the Console has tabs; the pictures use neither
    (isolated_home / "config").mkdir()
    (isolated_home / "config" / "settings.json").write_text(json.dumps({
        "version": 1, "active_profile": "prod",
        "profiles": [{"name": "prod", "org_url": "https://org.invalid", "client_id": "0oa1"}]}))
    (isolated_home / "data").mkdir()
    (isolated_home / "data" / "console-tabs.json").write_text('{"tabs": "the user\'s"}')
    before = {p: p.read_bytes() for p in isolated_home.rglob("*") if p.is_file()}
    target = tmp_path / "new" / "shots"
    done = run_app("--screenshot", str(target), home=isolated_home)
    assert done.returncode == 0, done.stderr
    assert {p: p.read_bytes() for p in isolated_home.rglob("*") if p.is_file()} == before
    assert done.stderr == ""  # Qt's "This plugin does not support propagateSizeHints()" is kept off
    for name in ("keys", "jwt", "scopes", "console", "roles", "doctor"):
        image = QImage(str(target / f"{name}.png"))
        assert (image.width(), image.height()) == (1100, 750), name
    # the folders it made are owner-only, as the README says of every folder oktatool creates
    assert [stat.S_IMODE(p.stat().st_mode) for p in (target, target.parent)] == [0o700, 0o700]
    # different tabs, different pictures
    assert (target / "keys.png").read_bytes() != (target / "jwt.png").read_bytes()


@pytest.mark.slow
def test_self_test_uses_the_isolated_keyring_not_the_users(isolated_home: Path) -> None:
    from tests.isolated_keyring import log

    done = run_app("--self-test", home=isolated_home)
    assert done.returncode == 0, done.stdout + done.stderr
    store_line = next(line for line in done.stdout.splitlines() if "secret store answering" in line)
    assert "IsolatedTestKeyring" in store_line, store_line
    # the probe went to the test's own keyring file, and was deleted again
    assert log(isolated_home / "test-keyring.json") == [["set", "oktatool", "oktatool-self-test-probe"],
                                                        ["delete", "oktatool", "oktatool-self-test-probe"]]


@pytest.mark.parametrize("mode", [("--smoke",), ("--self-test",)])
def test_headless_modes_print_only_our_lines(isolated_home: Path, mode: tuple[str, ...]) -> None:
    done = run_app(*mode, home=isolated_home, extra={"OKTATOOL_SECRET_STORE": "memory"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # Qt's "This plugin does not support propagateSizeHints()" was here
    assert "propagateSizeHints" not in done.stdout
