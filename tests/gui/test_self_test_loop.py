"""--self-test's loop step asks the loop's class: on Windows qasync's loop is QIOCPEventLoop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import qasync

from oktatool.gui.self_test import qasync_loop_kind


def test_qasync_loop_is_recognised_by_its_class_whatever_its_name(qapp: Any) -> None:
    # qasync.QEventLoop by the name it has on Windows (QIOCPEventLoop needs the Windows proactor to exist)
    windows_named = type("QIOCPEventLoop", (qasync.QEventLoop,), {})
    loop = windows_named(qapp)
    try:
        assert qasync_loop_kind(loop) == "QIOCPEventLoop"
    finally:
        loop.close()


def test_the_loop_of_this_os_passes(aloop: asyncio.AbstractEventLoop) -> None:
    assert qasync_loop_kind(aloop) == qasync.QEventLoop.__name__


def test_a_loop_that_is_not_qasync_fails_the_step() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError, match="not qasync's"):
            qasync_loop_kind(loop)
    finally:
        loop.close()
