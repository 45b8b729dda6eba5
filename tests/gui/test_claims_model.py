"""The JWT tab's table models without a view: other claims (typed, exact JSON) and a decoded token's members."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt

from oktatool.core.jose.claims import parse_exact
from oktatool.gui.models.claims_model import DecodedMembersModel, OtherClaimsModel


def rows(model: Any) -> list[tuple[Any, ...]]:
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_other_claims_keep_types_and_exact_numbers(qapp: Any) -> None:
    model = OtherClaimsModel()
    edits: list[int] = []
    problems: list[str] = []
    model.edited.connect(lambda: edits.append(1))
    model.problem.connect(problems.append)
    model.set_claims(parse_exact('{"n": 3.0, "big": 123456789012345678901234567890, "s": "x", "l": [true, null]}'))
    assert rows(model) == [("n", "3.0", "number"), ("big", "123456789012345678901234567890", "integer"),
                           ("s", '"x"', "string"), ("l", "[true,null]", "array")]
    assert model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(2, 1), '{"a": 1.50}') and model.claims()["s"] == {"a": 1.50}
    assert model.index(2, 1).data() == '{"a":1.50}' and model.index(2, 2).data() == "object"
    assert not model.setData(model.index(2, 1), '{"a": }') and "line 1, column 7" in problems[-1]
    assert not model.setData(model.index(0, 0), "big") and "already" in problems[-1]
    assert model.setData(model.index(0, 0), "ratio") and next(iter(model.claims())) == "ratio"
    model.add_row("", "")
    assert "" not in model.claims() and model.rowCount() == 5
    model.remove_row(4)
    model.remove_row(99)
    assert model.rowCount() == 4 and len(edits) == 4
    assert "RFC 7519 §4.3" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_decoded_members_explain_and_count_down(qapp: Any) -> None:
    model = DecodedMembersModel()
    now = time.time()
    model.set_token({"alg": "RS256", "jku": "https://evil"}, {"cid": "0oa1", "exp": int(now) + 300, "x": 1})
    assert [r[:3] for r in rows(model)] == [("header", "alg", "RS256"), ("header", "jku", "https://evil"),
                                            ("claims", "cid", "0oa1"), ("claims", "exp", str(int(now) + 300)),
                                            ("claims", "x", "1")]
    assert "never fetches" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Okta" in model.index(2, 2).data(Qt.ItemDataRole.ToolTipRole)
    model.tick(now)
    assert model.index(3, 3).data().startswith("expires in 5 min")
    changed: list[Any] = []
    model.dataChanged.connect(lambda *a: changed.append(a))
    model.tick(now + 600)
    assert model.index(3, 3).data().startswith("expired 5 min ago") and changed
    assert "UTC" in model.index(3, 3).data() and "local" in model.index(3, 3).data()
    model.set_token({}, None)
    assert model.rowCount() == 0
