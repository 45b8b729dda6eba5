"""A cell cut with "…" shows its whole text when the pointer rests on it: every table and tree, and the history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView, QToolTip

from oktatool.core.okta.history import HistoryEntry, HistoryStore
from oktatool.gui.console.history_panel import HistoryPanel
from oktatool.gui.widgets.elided_cells import tip_elided_cells

LONG_PATH = "/api/v1/apps/0oa1b2c3d4e5f6g7h8i9/credentials/jwks/pks1a2b3c4d5e6f7g8h9?expand=user&limit=200"


def hover(qtbot: Any, view: QTableView, row: int, column: int) -> str:
    """Ask for the tooltip where the pointer rests on a cell, as Qt does; return what it shows."""
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())  # Qt hides a tip on a short timer
    centre = view.visualRect(view.model().index(row, column)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, centre, view.viewport().mapToGlobal(centre))
    QApplication.sendEvent(view.viewport(), event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_cut_cell_shows_its_whole_text_and_a_whole_cell_no_tip(qtbot: Any) -> None:
    model = QStandardItemModel(1, 2)
    model.setItem(0, 0, QStandardItem(LONG_PATH))
    model.setItem(0, 1, QStandardItem("200"))
    view = QTableView()
    qtbot.addWidget(view)
    tip_elided_cells(view)
    view.setModel(model)
    view.setColumnWidth(0, 120)
    view.setColumnWidth(1, 120)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    assert hover(qtbot, view, 0, 0) == LONG_PATH
    assert hover(qtbot, view, 0, 1) == ""
    view.setColumnWidth(0, view.fontMetrics().horizontalAdvance(LONG_PATH) + 60)
    assert hover(qtbot, view, 0, 0) == ""


def test_history_rows_show_the_whole_call_even_when_it_failed(qtbot: Any, tmp_path: Any) -> None:
    panel = HistoryPanel(HistoryStore(tmp_path))
    qtbot.addWidget(panel)
    panel.model.set_entries([
        HistoryEntry.safe(time=1, profile="p", method="GET", path=LONG_PATH, status=200, duration_ms=5),
        HistoryEntry.safe(time=2, profile="p", method="DELETE", path=LONG_PATH, status=None, duration_ms=5,
                          error="127.0.0.1:9 refused the connection"),
    ])
    panel.resize(500, 300)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.table.visualRect(panel.proxy.index(0, 3)).width() < panel.fontMetrics().horizontalAdvance(LONG_PATH)
    assert hover(qtbot, panel.table, 0, 3) == f"DELETE {LONG_PATH}\n127.0.0.1:9 refused the connection"
    assert hover(qtbot, panel.table, 1, 3) == f"GET {LONG_PATH}"
