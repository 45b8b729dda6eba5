"""Settings durability: kill -9 a process in the middle of 1,000 saves; the file always loads.

The rounds are scripts/settings_durability.py's, which prints the same figure for more kills.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.figures import Figures

KILLS = 20  # each round runs ~5 s on a disk that fsyncs; scripts/settings_durability.py --kills 100 for more


def _script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "settings_durability.py"
    spec = importlib.util.spec_from_file_location("settings_durability", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_killed_save_leaves_the_new_file_or_the_previous_one(figures: Figures) -> None:
    script = _script()
    outcome = script.run(KILLS, 1000, seed=14)
    figures.add("settings durability", outcome.figure(1000))
    assert outcome.kills == outcome.parsed == KILLS
    assert outcome.torn == outcome.lost == 0


@pytest.mark.slow
def test_the_check_catches_a_save_that_writes_in_place() -> None:
    # the same rounds with a plain write instead of write_atomic: kills leave torn files, and the check sees them
    outcome = _script().run(8, 1000, unsafe=True, seed=14)
    assert outcome.torn > 0
