"""The Console's models without a view: response rows, key/value pairs, history, the JSON tree and its search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from oktatool.core.okta.history import HistoryEntry
from oktatool.gui.models.history_model import HistoryFilter, HistoryModel
from oktatool.gui.models.json_tree import GROUP, JsonTreeModel, find_paths
from oktatool.gui.models.key_values import KeyValueModel
from oktatool.gui.models.response_rows import ROWS_PER_TURN, ResponseRowsModel, RowsFilterProxy

H = Qt.Orientation.Horizontal


def users(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"id": f"00u{i:05d}", "status": "ACTIVE" if i % 3 else "SUSPENDED", "n": i,
             "profile": {"login": f"user{(i * 7919) % n:05d}@example.com"}, "_links": {"self": {"href": "x"}}}
            for i in range(start, start + n)]


def test_rows_stream_in_with_columns_from_the_keys(qapp: Any) -> None:
    model = ResponseRowsModel()
    model.append_rows(users(200))
    model.append_rows([*users(2, 200), {"id": "extra", "lastLogin": None, "flag": True}])
    headers = [model.headerData(c, H) for c in range(model.columnCount())]
    assert headers[:4] == ["id", "status", "n", "profile.login"] and "_links" in headers and "lastLogin" in headers
    assert model.rowCount() == 203
    assert model.data(model.index(0, 3)) == model.items[0]["profile"]["login"]
    assert model.data(model.index(202, headers.index("flag"))) == "true"
    assert model.data(model.index(0, headers.index("lastLogin"))) == ""


def test_one_hundred_thousand_rows_sort_and_filter(qapp: Any) -> None:
    model = ResponseRowsModel()
    for page in range(500):
        model.append_rows(users(200, page * 200))
    proxy = RowsFilterProxy()
    proxy.setSourceModel(model)
    assert model.rowCount() == proxy.rowCount() == 100_000
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 2)) == "99999"
    proxy.sort(3)
    logins = [model.data(model.index(r, 3)) for r in range(0, 100_000, 997)]
    assert logins == sorted(logins)
    proxy.set_filter_text("SUSPENDED")
    assert proxy.rowCount() == 33_334
    csv_text = model.csv_text()
    assert csv_text.splitlines()[0].startswith("id,status,n,profile.login") and csv_text.count("\n") == 100_001


def test_key_values_grow_from_the_blank_row(qapp: Any) -> None:
    model = KeyValueModel()
    assert model.rowCount() == 1
    assert model.setData(model.index(0, 0), "limit")
    assert model.setData(model.index(0, 1), "200")
    assert model.rowCount() == 2 and model.pairs() == [("limit", "200")]
    model.remove_rows([0, 5])
    assert model.pairs() == []
    read_only = KeyValueModel(editable=False)
    read_only.set_pairs([("X-Okta-Request-Id", "abc")])
    assert read_only.rowCount() == 1 and not read_only.setData(read_only.index(0, 1), "x")


def test_history_is_newest_first_and_searchable(qapp: Any) -> None:
    model = HistoryModel()
    model.set_entries([HistoryEntry.safe(time=n, profile="p", method="GET", path=f"/api/v1/{what}", status=code,
                                         duration_ms=5, request_id=f"r{n}")
                       for n, (what, code) in enumerate([("users", 200), ("groups", 403), ("logs", None)])])
    assert model.data(model.index(0, 3)) == "/api/v1/logs" and model.data(model.index(0, 4)) == "failed"
    search = HistoryFilter()
    search.setSourceModel(model)
    search.set_search("403")
    assert search.rowCount() == 1 and search.data(search.index(0, 3)) == "/api/v1/groups"
    search.set_search("r0 users")
    assert search.rowCount() == 1


def test_the_json_tree_is_lazy_and_search_survives_deep_nesting(qapp: Any) -> None:
    model = JsonTreeModel()
    data = {"items": list(range(100_000)), "profile": {"login": "ada@example.com"}}
    model.set_data(data)
    assert model.rowCount() == 2
    items = model.index(0, 0)
    assert model.data(model.index(0, 1)) == "[100000 items]" and model.hasChildren(items)
    assert 1 < model.rowCount(items) <= GROUP  # in groups: a view lays out at most GROUP rows per expand
    assert len(model.root._made[0]._made) == 0  # no node made for an item nobody looked at
    assert model.data(model.index_for(("items", 99_999)).siblingAtColumn(1)) == "99999"  # a search hit shows
    assert find_paths(data, "ADA") == [("profile", "login")]
    index = model.index_for(("profile", "login"))
    assert model.data(index.siblingAtColumn(1)) == '"ada@example.com"'
    assert model.parent(index).isValid() and not model.parent(model.parent(index)).isValid()
    deep: Any = "needle"
    for _ in range(50_000):
        deep = [deep]
    assert len(find_paths(deep, "needle")[0]) == 50_000
    assert model.index(5, 0, QModelIndex()).isValid() is False


def test_history_shows_the_active_profile_on_its_org_or_every_profile(qapp: Any) -> None:
    def call(profile: str, org: str, request_id: str) -> HistoryEntry:
        return HistoryEntry.safe(time=1.0, profile=profile, method="GET", path="/api/v1/users", status=200,
                                 duration_ms=5, request_id=request_id, org=org)

    model = HistoryModel()
    model.set_entries([call("dev", "https://dev-1.okta.com", "dev-call"), call("sb", "sandbox", "sandbox-call"),
                       call("dev", "https://dev-2.okta.com", "moved-call"),
                       HistoryEntry.safe(time=1.0, profile="dev", method="GET", path="/", status=200, duration_ms=5,
                                         request_id="old-file-call")])
    shown = HistoryFilter()
    shown.setSourceModel(model)

    def ids() -> set[str]:
        return {shown.index(row, 6).data() for row in range(shown.rowCount())}

    assert len(ids()) == 4
    shown.set_owner(("dev", "https://dev-1.okta.com"))
    assert ids() == {"dev-call", "old-file-call"}  # an entry from before orgs were kept counts as the profile's
    shown.set_owner(("dev", "https://dev-2.okta.com"))  # the profile pointed at another org: its old calls go
    assert ids() == {"moved-call", "old-file-call"}
    shown.set_owner(None)
    assert len(ids()) == 4


def test_a_big_answer_goes_into_the_table_a_batch_per_turn_and_every_row_arrives(qtbot: Any) -> None:
    model = ResponseRowsModel()
    proxy = RowsFilterProxy()
    proxy.setSourceModel(model)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    done: list[bool] = []
    model.all_shown.connect(lambda: done.append(True))
    model.append_rows(users(5 * ROWS_PER_TURN + 7))
    assert len(model.items) == 5 * ROWS_PER_TURN + 7  # held at once: Save and sorting see every item
    assert model.rowCount() == ROWS_PER_TURN and not model.showing_all()  # one batch shown at once
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)  # the rest, a batch per turn of the event loop
    assert model.rowCount() == proxy.rowCount() == 5 * ROWS_PER_TURN + 7
    assert max(inserted) == ROWS_PER_TURN and sum(inserted) == 5 * ROWS_PER_TURN + 7
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == \
        [f"00u{i:05d}" for i in range(5 * ROWS_PER_TURN + 7)]


def test_a_long_list_shows_in_groups_each_with_every_item_it_holds(qtbot: Any) -> None:
    from PySide6.QtWidgets import QTreeView

    data = {"items": [{"n": i} for i in range(3 * GROUP + 5)], "other": 1}
    for key in ("items", None):  # a long list inside the answer, and the answer itself
        model = JsonTreeModel()
        model.set_data(data if key else data["items"])
        view = QTreeView()
        qtbot.addWidget(view)
        view.setModel(model)
        items = model.index(0, 0) if key else QModelIndex()
        view.expand(items)
        assert model.rowCount(items) == 4 and model.data(model.index(0, 1, items)) == ""
        assert [model.index(row, 0, items).data() for row in range(4)] == \
            [f"[{n * GROUP} … {n * GROUP + GROUP - 1}]" for n in range(3)] + [f"[{3 * GROUP} … {3 * GROUP + 4}]"]
        shown = []
        for row in range(4):
            group = model.index(row, 0, items)
            view.expand(group)
            assert model.rowCount(group) <= GROUP
            shown += [model.index(n, 0, group).data() for n in range(model.rowCount(group))]
        assert shown == [str(i) for i in range(len(data["items"]))]  # every item, in order, once
        last = model.index(4, 0, model.index(3, 0, items))
        assert model.index(0, 1, last).data() == str(3 * GROUP + 4)
        hit = model.index_for((*(("items",) if key else ()), 2 * GROUP + 7, "n"))  # a search hit, through its group
        assert hit.siblingAtColumn(1).data() == str(2 * GROUP + 7) and hit.parent().parent().parent() == items


def test_a_list_of_over_group_squared_items_shows_groups_of_groups(qapp: Any) -> None:
    model = JsonTreeModel()
    model.set_data(list(range(GROUP * GROUP + 1)))
    assert model.rowCount() == 2  # GROUP groups of GROUP items in one, and the last item in the other
    top = model.index(0, 0)
    assert top.data() == f"[0 … {GROUP * GROUP - 1}]" and model.rowCount(top) == GROUP
    assert model.index(GROUP - 1, 0, top).data() == f"[{GROUP * GROUP - GROUP} … {GROUP * GROUP - 1}]"
    assert model.index_for((GROUP * GROUP,)).siblingAtColumn(1).data() == str(GROUP * GROUP)
    assert model.index_for((GROUP * 7 + 3,)).data() == str(GROUP * 7 + 3)


def test_rows_given_later_wait_for_the_next_turn_so_the_answer_and_the_table_paint_apart(qtbot: Any) -> None:
    model = ResponseRowsModel()
    done: list[bool] = []
    model.all_shown.connect(lambda: done.append(True))
    model.append_rows(users(3), later=True)
    assert model.rowCount() == 0 and len(model.items) == 3 and not done  # nothing inserted in this turn
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    assert model.rowCount() == 3
