"""Put text on the clipboard; a secret is marked for clipboard managers and cleared after 30 seconds or on exit."""

from __future__ import annotations

import atexit

from PySide6.QtCore import QMimeData, QTimer
from PySide6.QtGui import QGuiApplication

#: how long a copied secret stays on the clipboard
SECRET_CLEAR_MS = 30_000
#: the hint KDE's Klipper and other managers honour: do not keep this in the history
_MANAGER_HINT_TYPE = "x-kde-passwordManagerHint"
#: Windows' registered clipboard formats that keep a copy out of clipboard history (Win+V), the cloud
#: clipboard and clipboard monitors; Qt maps this MIME form to the registered format of that name
_WINDOWS_FORMAT = 'application/x-qt-windows-mime;value="{}"'
_WINDOWS_EXCLUSIONS = {
    "ExcludeClipboardContentFromMonitorProcessing": b"\x00",
    "CanIncludeInClipboardHistory": (0).to_bytes(4, "little"),  # a DWORD 0: no
    "CanUploadToCloudClipboard": (0).to_bytes(4, "little"),
}
#: macOS's nspasteboard.org markers (concealed: keep it out of history and off screen; transient: about to go).
#: Qt's Cocoa plugin puts a MIME type it has no converter for on the pasteboard as the type
#: ``com.trolltech.anymime.<MIME with "/" as "-->``, and reads it back as the MIME type: these are the MIME forms
#: Qt-based managers (CopyQ) check. The bare ``org.nspasteboard.*`` types need a QUtiMimeConverter in C++, which
#: PySide6 does not offer.
_MACOS_MARKERS = ("application/x-nspasteboard-concealed-type", "application/x-nspasteboard-transient-type")


def copy_text(text: str, *, secret: bool = False) -> None:
    """Copy ``text``; when ``secret``, mark it and clear it after SECRET_CLEAR_MS unless replaced since."""
    clipboard = QGuiApplication.clipboard()
    if not secret:
        clipboard.setText(text)
        return
    mime = QMimeData()
    mime.setText(text)
    mime.setData(_MANAGER_HINT_TYPE, b"secret")
    for name, value in _WINDOWS_EXCLUSIONS.items():
        mime.setData(_WINDOWS_FORMAT.format(name), value)
    for marker in _MACOS_MARKERS:
        mime.setData(marker, b"secret")
    clipboard.setMimeData(mime)
    _clear_at_exit()

    def clear_if_still_ours() -> None:
        if QGuiApplication.clipboard().text() == text:
            QGuiApplication.clipboard().clear()

    QTimer.singleShot(SECRET_CLEAR_MS, clear_if_still_ours)


def clear_secret() -> None:
    """Clear the clipboard if it still holds a secret copied here (the window closing, the process ending)."""
    if QGuiApplication.instance() is None:
        return
    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasFormat(_MANAGER_HINT_TYPE):
        clipboard.clear()


_registered = False


def _clear_at_exit() -> None:
    """Clear a copied secret when the interpreter exits, as a password manager does.

    The clipboard owns the secret's QMimeData, made here in Python; left there, Qt deletes it from its own exit
    handlers after Python has shut down, and that deletion calls back into Python: a segfault at every exit
    that followed a secret copy. Clearing it while Python still runs deletes it safely.
    """
    global _registered
    if not _registered:
        _registered = True
        atexit.register(clear_secret)
