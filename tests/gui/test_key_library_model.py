"""KeyLibraryModel without a view: rows, columns, roles; public facts only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.keys.library import LibraryEntry
from oktatool.gui.models.key_library_model import (
    COL_KID,
    COL_NAME,
    COL_SHAPE,
    COL_THUMBPRINT,
    HEADERS,
    EntryRole,
    KeyLibraryModel,
)


def entries() -> list[LibraryEntry]:
    private = generate_key(KeySpec("EC", use="sig", alg="ES256"))
    public = generate_key(KeySpec("OKP", kid_mode="none")).public()
    return [LibraryEntry.of("alpha", private), LibraryEntry.of("beta", public)]


def test_rows_columns_and_headers(qapp: Any) -> None:
    model = KeyLibraryModel()
    assert model.rowCount() == 0
    rows = entries()
    model.set_entries(rows)
    assert model.rowCount() == 2 and model.columnCount() == len(HEADERS)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))] == list(HEADERS)
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.data(model.index(0, COL_NAME)) == "alpha"
    assert model.data(model.index(0, COL_SHAPE)) == "EC P-256"
    assert model.data(model.index(1, COL_SHAPE)) == "OKP Ed25519 (public)"
    assert model.data(model.index(1, COL_KID)) == "(none)"
    assert model.data(model.index(0, COL_THUMBPRINT)).endswith("…")
    assert model.data(model.index(0, COL_NAME), EntryRole) == rows[0]
    assert model.data(QModelIndex()) is None
    assert model.row_of("beta") == 1 and model.row_of("nope") == -1


def test_tooltip_has_the_full_thumbprint_and_no_key_material(qapp: Any) -> None:
    model = KeyLibraryModel()
    key = generate_key(KeySpec("EC", use="sig", alg="ES256"))
    model.set_entries([LibraryEntry.of("alpha", key)])
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert key.thumbprint() in tip and "ES256" in tip and "private" in tip
    private_d = key.to_dict(private=True)["d"]
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                assert private_d not in str(model.data(model.index(row, column), role))


def test_reset_signals_views(qapp: Any, qtbot: Any) -> None:
    model = KeyLibraryModel()
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset], timeout=1000):
        model.set_entries(entries())
