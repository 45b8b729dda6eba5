"""Keep Qt's own chatter off the terminal: only oktatool's lines should reach it.

Qt prints platform-plugin notes ("This plugin does not support propagateSizeHints()" from the
offscreen plugin that --smoke, --self-test and --screenshot use) that mean nothing to a user. The
handler drops those known notes and passes every other Qt warning on, one line, marked as Qt's.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

#: fragments of Qt messages that are harmless platform notes, never a problem of the user's
HARMLESS = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
)


def _handle(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if any(fragment in message for fragment in HARMLESS):
        return
    if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
        return
    print(f"qt: {message}", file=sys.stderr, flush=True)


def install() -> None:
    """Route Qt's messages through the filter (call once, before the window is shown)."""
    qInstallMessageHandler(_handle)
