"""Private material written with -o is never readable by others, not even while it is being written."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from oktatool.commands.common import write_output
from tests.platforms import posix_modes


@posix_modes
def test_an_existing_world_readable_file_is_tightened_before_the_secret_lands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "key.json"
    target.write_text("old")
    target.chmod(0o644)
    modes_when_written: list[int] = []
    real_fdopen = os.fdopen

    def watching_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        modes_when_written.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", watching_fdopen)
    write_output('{"d": "secret"}', str(target), private=True)
    assert modes_when_written == [0o600]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == '{"d": "secret"}\n'

