"""Which Qt platform plugin a run gets: the native one, or offscreen where no screen can be had.

Read before QApplication exists (so no Qt import here). ``QT_QPA_PLATFORM`` is honoured on every OS.
Without it, Linux needs DISPLAY or WAYLAND_DISPLAY: the headless modes (--smoke, --self-test,
--screenshot) then fall back to offscreen and the window says why it cannot open. Windows and macOS
always have their native plugin (windows, cocoa), so nothing is changed there.
"""

from __future__ import annotations

import ntpath
import os
import sys


def display_problem(mode_needs_no_screen: bool) -> str | None:
    """Return why no window can open here, or None; Linux's headless modes switch to offscreen."""
    if os.environ.get("QT_QPA_PLATFORM"):
        give_offscreen_fonts()
        return None
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if mode_needs_no_screen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return ("error: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); run oktatool in a desktop "
            "session, or use the command-line subcommands (oktatool --help)")


def give_offscreen_fonts() -> None:
    """Point Qt's offscreen plugin on Windows at the system's fonts unless QT_QPA_FONTDIR says where.

    On Linux offscreen asks fontconfig and on macOS CoreText; on Windows it reads font files from
    QT_QPA_FONTDIR or Qt's own lib/fonts, which neither the PySide6 wheel nor the bundle ships, so
    every text would be drawn without glyphs.
    """
    if sys.platform != "win32" or os.environ.get("QT_QPA_FONTDIR"):
        return
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return
    windows = os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"
    os.environ["QT_QPA_FONTDIR"] = ntpath.join(windows, "Fonts")
