"""A reusable scope picker: search as you type, filters, and a table of every scope with check boxes.

``ScopePicker(catalog, picked)`` is what the Scopes tab shows on its left and what the service-app set-up
dialog embeds; ``picked()`` returns the ticked scopes and ``changed`` fires whenever they change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.gui.models.scope_models import (
    AREA,
    DESCRIPTION,
    GRANTED,
    KIND,
    NAME,
    OPS,
    STATES,
    ScopeFilterProxy,
    ScopeTableModel,
)
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells

if TYPE_CHECKING:
    from oktatool.core.okta.scopes import ScopeCatalog

#: longest search text taken (a 10 MB paste is cut, not searched)
MAX_QUERY = 200


class ScopePicker(QWidget):
    """Search, filter and tick Okta scopes."""

    #: the picked scopes changed
    changed = Signal()
    #: the selected (highlighted) scope changed: its name, or "" when none
    current_changed = Signal(str)

    def __init__(self, catalog: ScopeCatalog, picked: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.model = ScopeTableModel(catalog, picked, self)
        self.proxy = ScopeFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search = QLineEdit()
        self.search.setObjectName("scopeSearch")
        named(self.search, "Search scopes")
        self.search.setPlaceholderText("Search scopes: users, logs, manage…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_QUERY)
        layout.addWidget(self.search)

        filters = QHBoxLayout()
        self.area = QComboBox()
        self.area.setObjectName("scopeArea")
        named(self.area, "Area")
        self.area.addItem("All areas", None)
        for name in self.model.areas:
            self.area.addItem(name, name)
        self.area.setMinimumContentsLength(10)
        self.area.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind = QComboBox()
        self.kind.setObjectName("scopeKind")
        named(self.kind, "Kind")
        for label, value in (("read + manage", None), ("read", "read"), ("manage", "manage"), ("other", "other")):
            self.kind.addItem(label, value)
        self.state = QComboBox()
        self.state.setObjectName("scopeState")
        named(self.state, "Picked or granted")
        self.state.addItems(list(STATES))
        self.state.setToolTip("Show scopes by whether they are picked for this profile or granted to its app")
        filters.addWidget(self.area, 2)
        filters.addWidget(self.kind, 1)
        filters.addWidget(self.state, 1)
        layout.addLayout(filters)

        self.view = QTableView()
        tip_elided_cells(self.view)
        self.view.setObjectName("scopeTable")
        named(self.view, "Scopes")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AREA, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OPS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(GRANTED, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(AREA, 110)
        header.setMinimumSectionSize(36)
        self.view.setColumnHidden(GRANTED, True)  # shown once the app's grants were fetched
        self.view.setMinimumHeight(self.view.verticalHeader().defaultSectionSize() * 3 + 24)
        layout.addWidget(self.view, 1)

        self.count = QLabel()
        self.count.setObjectName("scopeCount")
        layout.addWidget(self.count)

        self.search.textChanged.connect(self._on_search)
        self.area.currentIndexChanged.connect(lambda _i: self._filter(self.proxy.set_area, self.area.currentData()))
        self.kind.currentIndexChanged.connect(lambda _i: self._filter(self.proxy.set_kind, self.kind.currentData()))
        self.state.currentTextChanged.connect(lambda text: self._filter(self.proxy.set_state, text))
        self.model.picked_changed.connect(self._on_picked)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self._show_count()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Give the Area column a share of the width (areas are long; descriptions get the rest)."""
        super().resizeEvent(event)
        self.view.horizontalHeader().resizeSection(AREA, max(110, min(280, self.width() // 6)))

    # public -----------------------------------------------------------------------------------------------

    def picked(self) -> list[str]:
        """Return the picked scopes in catalog order."""
        return self.model.picked()

    def set_picked(self, names: Iterable[str]) -> None:
        """Pick exactly ``names``."""
        self.model.set_picked(names)

    def set_granted(self, names: Iterable[str] | None) -> None:
        """Show which scopes the app holds (None: unknown)."""
        if not self.model.set_granted(names):
            return  # the same grants: no column, filter or sort to redo (a profile switch asks every time)
        self.view.setColumnHidden(GRANTED, names is None)
        self.proxy.refresh()
        self._show_count()

    def current_scope(self) -> str:
        """Return the highlighted scope's name, or ""."""
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        return str(self.proxy.index(index.row(), NAME).data())

    def select_scope(self, name: str) -> bool:
        """Highlight ``name`` (clearing filters that hide it) and scroll to it; return False if unknown."""
        row = self.model.row_of(name)
        if row is None:
            return False
        source = self.model.index(row, NAME)
        if not self.proxy.mapFromSource(source).isValid():
            self.search.clear()
            self.area.setCurrentIndex(0)
            self.kind.setCurrentIndex(0)
            self.state.setCurrentIndex(0)
        index = self.proxy.mapFromSource(source)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # reactions --------------------------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_text(text[:MAX_QUERY])
        self._show_count()

    def _filter(self, setter: object, value: object) -> None:
        setter(value)  # type: ignore[operator]
        self._show_count()

    def _on_picked(self) -> None:
        self.proxy.refresh()
        self._show_count()
        self.changed.emit()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(str(self.proxy.index(current.row(), NAME).data()) if current.isValid() else "")

    def _show_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        picked = len(self.model.picked())
        text = f"{shown} of {total} scopes shown · {picked} picked"
        granted = self.model.granted
        if granted is not None:
            text += f" · {len(granted)} granted to the app"
        self.count.setText(text)
