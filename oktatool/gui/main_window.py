"""The main window: four tabs, menus with the platform's shortcuts, a profile switcher, a status bar.

Everything built in ``__init__`` runs before the first paint, so it stays cheap: no tab content, no
``Qt.*`` enums, no heavy imports. ``start`` runs after the first paint and wires the rest.

A tab is a module named in TAB_SPECS holding a QWidget class built as ``Class(context: AppContext)`` the
first time the tab is shown; until its module exists the tab shows its purpose. Every tab is a ``TabPage``
(gui/tab_page.py: Edit > Copy, --screenshot, --self-test, its profile traces); a tab that opens and saves
files, pastes, or lists the secret store's keys is also a FilePage, PastePage or StorePage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QTabWidget, QToolBar, QToolButton, QWidget

from oktatool.gui.widgets.elided_label import ElidedLabel
from oktatool.gui.widgets.lazy_tab import LazyTab, TabSpec

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtGui import QCloseEvent, QMoveEvent, QResizeEvent, QScreen
    from PySide6.QtWidgets import QMessageBox

    from oktatool.context import AppContext
    from oktatool.core.store.settings import Settings
    from oktatool.gui.tab_page import TabPage

TAB_SPECS = (
    TabSpec("keys", "Keys", "oktatool.gui.keys.tab", "KeysTab",
            "Generate, import and convert keys (JWK, JWKS, PEM, certificate) and keep them in the key library.",
            ("oktatool.core.keys.key", "oktatool.core.keys.export", "oktatool.core.keys.library")),
    TabSpec("jwt", "JWT", "oktatool.gui.jwt.tab", "JwtTab",
            "Sign Okta client assertions and any JWT; decode and verify tokens against a key or a JWKS.",
            ("oktatool.core.jose.jwt", "oktatool.core.jose.verify", "oktatool.core.jose.assertion",
             "oktatool.core.keys.library")),
    TabSpec("scopes", "Scopes", "oktatool.gui.scopes.tab", "ScopesTab",
            "Find the Okta API scope an endpoint needs and get a scoped access token (Bearer or DPoP)."),
    TabSpec("console", "Console", "oktatool.gui.console.tab", "ConsoleTab",
            "Call the Okta API with the profile's token: any method and path, every page, rate limits shown."),
)


#: the smallest window every tab is laid out for (a tab's content scrolls below its own minimum)
MIN_WIDTH, MIN_HEIGHT = 800, 500
#: geometry and tab are saved this long after they last changed, so a crash loses at most this much
STATE_SAVE_DELAY_MS = 500


def inside(rect: QRect, room: QRect) -> QRect:
    """Return ``rect`` made no larger than ``room`` and moved the least to lie wholly inside it."""
    size = rect.size().boundedTo(room.size())
    x = max(room.left(), min(rect.x(), room.left() + room.width() - size.width()))
    y = max(room.top(), min(rect.y(), room.top() + room.height() - size.height()))
    return QRect(QPoint(x, y), size)


class MainWindow(QMainWindow):
    """The oktatool window; tabs build their content when first shown."""

    #: the active profile changed (its name)
    profile_changed = Signal(str)
    #: a notice from the context, maybe sent from a worker thread (queued to the GUI thread)
    notice_posted = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("oktatool")
        self.setObjectName("mainWindow")
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, LazyTab] = {}
        for spec in TAB_SPECS:
            page = LazyTab(spec, context)
            self.pages[spec.key] = page
            self.tabs.addTab(page, spec.title)
        self._build_profile_bar()  # before the tabs join the window: Tab goes round in reading order, bar first
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self.store_label = QLabel("Secret store: checking…")
        self.statusBar().addPermanentWidget(self.store_label)
        self._restore_state(context.settings.settings)
        self._started = False
        self._state_timer: QTimer | None = None
        self.notice_box: QMessageBox | None = None

    # --- construction -----------------------------------------------------------------------------

    def _build_profile_bar(self) -> None:
        bar = QToolBar("Profile")
        bar.setObjectName("profileBar")
        bar.setMovable(False)
        self.profile_combo = QComboBox()
        label = QLabel(" Profile ")
        label.setBuddy(self.profile_combo)  # its name for a screen reader
        bar.addWidget(label)
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.setMinimumContentsLength(18)
        bar.addWidget(self.profile_combo)
        self.profile_bar = bar
        self.edit_profiles_action = bar.addAction("Edit p&rofiles…")
        # the service app's set-up, key rotation, move to a key pair and export in one menu button, and Diagnose
        # (gui/dialogs, wired in shell_actions). One button for four keeps the org label in view at 960 pixels.
        # The menu is also the menu bar's Service app menu, for the keyboard (Alt+S).
        self.app_menu = app_menu = QMenu("&Service app", self)
        self.new_app_action = app_menu.addAction("&New service app…")
        self.rotate_key_action = app_menu.addAction("&Rotate key…")
        self.move_to_key_action = app_menu.addAction("&Move to a key pair…")
        self.export_action = app_menu.addAction("&Export for code…")
        app_button = QToolButton()
        app_button.setObjectName("serviceAppButton")
        app_button.setText("Service app")
        app_button.setMenu(app_menu)
        app_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Qt draws a menu button's arrow; in a tool bar the style tucks a tiny one under the text's last letter.
        # Room on the right and the arrow centred there make it Qt's full-size arrow, in the palette's colours.
        app_button.setStyleSheet("QToolButton { padding-right: 16px; } QToolButton::menu-indicator "
                                 "{ subcontrol-origin: padding; subcontrol-position: right center; }")
        bar.addWidget(app_button)
        self.diagnose_action = bar.addAction("&Diagnose")
        self.org_label = ElidedLabel()  # cut with "…" at narrow widths instead of hiding in the bar's overflow
        self.org_label.setObjectName("orgLabel")
        bar.addWidget(self.org_label)
        self.addToolBar(bar)
        self._fill_profiles()

    def _fill_profiles(self) -> None:
        settings = self.context.settings.settings
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        self.profile_combo.addItems([p.name for p in settings.profiles])
        self.profile_combo.setCurrentText(settings.active_profile)
        self.profile_combo.blockSignals(False)
        self._show_org()

    def _show_org(self) -> None:
        profile = self.context.settings.settings.profile()
        where = "built-in sandbox org (runs locally, starts on first use)" if profile.is_sandbox else profile.org_url
        client = f" · client {profile.client_id}" if profile.client_id else ""
        if profile.is_sandbox:
            key = " · its own service app and key"
        else:
            key = f" · key {profile.key_ref}" if profile.key_ref else " · no key chosen"
        self.org_label.setText(f"  {where}{client}{key}")

    def _build_menus(self) -> None:
        # Shortcuts are set in start(): QKeySequence's enums cost several ms to build before the first paint.
        self.open_action = QAction("&Open…", self)
        self.save_action = QAction("&Save…", self)
        self.quit_action = QAction("&Quit", self)
        self.copy_action = QAction("&Copy", self)
        self.paste_action = QAction("&Paste", self)
        self.preferences_action = QAction("Pr&eferences…", self)
        self.about_action = QAction("&About oktatool", self)
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        menubar = self.menuBar()
        file_menu = menubar.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menubar.addMenu("&Edit")
        edit_menu.addAction(self.copy_action)
        edit_menu.addAction(self.paste_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.edit_profiles_action)
        edit_menu.addAction(self.preferences_action)
        # each tab from anywhere (Ctrl+1…4, set after the first paint): inside the Console, Ctrl+Tab moves
        # between its request tabs, as in a nested tab widget
        view_menu = menubar.addMenu("&View")
        self.tab_actions: dict[str, QAction] = {}
        for spec in TAB_SPECS:
            action = view_menu.addAction(f"&{spec.title} tab")
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_tab(key))
            self.tab_actions[spec.key] = action
        menubar.addMenu(self.app_menu)
        help_menu = menubar.addMenu("&Help")
        help_menu.addAction(self.diagnose_action)  # macOS moves About to the application menu: Help keeps this
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        # Every menu item's role is said outright: macOS moves About, Preferences and Quit to the application
        # menu by role, and Qt's default role guesses from the text (an item named "Settings…" or "Setup"
        # would move too).
        roles = {self.quit_action: QAction.MenuRole.QuitRole, self.about_action: QAction.MenuRole.AboutRole,
                 self.preferences_action: QAction.MenuRole.PreferencesRole}
        for top in menubar.actions():  # every menu, a new one too
            for action in top.menu().actions():
                action.setMenuRole(roles.get(action, QAction.MenuRole.NoRole))

    def reach_tool_bar_by_tab(self) -> None:
        """Let Tab reach the tool bar's buttons: a tool bar makes its actions' buttons NoFocus."""
        from PySide6.QtCore import Qt

        for action in self.profile_bar.actions():
            button = self.profile_bar.widgetForAction(action)
            if button is not None and button.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(button, QLabel):
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def _restore_state(self, settings: Settings) -> None:
        state = settings.window
        screen: QScreen | None = QGuiApplication.primaryScreen()
        position: QPoint | None = None
        if state.x is not None and state.y is not None:
            # A window saved on a monitor that is gone opens on the primary screen instead.
            saved_on = QGuiApplication.screenAt(QPoint(state.x + 40, state.y + 40))
            if saved_on is not None:
                position = QPoint(state.x, state.y)
                screen = saved_on
        wanted = QRect(position or QPoint(0, 0), QSize(state.width, state.height))
        if screen is not None:
            wanted = inside(wanted, screen.availableGeometry())
        if position is not None:
            self.move(wanted.topLeft())
        self.resize(wanted.size())
        for index, spec in enumerate(TAB_SPECS):
            if spec.key == state.tab:
                self.tabs.setCurrentIndex(index)

    def show_restored(self) -> None:
        """Show the window as it was left (maximized or not), its frame inside the screen's available area."""
        if self.context.settings.settings.window.maximized:
            self.showMaximized()
            return
        self.show()
        self.keep_on_screen()

    def keep_on_screen(self) -> None:
        """Move and shrink the window so that its frame (title bar and menu too) is inside the available area.

        A position saved at another scale or on a taller screen would leave the title bar or the menu off
        screen; the frame's size is known only once the window is shown, so this runs after ``show``.
        """
        screen = self.screen()
        if screen is None or self.isMaximized():
            return
        room = screen.availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        fitted = inside(frame, room)
        if fitted == frame:
            return
        extra = frame.size() - inner.size()  # the title bar and borders the window manager adds
        self.resize(fitted.size() - extra)
        self.move(fitted.topLeft())

    # --- after the first paint ---------------------------------------------------------------------

    def start(self, *, build_shown_tab: bool = True, remember_state: bool = True) -> None:
        """Wire menus and the profile switcher, and build the shown tab (call after the first paint).

        Start-up passes ``build_shown_tab=False`` and calls ``build_shown_tab`` once the heavy modules were
        imported off the GUI thread; until then the tab shows its purpose line. With ``remember_state``
        geometry and tab are saved STATE_SAVE_DELAY_MS after they change (the headless modes pass False).
        """
        if self._started:
            return
        self._started = True
        if remember_state:
            from PySide6.QtCore import QTimer

            self._state_timer = QTimer(self)
            self._state_timer.setSingleShot(True)
            self._state_timer.setInterval(STATE_SAVE_DELAY_MS)
            self._state_timer.timeout.connect(self.save_window_state)
            self.tabs.currentChanged.connect(lambda _index: self._state_changed())
        from oktatool.gui import shell_actions
        shell_actions.wire(self)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.profile_combo.currentTextChanged.connect(self._on_profile_chosen)
        self.context.settings_listeners.append(lambda _settings: self._show_org())
        if build_shown_tab:
            self.build_shown_tab()
        notice = self.context.settings.load_result.notice
        if notice:
            self.show_notice(notice)
        self.notice_posted.connect(self.show_notice)
        self.context.notice_listeners.append(self.notice_posted.emit)

    def build_shown_tab(self) -> None:
        """Build the content of the tab being shown."""
        self._on_tab_changed(self.tabs.currentIndex())

    def shown_spec(self) -> TabSpec:
        """Return the spec of the tab being shown."""
        return TAB_SPECS[max(0, self.tabs.currentIndex())]

    def current_page(self) -> TabPage | None:
        """Return the built content of the shown tab."""
        from oktatool.gui.tab_page import tab_page

        page = self.tabs.currentWidget()
        return tab_page(page.content) if isinstance(page, LazyTab) else None

    def show_tab(self, key: str) -> QWidget:
        """Select the tab ``key``, build it if needed and return its content."""
        page = self.pages[key]
        self.tabs.setCurrentWidget(page)
        return page.ensure_built()

    def built_pages(self) -> dict[str, TabPage]:
        """Return the tabs built so far, by key (a tab is built when first shown)."""
        from oktatool.gui.tab_page import tab_page

        built = {key: tab_page(page.content) for key, page in self.pages.items()}
        return {key: page for key, page in built.items() if page is not None}

    def show_page(self, key: str) -> TabPage:
        """Show the tab ``key`` (built if needed) and return it as a TabPage."""
        self.show_tab(key)
        return self.page(key)

    def page(self, key: str) -> TabPage:
        """Build the tab ``key`` if needed and return it as a TabPage."""
        from oktatool.gui.tab_page import tab_page

        page = tab_page(self.pages[key].ensure_built())
        if page is None:
            raise RuntimeError(f"the {key} tab is not built in this version")
        return page

    def _on_tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if isinstance(page, LazyTab):
            page.ensure_built()

    def _on_profile_chosen(self, name: str) -> None:
        if not name:
            return
        store = self.context.settings
        if name != store.settings.active_profile:
            self.context.save_settings(store.settings.with_active(name))
        self._show_org()
        self.profile_changed.emit(name)

    def reload_profiles(self) -> None:
        """Refill the profile switcher after profiles were edited."""
        self._fill_profiles()
        self.profile_changed.emit(self.context.settings.settings.active_profile)

    def set_store_text(self, text: str, tooltip: str = "") -> None:
        """Say in the status bar which secret store is in use."""
        self.store_label.setText(text)
        self.store_label.setToolTip(tooltip)

    def show_notice(self, text: str) -> None:
        """Show a notice the user must see (e.g. a kept corrupt settings file) in the status bar and a dialog."""
        from oktatool.gui import shell_actions

        shell_actions.show_notice(self, text)

    # --- leaving -------------------------------------------------------------------------------------

    def window_state(self) -> dict[str, object]:
        """Return the window's geometry and tab as WindowState fields."""
        geometry = self.normalGeometry() if self.isMaximized() else self.geometry()
        frame = self.frameGeometry() if not self.isMaximized() else None
        index = self.tabs.currentIndex()
        return {
            "x": frame.x() if frame is not None else geometry.x(),
            "y": frame.y() if frame is not None else geometry.y(),
            "width": geometry.width(),
            "height": geometry.height(),
            "maximized": self.isMaximized(),
            "tab": TAB_SPECS[index].key if 0 <= index < len(TAB_SPECS) else "keys",
        }

    def _state_changed(self) -> None:
        """Save the geometry and tab once they have stayed put for STATE_SAVE_DELAY_MS (debounced)."""
        if self._state_timer is not None:
            self._state_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Remember the new size (debounced)."""
        super().resizeEvent(event)
        self._state_changed()

    def moveEvent(self, event: QMoveEvent) -> None:
        """Remember the new position (debounced)."""
        super().moveEvent(event)
        self._state_changed()

    def changeEvent(self, event: QEvent) -> None:
        """Remember maximizing and restoring (debounced)."""
        super().changeEvent(event)
        if event.type() == event.Type.WindowStateChange:
            self._state_changed()

    def save_window_state(self) -> None:
        """Write size, position and tab to the settings file now, if they changed since last saved."""
        from oktatool.core.store.settings import WindowState

        if self._state_timer is not None:
            self._state_timer.stop()
        settings = self.context.settings.settings
        state = WindowState(**self.window_state())  # type: ignore[arg-type]
        if state == settings.window:
            return
        self.context.settings.settings = settings._replace(window=state)
        error = self.context.settings.save_quietly()
        if error:
            self.statusBar().showMessage(error)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember size, position and tab before closing."""
        self.save_window_state()
        super().closeEvent(event)
