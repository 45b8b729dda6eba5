"""The scope, operation, grant and role models without a view: filtering, sorting, counts against the catalog."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt

from oktatool.core.okta.admin_roles import Resource, ScopedRole
from oktatool.core.okta.grants import Grant, RoleAssignment
from oktatool.core.okta.scopes import ScopeCatalog
from oktatool.gui.models.access_models import GrantTableModel, RoleTableModel
from oktatool.gui.models.scope_models import (
    AREA,
    GRANTED,
    KIND,
    NAME,
    OPS,
    SCOPE_COLUMNS,
    ObjectRole,
    OperationTableModel,
    ScopeFilterProxy,
    ScopeTableModel,
    access_text,
)

CATALOG = ScopeCatalog.load()


@pytest.fixture
def models(qapp: Any) -> tuple[ScopeTableModel, ScopeFilterProxy]:
    model = ScopeTableModel(CATALOG, ["okta.users.read", "okta.logs.read", "not.a.scope"])
    proxy = ScopeFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _names(proxy: ScopeFilterProxy) -> list[str]:
    return [proxy.index(row, NAME).data() for row in range(proxy.rowCount())]


def test_every_scope_is_a_row_and_counts_match_the_operations_table(models: Any) -> None:
    model, _ = models
    assert model.rowCount() == len(CATALOG.scopes) and model.columnCount() == len(SCOPE_COLUMNS)
    operations = OperationTableModel()
    for row in range(model.rowCount()):
        scope = model.index(row, NAME).data(ObjectRole)
        operations.set_operations(CATALOG.operations_for(scope.name))  # what the detail lists
        assert model.index(row, OPS).data() == str(operations.rowCount()), scope.name
    users_manage = model.index(model.row_of("okta.users.manage") or 0, OPS).data()
    assert users_manage == str(CATALOG.get("okta.users.manage").operation_count
                               + CATALOG.get("okta.users.read").operation_count)  # what .read opens counts too
    assert model.picked() == ["okta.logs.read", "okta.users.read"]  # catalog order, unknown names dropped
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None


def test_search_as_you_type_needs_every_word(models: Any) -> None:
    _, proxy = models
    proxy.set_text("users read")
    found = _names(proxy)
    assert "okta.users.read" in found
    assert all("users" in " ".join((n, *CATALOG.get(n).areas, CATALOG.get(n).description)).lower() for n in found)
    proxy.set_text("LOGS")
    assert "okta.logs.read" in _names(proxy) and all("logs" in n.lower() for n in _names(proxy))
    proxy.set_text("zzzz-no-such-thing")
    assert proxy.rowCount() == 0
    proxy.set_text("")
    assert proxy.rowCount() == len(CATALOG.scopes)


def test_area_kind_and_state_filters(models: Any) -> None:
    model, proxy = models
    area = CATALOG.get("okta.users.read").areas[0]
    proxy.set_area(area)
    assert set(_names(proxy)) == {s.name for s in CATALOG.scopes if area in s.areas}
    proxy.set_area(None)
    proxy.set_kind("manage")
    assert all(n.endswith(".manage") for n in _names(proxy))
    assert proxy.rowCount() == sum(1 for s in CATALOG.scopes if s.verb == "manage")
    proxy.set_kind("other")
    assert proxy.rowCount() == sum(1 for s in CATALOG.scopes if s.verb not in ("read", "manage"))
    proxy.set_kind(None)
    proxy.set_state("picked")
    assert set(_names(proxy)) == {"okta.users.read", "okta.logs.read"}
    model.set_granted(["okta.users.read", "okta.groups.read"])
    proxy.set_state("picked, not granted")
    assert _names(proxy) == ["okta.logs.read"]
    proxy.set_state("granted, not picked")
    assert _names(proxy) == ["okta.groups.read"]
    model.pick("okta.groups.read")
    proxy.refresh()
    assert proxy.rowCount() == 0
    assert model.index(model.row_of("okta.groups.read"), GRANTED).data() == "granted"
    assert model.index(model.row_of("okta.apps.read"), GRANTED).data() == "not granted"
    model.set_granted(None)
    assert model.index(model.row_of("okta.apps.read"), GRANTED).data() == ""


def test_check_boxes_pick_and_signal(models: Any, qtbot: Any) -> None:
    model, _ = models
    index = model.index(model.row_of("okta.apps.read"), NAME)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, AREA)) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(model.picked_changed):
        assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert "okta.apps.read" in model.picked()
    model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert "okta.apps.read" not in model.picked()
    assert not model.setData(model.index(0, KIND), "x", Qt.ItemDataRole.EditRole)


def test_sorting_by_operation_count_is_numeric(models: Any) -> None:
    _, proxy = models
    proxy.sort(OPS, Qt.SortOrder.DescendingOrder)
    counts = [int(proxy.index(row, OPS).data()) for row in range(proxy.rowCount())]
    assert counts == sorted(counts, reverse=True) and counts[0] > 9  # numbers, not text ("9" > "45")
    proxy.sort(NAME, Qt.SortOrder.AscendingOrder)
    names = _names(proxy)
    assert names == sorted(names, key=str.lower)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_garbage_search_text_never_crashes(qapp: Any, text: str) -> None:
    proxy = ScopeFilterProxy()
    proxy.setSourceModel(ScopeTableModel(CATALOG))
    proxy.set_text(text)
    assert 0 <= proxy.rowCount() <= len(CATALOG.scopes)


def test_operations_model_lists_what_a_scope_opens(qapp: Any) -> None:
    model = OperationTableModel()
    for name in ("okta.users.read", "okta.users.manage", "okta.groups.read", "okta.workflows.invoke.manage"):
        expected = CATALOG.operations_for(name)
        model.set_operations(expected)
        assert model.rowCount() == len(expected)
        assert [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())] == \
            [(op.method, op.path) for op in expected]
    manage = CATALOG.operations_for("okta.users.manage")
    assert len(manage) == CATALOG.get("okta.users.manage").operation_count \
        + CATALOG.get("okta.users.read").operation_count  # .manage lists what .read opens too
    kinds = {access_text(op) for op in CATALOG.operations}
    assert {"public", "OAuth only", "SSWS only", "OAuth or SSWS"} <= kinds
    lifecycles = {model.index(r, 3).data() for r in range(model.rowCount())}
    assert lifecycles <= {"GA", "EA", "LIMITED_GA", "—"}


def test_grant_and_role_models(qapp: Any) -> None:
    grants = GrantTableModel()
    grants.set_grants([Grant("oag1", "okta.users.read", "https://o", "ACTIVE", source="ADMIN"),
                       Grant("oag2", "okta.logs.read", "https://o", "ACTIVE")], ["okta.users.read", "okta.apps.read"])
    rows = {grants.index(r, 0).data(): grants.index(r, 1).data() for r in range(grants.rowCount())}
    assert rows == {"okta.users.read": "granted", "okta.logs.read": "extra", "okta.apps.read": "missing"}
    assert grants.grant_for("okta.logs.read").id == "oag2" and grants.grant_for("okta.apps.read") is None
    grants.set_picked(["okta.logs.read"])
    assert grants.diff.extra == ("okta.users.read",)
    roles = RoleTableModel()
    engineering = Resource("group", "00g1", "Engineering")
    roles.set_roles([ScopedRole(RoleAssignment("irb1", "SUPER_ADMIN", "Super Administrator", "ACTIVE")),
                     ScopedRole(RoleAssignment("irb2", "USER_ADMIN", "Group Administrator", "ACTIVE"), (engineering,)),
                     ScopedRole(RoleAssignment("irb3", "CUSTOM", "Reader", "ACTIVE"), (), ("okta.users.read",),
                                (Resource("users-of-group", "00g1", "Engineering"),), "Reader", "Reader")])
    assert roles.index(0, 0).data() == "SUPER_ADMIN" and roles.index(0, 3).data() == "irb1"
    assert roles.headerData(0, Qt.Orientation.Horizontal) == "Role"
    assert [roles.index(r, 1).data() for r in range(3)] == [
        "do anything, grant scopes and assign roles across the whole org",
        "manage users and groups in group Engineering only", "Reader: read users in group Engineering"]
    tip = Qt.ItemDataRole.ToolTipRole
    assert [roles.index(r, 1).data(tip) for r in range(3)] == [
        "not scoped: the whole org", "scoped to group Engineering",
        "custom role Reader: okta.users.read\nresource set Reader: users in group Engineering"]
