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
