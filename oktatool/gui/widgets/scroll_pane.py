"""A scroll area for a panel of actions: it stays where the user scrolled it while an action runs.

A button waiting for its action is disabled; Qt then gives the focus to the next control and a plain
QScrollArea scrolls to show that control, so the pane jumped after every click. Here a focus move caused by
disabling keeps the scroll position; Tab and Shift+Tab still bring the newly focused control into view.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class ScrollPane(QScrollArea):
    """A resizable, frameless scroll area around ``panel`` that never moves on its own."""

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(panel)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Move the focus; keep the scroll position when the focused control was disabled, not tabbed away."""
        # the window's focus widget, not the application's: while a dialog just closed, or the window is not the
        # active one, the application has none, and the disabled button still holds the window's focus
        focused = self.window().focusWidget()
        if focused is None or focused.isEnabled():
            return super().focusNextPrevChild(next)
        where = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        moved = super().focusNextPrevChild(next)
        self.horizontalScrollBar().setValue(where[0])
        self.verticalScrollBar().setValue(where[1])
        return moved
