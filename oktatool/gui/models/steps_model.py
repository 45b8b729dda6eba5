"""The steps of a set-up or rotation flow as a table: step, status, the API calls made, the result."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from oktatool.core.errors import for_window
from oktatool.core.okta.setup import Step
from oktatool.gui.models.table_model import TableModel
from oktatool.gui.widgets.tones import tone

COL_STEP, COL_STATUS, COL_CALLS, COL_RESULT = range(4)
HEADERS = ("Step", "Status", "API calls", "Result")
_LABELS = {"pending": "–", "running": "running…", "done": "✔ done", "failed": "✘ failed"}


class StepsModel(TableModel[Step]):
    """Rows of Step snapshots; ``update`` replaces one row with a fresh copy of the step."""

    COLUMNS = HEADERS

    def __init__(self, steps: list[Step] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._steps: list[Step] = [self.snapshot(s) for s in steps or []]

    @staticmethod
    def snapshot(step: Step) -> Step:
        """Return a copy of ``step`` that the flow's worker thread will not change under the view."""
        return replace(step, calls=list(step.calls))

    def set_steps(self, steps: list[Step]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._steps = [self.snapshot(s) for s in steps]
        self.endResetModel()

    def update(self, step: Step) -> None:
        """Show the new state of the step with ``step.id``."""
        row = next((i for i, s in enumerate(self._steps) if s.id == step.id), -1)
        if row < 0:
            return
        self._steps[row] = self.snapshot(step)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def step(self, row: int) -> Step:
        """Return the step shown in ``row``."""
        return self._steps[row]

    def items(self) -> list[Step]:
        """Return the rows' steps."""
        return self._steps

    def cell(self, step: Step, column: int, role: int) -> Any:
        """Return the cell text, the status colour, or a tooltip with everything."""
        if role == Qt.ItemDataRole.DisplayRole:
            outcome = step.error if step.status == "failed" else step.result
            return (step.title, _LABELS.get(step.status, step.status), "\n".join(step.calls), outcome)[column]
        finished = step.status in ("done", "failed")
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS and finished:
            return QColor(tone("good" if step.status == "done" else "error"))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{step.title}: {step.status}", *step.calls]
            lines += [x for x in (step.result, step.error, f"Fix: {for_window(step.hint)}" if step.hint else "") if x]
            return "\n".join(lines)
        return None
