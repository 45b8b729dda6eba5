"""What the parts of Grants & roles share: the panel that owns them (the calls, confirmations and the result
line), as a Protocol, and how their tables look."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView

from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells

if TYPE_CHECKING:
    from oktatool.core.okta.grants import AppAccess, PlannedCall
    from oktatool.gui.scopes.admin_target import FetchedPart


class AccessOwner(Protocol):
    """The Grants & roles panel as its parts use it."""

    def start(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run one action (the newest wins)."""

    def enable(self) -> None:
        """Enable each action that can run now."""

    def part(self) -> FetchedPart:
        """Return what was fetched for the active profile's app."""

    def say(self, text: str, *, error: bool = False, good: bool = False) -> None:
        """Show a message on the result line."""

    async def refresh(self) -> bool:
        """Fetch grants and roles again."""

    async def read(self, work: Callable[[AppAccess], Any], scopes: tuple[str, ...], doing: str) -> Any:
        """Run ``work`` over AppAccess in the executor; None when it failed."""

    async def change(self, title: str, plan: Callable[[AppAccess], list[PlannedCall]],
                     act: Callable[[AppAccess], Any], scopes: tuple[str, ...], *, note: str) -> bool:
        """Show the planned calls and make them when confirmed."""


def table_view(model: Any, name: str, title: str) -> QTableView:
    """Return the view of one of the view's tables: named, rows selected whole, at least two rows tall."""
    view = QTableView()
    named(view, title)
    tip_elided_cells(view)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    # two rows and the header at least, and no taller wish than that (a scroll area sizes its panel by the wish):
    # the buttons beside it and the result line under it stay in view
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    view.setMinimumHeight(view.verticalHeader().defaultSectionSize() * 2 + view.horizontalHeader().sizeHint().height()
                          + 2 * view.frameWidth())
    return view

