"""Garbage collection stays on the GUI thread while the window lives."""

from __future__ import annotations

import gc
from typing import Any

from oktatool.gui.tasks import GuiThreadCollector


def test_collector_takes_over_and_gives_back_collection(qapp: Any) -> None:
    collector = GuiThreadCollector(qapp, interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()

        class Cycle:
            def __init__(self) -> None:
                self.me = self

        for _ in range(gc.get_threshold()[0] + 10):
            Cycle()
        assert gc.get_count()[0] > gc.get_threshold()[0]  # nothing collected them behind our back
        collector.collect()
        assert gc.get_count()[0] < gc.get_threshold()[0]
    finally:
        collector.stop()
    assert gc.isenabled()


def test_a_bulk_of_new_objects_is_frozen_not_looked_through_and_later_cycles_are_collected(qapp: Any) -> None:
    import json

    from oktatool.gui.tasks import MAX_SCANNED

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    collector = GuiThreadCollector(qapp, interval_ms=60_000)
    collector.start()
    try:
        collector.collect()
        frozen = gc.get_freeze_count()
        answer = json.loads(json.dumps([{"id": i, "tags": [i]} for i in range(MAX_SCANNED)]))  # as a worker parses
        assert gc.get_count()[0] > MAX_SCANNED
        collector.collect()
        assert gc.get_freeze_count() >= frozen + 2 * MAX_SCANNED  # set aside at once, no collection looked at them
        assert gc.get_count()[0] < gc.get_threshold()[0]
        for _ in range(gc.get_threshold()[0] + 10):  # garbage made since is collected as before
            Cycle()
        frozen = gc.get_freeze_count()
        collected = sum(generation["collected"] for generation in gc.get_stats())  # whichever generation it was
        collector.collect()
        assert sum(generation["collected"] for generation in gc.get_stats()) >= collected + gc.get_threshold()[0]
        assert gc.get_freeze_count() <= frozen  # not frozen this time (a frozen object may have been freed)
        del answer
        assert gc.get_freeze_count() < frozen - MAX_SCANNED  # a frozen object is still freed with its last reference
    finally:
        collector.stop()
        gc.unfreeze()
