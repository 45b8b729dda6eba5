"""The window's menu actions and dialogs (About, Preferences, notices), wired after the first paint."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from oktatool import __version__
from oktatool.core.errors import OktaToolError
from oktatool.core.store.settings import COLOR_SCHEMES, SECRET_STORE_CHOICES, Preferences
from oktatool.gui.colour_scheme import apply_color_scheme, follow_system_scheme
from oktatool.gui.tab_page import FilePage, PastePage, TabPage
from oktatool.gui.widgets.accessible import with_keys
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QTabWidget

    from oktatool.context import AppContext
    from oktatool.gui.widgets.shortcuts_dialog import MainWindow as ShortcutsWindow


class MainWindow(Protocol):
    """What the shell actions need of the main window (a Protocol, so this module never imports the window)."""

    context: AppContext
    tabs: QTabWidget
    open_action: QAction
    save_action: QAction
    copy_action: QAction
    paste_action: QAction
    quit_action: QAction
    preferences_action: QAction
    about_action: QAction
    edit_profiles_action: QAction
    new_app_action: QAction
    rotate_key_action: QAction
    move_to_key_action: QAction
    diagnose_action: QAction
    export_action: QAction
    shortcuts_action: QAction
    tab_actions: dict[str, QAction]
    notice_box: QMessageBox | None

    def close(self) -> bool: ...
    def statusBar(self) -> QStatusBar: ...
    def setWindowIcon(self, icon: QIcon) -> None: ...
    def current_page(self) -> TabPage | None: ...
    def reload_profiles(self) -> None: ...
    def width(self) -> int: ...
    def reach_tool_bar_by_tab(self) -> None: ...
    def height(self) -> int: ...


#: keys for the tool bar's Edit profiles… and Diagnose, and for Help > Keyboard shortcuts
PROFILES_KEYS = "Ctrl+Shift+P"
DIAGNOSE_KEYS = "Ctrl+Shift+D"
SHORTCUTS_KEYS = "Ctrl+/"


def _shortcut(action: QAction, keys: QKeySequence.StandardKey, fallback: str | None = None) -> None:
    action.setShortcuts(keys)
    if fallback and not QKeySequence.keyBindings(keys):
        action.setShortcuts([QKeySequence(fallback)])


def wire(window: MainWindow) -> None:
    """Give the menu actions the platform's shortcuts and connect them and the profile editor."""
    keys = QKeySequence.StandardKey
    _shortcut(window.open_action, keys.Open)
    _shortcut(window.save_action, keys.Save)
    _shortcut(window.quit_action, keys.Quit, "Ctrl+Q")
    _shortcut(window.copy_action, keys.Copy)
    _shortcut(window.paste_action, keys.Paste)
    _shortcut(window.preferences_action, keys.Preferences, "Ctrl+,")
    for action, shortcut in ((window.edit_profiles_action, PROFILES_KEYS), (window.diagnose_action, DIAGNOSE_KEYS),
                             (window.shortcuts_action, SHORTCUTS_KEYS)):
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(with_keys(action.text().replace("&", ""), shortcut))
    for number, action in enumerate(window.tab_actions.values(), start=1):
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
    window.reach_tool_bar_by_tab()
    window.open_action.triggered.connect(lambda: _dispatch(window, "open"))
    window.save_action.triggered.connect(lambda: _dispatch(window, "save"))
    window.copy_action.triggered.connect(lambda: _copy(window))
    window.paste_action.triggered.connect(lambda: _paste(window))
    window.quit_action.triggered.connect(window.close)
    window.about_action.triggered.connect(lambda: show_about(window))
    window.preferences_action.triggered.connect(lambda: edit_preferences(window))
    window.edit_profiles_action.triggered.connect(lambda: edit_profiles(window))
    window.new_app_action.triggered.connect(lambda: open_app_dialog(window, "service_app", "NewServiceAppDialog"))
    window.rotate_key_action.triggered.connect(lambda: open_app_dialog(window, "rotate_key", "RotateKeyDialog"))
    window.move_to_key_action.triggered.connect(lambda: open_app_dialog(window, "move_to_key", "MoveToKeyDialog"))
    window.diagnose_action.triggered.connect(lambda: open_app_dialog(window, "diagnose", "DiagnoseDialog"))
    window.export_action.triggered.connect(lambda: open_app_dialog(window, "export_app", "ExportDialog"))
    window.shortcuts_action.triggered.connect(lambda: show_shortcuts(window))
    window.context.settings_listeners.append(lambda s: apply_color_scheme(s.preferences.color_scheme))
    apply_color_scheme(window.context.settings.settings.preferences.color_scheme)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        follow_system_scheme(app)


def apply_window_icon(window: QWidget) -> None:
    """Set the application icon (an SVG: loaded after the first paint)."""
    from oktatool.core.store.paths import resource

    icon = QIcon(str(resource("icons", "oktatool.svg")))
    if not icon.isNull():
        window.setWindowIcon(icon)
        QGuiApplication.setWindowIcon(icon)


def _dispatch(window: MainWindow, verb: str) -> None:
    """Open, save, copy or paste (``verb``) on the shown tab when it can, else say it has nothing to."""
    page = window.current_page()
    if verb == "copy" and page is not None:
        page.copy_current()
    elif verb == "open" and isinstance(page, FilePage):
        page.open_file()
    elif verb == "save" and isinstance(page, FilePage):
        page.save_file()
    elif verb == "paste" and isinstance(page, PastePage):
        page.paste()
    else:
        window.statusBar().showMessage(f"The {window.tabs.tabText(window.tabs.currentIndex())} tab has nothing to "
                                       f"{verb}.", 4000)


def _copy(window: MainWindow) -> None:
    focus = QApplication.focusWidget()
    if isinstance(focus, QLineEdit | QPlainTextEdit | QTextEdit):
        focus.copy()
        return
    _dispatch(window, "copy")


def _paste(window: MainWindow) -> None:
    focus = QApplication.focusWidget()
    if isinstance(focus, QLineEdit | QPlainTextEdit | QTextEdit) and not focus.isReadOnly():
        focus.paste()
        return
    _dispatch(window, "paste")


def crypto_versions() -> str:
    """Return "cryptography X (OpenSSL Y)" for the About box and the self-test."""
    try:
        import cryptography
        from cryptography.hazmat.backends.openssl.backend import backend

        return f"cryptography {cryptography.__version__} ({backend.openssl_version_text()})"
    except Exception as exc:
        return f"cryptography not available ({type(exc).__name__})"


def about_text() -> str:
    """Return the About box text: versions of oktatool, Qt, PySide6, Python and the crypto backend."""
    from importlib.metadata import PackageNotFoundError, version

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    try:
        jose = f"jwcrypto {version('jwcrypto')}"
    except PackageNotFoundError:
        jose = "jwcrypto not available"
    return (
        f"<h3>oktatool {__version__}</h3>"
        "<p>Keys, client-assertion JWTs, scoped tokens and the Okta API — offline, on your desktop.</p>"
        f"<p>Qt {qVersion()} · PySide6 {pyside_version}<br>"
        f"Python {platform.python_version()} ({platform.python_implementation()})<br>"
        f"{crypto_versions()}<br>{jose}</p>"
        "<p>Licensed under the Apache License 2.0.</p>"
    )


def show_about(window: QWidget) -> None:
    """Show the About box: HTML on purpose (it quotes only versions), the window's icon beside it."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About oktatool", about_text(), QMessageBox.StandardButton.Ok, window)
    box.setTextFormat(Qt.TextFormat.RichText)  # every other box's text is plain (plain_text.plain_by_default)
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.exec()


def show_shortcuts(window: MainWindow) -> None:
    """Open Help > Keyboard shortcuts: every shortcut of the window's menus and tabs, as they are set now."""
    from oktatool.gui.widgets.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(cast("ShortcutsWindow", window), cast("QWidget", window))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


def show_notice(window: MainWindow, text: str) -> None:
    """Show ``text`` in the status bar and in a dialog the user closes."""
    window.statusBar().showMessage(text)
    box = QMessageBox(QMessageBox.Icon.Warning, "oktatool", text, QMessageBox.StandardButton.Ok, window)
    box.setModal(False)
    box.show()
    window.notice_box = box


class PreferencesDialog(QDialog):
    """Edit the preferences that apply to every profile."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        form = QFormLayout()
        self.scheme = QComboBox()
        self.scheme.addItems(COLOR_SCHEMES)
        self.scheme.setCurrentText(preferences.color_scheme)
        form.addRow("Colour scheme", self.scheme)
        self.store = QComboBox()
        self.store.addItems(SECRET_STORE_CHOICES)
        self.store.setCurrentText(preferences.secret_store)
        self.store.setToolTip("auto: the OS keyring when it works, else an encrypted file (takes effect on restart)")
        form.addRow("Secret store", self.store)
        self.lifetime = QSpinBox()
        self.lifetime.setRange(1, 3600)
        self.lifetime.setSuffix(" s")
        self.lifetime.setValue(preferences.assertion_lifetime)
        form.addRow("Client assertion lifetime", self.lifetime)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(preferences.network_timeout)
        form.addRow("Network timeout", self.timeout)
        self.confirm = QCheckBox("Ask before deleting keys and profiles")
        self.confirm.setChecked(preferences.confirm_delete)
        form.addRow("", self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Secrets are never written to the settings file."))
        layout.addWidget(buttons)

    def preferences(self) -> Preferences:
        """Return the preferences as edited."""
        return Preferences(color_scheme=self.scheme.currentText(), secret_store=self.store.currentText(),
                           assertion_lifetime=self.lifetime.value(), network_timeout=self.timeout.value(),
                           confirm_delete=self.confirm.isChecked())


def edit_preferences(window: MainWindow) -> None:
    """Open the Preferences dialog and save what the user accepts."""
    settings = window.context.settings.settings
    dialog = PreferencesDialog(settings.preferences, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    try:
        window.context.save_settings(settings._replace(preferences=dialog.preferences()))
    except OktaToolError as exc:
        QMessageBox.warning(window, "Preferences", plain_message(exc))


def edit_profiles(window: MainWindow) -> None:
    """Open the profile editor; the switcher shows the result."""
    from oktatool.gui.dialogs.profiles import ProfilesDialog

    dialog = ProfilesDialog(window.context, window)
    dialog.exec()
    window.reload_profiles()


def open_app_dialog(window: MainWindow, module: str, name: str) -> QDialog:
    """Open a service-app dialog (set-up, rotation, diagnosis, export) for the active profile, window-modal.

    The profile switcher is refilled when it closes (a set-up saves a profile, a rotation changes its key);
    Diagnose starts its checks at once.
    """
    import importlib

    from oktatool.gui import tasks

    dialog_class = getattr(importlib.import_module(f"oktatool.gui.dialogs.{module}"), name)
    dialog: QDialog = dialog_class(window.context, window)
    # fit inside the window, even at 960×600
    dialog.resize(min(dialog.width(), window.width() - 24), min(dialog.height(), window.height() - 24))

    async def show() -> None:
        await tasks.dialog_result(dialog)
        window.reload_profiles()
        dialog.deleteLater()

    tasks.spawn(show())
    from oktatool.gui.dialogs.diagnose import DiagnoseDialog

    if isinstance(dialog, DiagnoseDialog):
        dialog.start()
    return dialog
