"""A lazy tree model over a parsed JSON value: nodes are made only for rows a view asks for.

A 100,000-item array costs nothing until it is expanded, and then only the visible rows get nodes. A member
with more than GROUP children shows them in groups ("[0 … 99]", groups of groups past 10,000), each
expanded on its own: a tree view lays out every row of what is expanded, asking Python for each, and again
whenever rows are added (a 16 MB list of 190,000 items held the GUI thread for seconds when opened).
``find_paths`` walks the value without recursion (deep nesting is fine) for the JSON view's search.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
PathPart = str | int
#: most characters of a value shown in a cell
CELL_LIMIT = 300
#: most rows under one node: a member with more children shows them in groups of this many (or of groups)
GROUP = 100


class Node:
    """One member or item (its key, value, parent and the children made so far), or a group of its parent's
    children (``span``: the positions it holds, of the same value)."""

    __slots__ = ("_keys", "_made", "key", "parent", "row", "span", "step", "value")

    def __init__(self, key: PathPart | None, value: Any, parent: Node | None, row: int,
                 span: tuple[int, int] | None = None, keys: list[str] | None = None) -> None:
        self.key = key
        self.value = value
        self.parent = parent
        self.row = row
        self._made: dict[int, Node] = {}
        self._keys = keys
        self.span = span
        first, stop = span or (0, len(value) if isinstance(value, (dict, list)) else 0)
        #: 1: the rows are the children; else each row is a group of this many
        self.step = 1
        while stop - first > self.step * GROUP:
            self.step *= GROUP

    def positions(self) -> tuple[int, int]:
        """Return the first and past-the-last position of the children this node holds."""
        return self.span or (0, len(self.value) if isinstance(self.value, (dict, list)) else 0)

    def count(self) -> int:
        """Return how many rows the node has (children, or groups of them)."""
        first, stop = self.positions()
        return -(-(stop - first) // self.step)

    def keys(self) -> list[str]:
        """Return the member names of an object value, in order (shared with its groups)."""
        if self._keys is None:
            self._keys = list(self.value)
        return self._keys

    def child(self, row: int) -> Node:
        """Return row ``row``'s node (a child or a group), making it on first use."""
        made = self._made.get(row)
        if made is None:
            first, stop = self.positions()
            position = first + row * self.step
            if self.step > 1:
                keys = self.keys() if isinstance(self.value, dict) else None
                made = Node(None, self.value, self, row, (position, min(position + self.step, stop)), keys)
            elif isinstance(self.value, dict):
                key: PathPart = self.keys()[position]
                made = Node(key, self.value[key], self, row)
            else:
                made = Node(position, self.value[position], self, row)
            self._made[row] = made
        return made

    def position_of(self, key: PathPart) -> int:
        """Return the position of the child called ``key``."""
        if isinstance(self.value, dict):
            return self.keys().index(str(key))
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

    def set_data(self, value: Any) -> None:
        """Show ``value`` (its members or items at the top level)."""
        self.beginResetModel()
        self.root = Node(None, value, None, 0)
        self.endResetModel()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = parent.internalPointer() if parent.isValid() else self.root
        if not 0 <= row < node.count() or not 0 <= column < 2:
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
        return node.count()

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
        if node.span is not None:
            return f"[{node.span[0]} … {node.span[1] - 1}]" if index.column() == 0 else ""
        if index.column() == 0:
            return str(node.key)
        return preview(node.value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def index_for(self, path: Sequence[PathPart]) -> QModelIndex:
        """Return the index of the value at ``path`` (keys and item numbers from the top), through its groups."""
        index = QModelIndex()
        node = self.root
        for part in path:
            position = node.position_of(part)
            while True:
                row = (position - node.positions()[0]) // node.step
                index = self.index(row, 0, index)
                node = node.child(row)
                if node.span is None:
                    break
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
