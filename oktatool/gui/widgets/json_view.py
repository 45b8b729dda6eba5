"""A JSON value as a foldable tree with search: type to find keys and values, Enter for the next hit.

The model makes nodes lazily; the search runs in the executor (a big answer never blocks the window) and
the newest search wins.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTreeView, QVBoxLayout, QWidget

from oktatool.gui import tasks
from oktatool.gui.models.json_tree import JsonTreeModel, PathPart, find_paths
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells


class JsonView(QWidget):
    """Tree (Key, Value) with a search row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = JsonTreeModel(self)
        self.tree = QTreeView()
        named(self.tree, "JSON tree")
        tip_elided_cells(self.tree)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 220)
        self.search = QLineEdit()
        named(self.search, "Search JSON")
        self.search.setPlaceholderText("Search keys and values (Enter: next)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.next_hit)
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Previous match")
        self.previous_button.clicked.connect(self.previous_hit)
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next match")
        self.next_button.clicked.connect(self.next_hit)
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("◀") + 24)
        self.collapse_button = QPushButton("Collapse all")
        self.collapse_button.clicked.connect(self.tree.collapseAll)
        self.hits_label = QLabel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.hits_label)
        row.addWidget(self.collapse_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)
        self.value: Any = None
        self.hits: list[tuple[PathPart, ...]] = []
        self.current = -1
        self.searching = tasks.LatestRequest()

    def set_value(self, value: Any) -> None:
        """Show ``value``; top-level members of an object are expanded when they are few."""
        self.value = value
        self.model.set_data(value)
        self.hits, self.current = [], -1
        self.hits_label.clear()
        if isinstance(value, dict) and len(value) <= 50:
            self.tree.expandToDepth(0)
        if self.search.text():
            self._search_changed(self.search.text())

    def selected_member(self) -> tuple[str, Any] | None:
        """Return the current row's name (an item's: its list's) and its value; None when no row is current."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        node = index.internalPointer()
        named = node
        while named is not None and not isinstance(named.key, str):
            named = named.parent
        return (named.key if named is not None else "value"), node.value

    def _search_changed(self, text: str) -> None:
        self.hits, self.current = [], -1
        if not text or self.value is None:
            self.searching.cancel()
            self.hits_label.clear()
            return
        self.hits_label.setText("searching…")
        self.searching.start(self._search(text))

    async def _search(self, text: str) -> None:
        value = self.value
        hits = await tasks.run_blocking(find_paths, value, text)
        if value is not self.value:
            return
        self.hits = hits
        self.current = -1
        if hits:
            self.next_hit()
        else:
            self.hits_label.setText("no match")

    def next_hit(self) -> None:
        """Select the next match."""
        self._go(1)

    def previous_hit(self) -> None:
        """Select the previous match."""
        self._go(-1)

    def _go(self, step: int) -> None:
        if not self.hits:
            return
        self.current = (self.current + step) % len(self.hits)
        index = self.model.index_for(self.hits[self.current])
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        more = "+" if len(self.hits) >= 1000 else ""
        self.hits_label.setText(f"{self.current + 1} of {len(self.hits)}{more}")
