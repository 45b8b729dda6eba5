"""Copying a secret: the clipboard is marked secret for clipboard managers and cleared after 30 seconds.

The marks are the KDE/Klipper password-manager hint and Windows' "exclude from history and cloud
clipboard" formats (DESIGN.md). Clearing happens only if the clipboard still holds what we put there.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QTimer
from PySide6.QtGui import QGuiApplication

#: seconds a copied secret stays on the clipboard
CLEAR_AFTER = 30

_ZERO_DWORD = QByteArray(b"\x00\x00\x00\x00")


def secret_mime(text: str) -> QMimeData:
    """Return clipboard data holding ``text`` marked as secret."""
    data = QMimeData()
    data.setText(text)
    data.setData("x-kde-passwordManagerHint", QByteArray(b"secret"))
    data.setData("application/x-qt-windows-mime;value=\"ExcludeClipboardContentFromMonitorProcessing\"",
                 _ZERO_DWORD)
    data.setData("application/x-qt-windows-mime;value=\"CanIncludeInClipboardHistory\"", _ZERO_DWORD)
    data.setData("application/x-qt-windows-mime;value=\"CanUploadToCloudClipboard\"", _ZERO_DWORD)
    return data


def copy_secret(text: str, *, clear_after: float = CLEAR_AFTER) -> None:
    """Put ``text`` on the clipboard marked secret, and clear it after ``clear_after`` seconds."""
    clipboard = QGuiApplication.clipboard()
    clipboard.setMimeData(secret_mime(text))

    def clear() -> None:
        if clipboard.text() == text:
            clipboard.clear()

    QTimer.singleShot(int(clear_after * 1000), clear)
