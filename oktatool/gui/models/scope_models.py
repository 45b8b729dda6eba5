"""Models of the scope catalog: every scope (pick, granted state, filters) and the operations one opens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal

from oktatool.gui.models.table_model import Index, TableModel, refilter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.core.okta.scopes import Operation, Scope, ScopeCatalog

#: custom roles: the Scope/Operation object of a row, and the value a column sorts by
ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

SCOPE_COLUMNS = ("Scope", "Area", "Kind", "Description", "Ops", "Granted")
NAME, AREA, KIND, DESCRIPTION, OPS, GRANTED = range(len(SCOPE_COLUMNS))
#: the granted/picked filter's choices
STATES = ("any", "picked", "not picked", "granted", "not granted", "picked, not granted", "granted, not picked")


def kind_of(scope: Scope) -> str:
    """Return "read", "manage" or the scope's other verb (register…)."""
    return scope.verb


class ScopeTableModel(TableModel["Scope"]):
    """Every scope of the catalog; column 0 carries the pick check box; granted state when known."""

    COLUMNS = SCOPE_COLUMNS

    #: the picked scopes changed (by a check box or ``set_picked``)
    picked_changed = Signal()

    def __init__(self, catalog: ScopeCatalog, picked: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.scopes: tuple[Scope, ...] = catalog.scopes
        self._row_of = {s.name: row for row, s in enumerate(self.scopes)}
        self._picked: set[str] = {p for p in picked if p in self._row_of}
        self._granted: frozenset[str] | None = None
        #: lower-cased name, areas and description per row, for search as you type
        self.haystacks = tuple(" ".join((s.name, *s.areas, s.description)).lower() for s in self.scopes)
        self.areas = tuple(sorted({a for s in self.scopes for a in s.areas}))

    # picks and grants -------------------------------------------------------------------------------------

    def picked(self) -> list[str]:
        """Return the picked scope names in catalog order."""
        return [s.name for s in self.scopes if s.name in self._picked]

    def is_picked(self, name: str) -> bool:
        """Say whether ``name`` is picked."""
        return name in self._picked

    def set_picked(self, names: Iterable[str]) -> None:
        """Pick exactly ``names`` (unknown names are ignored)."""
        wanted = {n for n in names if n in self._row_of}
        if wanted == self._picked:
            return
        self._picked = wanted
        if self.scopes:
            self.dataChanged.emit(self.index(0, NAME), self.index(len(self.scopes) - 1, NAME),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.picked_changed.emit()

    def pick(self, name: str, on: bool = True) -> None:
        """Pick or unpick one scope."""
        self.set_picked(self._picked | {name} if on else self._picked - {name})

    @property
    def granted(self) -> frozenset[str] | None:
        """Return the app's granted scopes, or None while unknown."""
        return self._granted

    def set_granted(self, names: Iterable[str] | None) -> bool:
        """Set the app's granted scopes (None: unknown); return whether they changed."""
        granted = frozenset(names) if names is not None else None
        if granted == self._granted:
            return False
        self._granted = granted
        if self.scopes:
            self.dataChanged.emit(self.index(0, GRANTED), self.index(len(self.scopes) - 1, GRANTED))
        return True

    def granted_text(self, name: str) -> str:
        """Return the Granted column's text for one scope."""
        if self._granted is None:
            return ""
        return "granted" if name in self._granted else "not granted"

    def row_of(self, name: str) -> int | None:
        """Return the row of scope ``name``, or None."""
        return self._row_of.get(name)

    # Qt model ---------------------------------------------------------------------------------------------

    def items(self) -> tuple[Scope, ...]:
        """Return the rows' scopes."""
        return self.scopes

    def cell(self, scope: Scope, column: int, role: int) -> Any:
        """Return a cell's text, check state, tooltip or sort value."""
        if role == ObjectRole:
            return scope
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if column == NAME:
                return scope.name
            if column == AREA:
                return ", ".join(scope.areas)
            if column == KIND:
                return kind_of(scope)
            if column == DESCRIPTION:
                return scope.description
            if column == OPS:
                opens = len(self.catalog.operations_for(scope.name))
                return opens if role == SortRole else str(opens)
            if column == GRANTED:
                return self.granted_text(scope.name)
        if role == Qt.ItemDataRole.CheckStateRole and column == NAME:
            return Qt.CheckState.Checked if scope.name in self._picked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DESCRIPTION:
                return scope.description
            if column == AREA:
                return ", ".join(scope.areas)
            if column == NAME:
                return f"{scope.name}: tick to pick it for this profile"
            if column == OPS:
                return "The operations this scope opens (a .manage scope opens its .read scope's too)"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == OPS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Make the name column checkable."""
        flags = super().flags(index)
        if index.isValid() and index.column() == NAME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Pick or unpick a scope from its check box."""
        if not index.isValid() or index.column() != NAME or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.pick(self.scopes[index.row()].name, checked)
        return True


class ScopeFilterProxy(QSortFilterProxyModel):
    """Search as you type (every word), and filters by area, kind and granted/picked state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._area: str | None = None
        self._kind: str | None = None
        self._state = "any"
        self.setSortRole(SortRole)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        """Keep the scopes whose name, area or description holds every word of ``text``."""
        words = tuple(text.lower().split()[:32])
        if words != self._words:
            refilter(self, lambda: setattr(self, "_words", words))

    def set_area(self, area: str | None) -> None:
        """Keep one API area's scopes (None: every area)."""
        if area != self._area:
            refilter(self, lambda: setattr(self, "_area", area or None))

    def set_kind(self, kind: str | None) -> None:
        """Keep ``read`` or ``manage`` scopes, or the other kinds with "other" (None: all)."""
        if kind != self._kind:
            refilter(self, lambda: setattr(self, "_kind", kind or None))

    def set_state(self, state: str) -> None:
        """Keep scopes by picked/granted state (one of STATES)."""
        state = state if state in STATES else "any"
        if state != self._state:
            refilter(self, lambda: setattr(self, "_state", state))

    def refresh(self) -> None:
        """Filter again (after picks or grants changed under a state filter)."""
        if self._state != "any":
            refilter(self, lambda: None)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Apply the words, area, kind and state filters to one scope."""
        model = self.sourceModel()
        if not isinstance(model, ScopeTableModel):
            return True
        haystack = model.haystacks[source_row]
        if any(word not in haystack for word in self._words):
            return False
        scope = model.scopes[source_row]
        if self._area is not None and self._area not in scope.areas:
            return False
        if self._kind is not None:
            kind = kind_of(scope)
            if (self._kind == "other" and kind in ("read", "manage")) or (self._kind != "other" and kind != self._kind):
                return False
        return self._state == "any" or _state_matches(self._state, model, scope.name)


def _state_matches(state: str, model: ScopeTableModel, name: str) -> bool:
    picked = model.is_picked(name)
    granted = model.granted is not None and name in model.granted
    return {
        "picked": picked,
        "not picked": not picked,
        "granted": granted,
        "not granted": not granted,
        "picked, not granted": picked and not granted,
        "granted, not picked": granted and not picked,
    }.get(state, True)


OPERATION_COLUMNS = ("Method", "Path", "Needs", "Lifecycle", "Auth")


def access_text(operation: Operation) -> str:
    """Say how an operation may be called: public, OAuth only, SSWS only, or OAuth or SSWS."""
    if operation.public:
        return "public"
    if operation.oauth_only:
        return "OAuth only"
    if not operation.scopes:
        return "SSWS only"
    return "OAuth or SSWS" if operation.ssws_allowed else "OAuth"


def lifecycle_text(operation: Operation) -> str:
    """Return the lifecycle as the spec names it (GA, EA, LIMITED_GA), or a dash when it says nothing."""
    return operation.lifecycle or "—"


class OperationTableModel(TableModel["Operation"]):
    """The operations of one scope: method, path, the scopes it needs, lifecycle, and how it authenticates."""

    COLUMNS = OPERATION_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operations: tuple[Operation, ...] = ()

    def set_operations(self, operations: Iterable[Operation]) -> None:
        """Show these operations."""
        self.beginResetModel()
        self.operations = tuple(operations)
        self.endResetModel()

    def items(self) -> tuple[Operation, ...]:
        """Return the rows' operations."""
        return self.operations

    def cell(self, op: Operation, column: int, role: int) -> Any:
        """Return a cell's text or tooltip."""
        if role == ObjectRole:
            return op
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            return (op.method, op.path, " + ".join(op.scopes) or "—", lifecycle_text(op), access_text(op))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{op.operation_id} ({op.area or 'no area'})"
        return None
