"""What tests do differently on Windows and macOS: one place for every OS skip and its reason.

Skip only where the feature does not exist on that OS; a test that checks more than the missing feature
asks with a helper (``assert_mode``) so that the rest of it still runs there.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

#: True where files have POSIX permission bits (on Windows, open and chmod set only the read-only flag)
HAS_POSIX_MODES = os.name == "posix"

#: skip a test that is about POSIX file modes and nothing else
posix_modes = pytest.mark.skipif(
    not HAS_POSIX_MODES, reason="Windows has no POSIX file modes: open and chmod set only the read-only flag")

#: skip a test that needs POSIX signals (SIGKILL, SIGTERM handlers, SIGINT sent to a child)
posix_signals = pytest.mark.skipif(
    os.name != "posix", reason="Windows has no POSIX signals: SIGTERM kills outright, SIGINT cannot be sent")

#: skip a test that reads the resource module (getrusage), which Windows does not have
posix_resource = pytest.mark.skipif(sys.platform == "win32", reason="the resource module does not exist on Windows")


def assert_mode(path: Path, mode: int) -> None:
    """Assert that ``path`` has exactly the permission bits ``mode`` where files have POSIX modes."""
    if HAS_POSIX_MODES:
        assert oct(stat.S_IMODE(path.stat().st_mode)) == oct(mode), path


def maxrss_mb(ru_maxrss: int) -> float:
    """Return getrusage's ru_maxrss in MiB: macOS counts bytes, Linux and the BSDs kibibytes."""
    return ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


#: Popen keywords for a child that STOP_SIGNALS can stop: on Windows Ctrl+Break is sent to a process group
NEW_PROCESS_GROUP: dict[str, int] = (
    {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if sys.platform == "win32" else {})

#: the signals that stop a long-running command cleanly: SIGTERM and SIGINT; Ctrl+Break on Windows
STOP_SIGNALS: list[int] = (
    [signal.CTRL_BREAK_EVENT] if sys.platform == "win32" else [signal.SIGTERM, signal.SIGINT])


def without_display(environ: dict[str, str]) -> dict[str, str]:
    """Return ``environ`` as a machine with no screen has it, for a child that opens Qt.

    Only Linux can lack a display (no DISPLAY nor WAYLAND_DISPLAY: oktatool falls back to offscreen itself);
    Windows and macOS always have their native plugin, so there the child is given offscreen outright, as
    on Linux, rather than the runner's desktop of whatever size.
    """
    env = {k: v for k, v in environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if not sys.platform.startswith("linux"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env
