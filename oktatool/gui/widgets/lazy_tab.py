"""A tab page that builds its real content the first time it is needed.

Before the first paint a tab only holds one line saying what it is for; ``ensure_built`` imports the
tab's module and builds it. A tab whose module does not exist yet stays a one-line placeholder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from oktatool.context import AppContext


class TabSpec(NamedTuple):
    """Where a tab's class lives, what the tab does (shown until it is built), and the heavy modules its
    module imports, which start-up imports off the GUI thread before building it (gui/deferred.py)."""

    key: str
    title: str
    module: str
    class_name: str
    purpose: str
    heavy: tuple[str, ...] = ()


def centered_label(text: str, parent: QWidget) -> QLabel:
    """Add a word-wrapped label centred in ``parent`` by stretches (no Qt enums before the first paint)."""
    outer = QVBoxLayout(parent)
    row = QHBoxLayout()
    label = QLabel(text)  # plain once the app's style polishes it (plain_text.plain_by_default)
    label.setWordWrap(True)
    label.setMinimumWidth(380)
    label.setMaximumWidth(560)
    row.addStretch(1)
    row.addWidget(label)
    row.addStretch(1)
    outer.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    return label


class PlaceholderTab(QWidget):
    """A tab that is not built yet in this version: one line on what it will do."""

    def __init__(self, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderTab")
        from oktatool.gui.widgets.plain_text import rich_label  # here: it loads the Qt namespace

        self.label = rich_label(centered_label(purpose, self))  # a heading and paragraphs, on purpose


class LazyTab(QWidget):
    """Holds a tab's purpose line until ``ensure_built`` swaps in the real content."""

    def __init__(self, spec: TabSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._context = context
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._waiting = QWidget()
        centered_label(spec.purpose, self._waiting)
        self._layout.addWidget(self._waiting)

    def ensure_built(self) -> QWidget:
        """Build the tab's content once (import its module) and return it."""
        if self.content is not None:
            return self.content
        try:
            module = importlib.import_module(self.spec.module)
        except ModuleNotFoundError as exc:
            if exc.name != self.spec.module:
                raise
            content: QWidget = PlaceholderTab(f"<h3>{self.spec.title}</h3><p>{self.spec.purpose}</p>"
                                              "<p>This tab comes in a later version of oktatool.</p>")
        else:
            content = getattr(module, self.spec.class_name)(self._context)
        self._layout.removeWidget(self._waiting)
        self._waiting.deleteLater()
        self._layout.addWidget(content)
        content.show()  # a layout shows a new child of a visible parent only on a later loop turn
        self.content = content
        return content
