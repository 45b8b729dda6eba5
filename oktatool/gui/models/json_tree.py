"""A lazy tree model over a parsed JSON value: nodes are made only for rows a view asks for.

A 100,000-item array costs nothing until it is expanded, and then only the visible rows get nodes. A member
with many children shows ROWS_PER_FETCH of them at first and more as the view scrolls to its end
(canFetchMore/fetchMore): a tree view lays out every row it is told of, asking Python for each (a 16 MB list
of 190,000 items held the GUI thread for seconds when opened).
``find_paths`` walks the value without recursion (deep nesting is fine) for the JSON view's search.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

Index = QModelIndex | QPersistentModelIndex
PathPart = str | int
#: most characters of a value shown in a cell
CELL_LIMIT = 300
#: children a member shows at first, and how many more each fetch adds
ROWS_PER_FETCH = 1000


class Node:
    """One member or item: its key, value, parent and the children made so far."""

    __slots__ = ("_keys", "_made", "key", "parent", "row", "shown", "value")

    def __init__(self, key: PathPart | None, value: Any, parent: Node | None, row: int) -> None:
        self.key = key
        self.value = value
        self.parent = parent
        self.row = row
        self._made: dict[int, Node] = {}
        self._keys: list[str] | None = None
        #: how many children the views were told of
        self.shown = min(self.count(), ROWS_PER_FETCH)

    def count(self) -> int:
        """Return how many children the node has."""
        return len(self.value) if isinstance(self.value, (dict, list)) else 0

    def child(self, row: int) -> Node:
        """Return child ``row``, making it on first use."""
        made = self._made.get(row)
        if made is None:
            if isinstance(self.value, dict):
                if self._keys is None:
                    self._keys = list(self.value)
                key: PathPart = self._keys[row]
                made = Node(key, self.value[key], self, row)
            else:
                made = Node(row, self.value[row], self, row)
            self._made[row] = made
        return made

    def row_of(self, key: PathPart) -> int:
        """Return the row of the child called ``key``."""
        if isinstance(self.value, dict):
            if self._keys is None:
                self._keys = list(self.value)
            return self._keys.index(str(key))
        return int(key)


def preview(value: Any) -> str:
    """Return how a value reads in its cell: scalars as JSON, containers by size."""
    if isinstance(value, dict):
        return f"{{{len(value)} {'key' if len(value) == 1 else 'keys'}}}"
    if isinstance(value, list):
        return f"[{len(value)} {'item' if len(value) == 1 else 'items'}]"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"


class JsonTreeModel(QAbstractItemModel):
    """Key and Value columns over one JSON value."""

    HEADERS = ("Key", "Value")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = Node(None, None, None, 0)
        self._fetched_this_turn: set[int] = set()

    def set_data(self, value: Any) -> None:
        """Show ``value`` (its members or items at the top level)."""
        self.beginResetModel()
        self.root = Node(None, value, None, 0)
        self.endResetModel()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = parent.internalPointer() if parent.isValid() else self.root
        if not 0 <= row < node.shown or not 0 <= column < 2:
            return QModelIndex()
        return self.createIndex(row, column, node.child(row))

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        up = node.parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = parent.internalPointer() if parent.isValid() else self.root
        return node.shown

    def canFetchMore(self, parent: Index) -> bool:
        """Return whether ``parent`` has children not shown yet and got none this turn of the event loop
        (QTreeView.expand fetches for as long as it may: every one of 190,000 at once)."""
        node = parent.internalPointer() if parent.isValid() else self.root
        return node.shown < node.count() and id(node) not in self._fetched_this_turn

    def fetchMore(self, parent: Index) -> None:
        """Show ROWS_PER_FETCH more children of ``parent``."""
        node = parent.internalPointer() if parent.isValid() else self.root
        if not self._fetched_this_turn:
            QTimer.singleShot(0, self._fetched_this_turn.clear)
        self._fetched_this_turn.add(id(node))
        self._show_children(parent, node, node.shown + ROWS_PER_FETCH)

    def _show_children(self, parent: Index, node: Node, count: int) -> None:
        count = min(count, node.count())
        if count > node.shown:
            self.beginInsertRows(parent, node.shown, count - 1)
            node.shown = count
            self.endInsertRows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = parent.internalPointer() if parent.isValid() else self.root
        return node.count() > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        node: Node = index.internalPointer()
        if index.column() == 0:
            return str(node.key)
        return preview(node.value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def index_for(self, path: Sequence[PathPart]) -> QModelIndex:
        """Return the index of the value at ``path`` (keys and item numbers from the top)."""
        index = QModelIndex()
        node = self.root
        for part in path:
            row = node.row_of(part)
            if row >= node.shown:  # a search hit past the rows shown: show up to it
                self._show_children(index, node, row + ROWS_PER_FETCH)
            index = self.index(row, 0, index)
            node = node.child(row)
        return index


def find_paths(value: Any, text: str, *, limit: int = 1000) -> list[tuple[PathPart, ...]]:
    """Return the paths (document order) whose key or scalar value contains ``text`` (any case), at most ``limit``."""
    needle = text.lower()
    found: list[tuple[PathPart, ...]] = []
    if not needle:
        return found
    stack: list[tuple[tuple[PathPart, ...], Any]] = [((), value)]
    while stack and len(found) < limit:
        path, current = stack.pop()
        key_hit = bool(path) and isinstance(path[-1], str) and needle in str(path[-1]).lower()
        value_hit = bool(path) and not isinstance(current, (dict, list)) and needle in preview(current).lower()
        if key_hit or value_hit:
            found.append(path)
        if isinstance(current, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(current.items())))
        elif isinstance(current, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(current))))
    return found
