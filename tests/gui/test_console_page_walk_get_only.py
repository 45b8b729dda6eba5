"""Fetch all pages is offered for GET only (a tooltip says why), and the walk itself refuses another method."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from oktatool.core.errors import BadInputError
from oktatool.core.okta.api import METHODS
from oktatool.gui.console.page_walk import walk_pages
from oktatool.gui.console.request_editor import RequestEditor


def test_fetch_all_is_enabled_for_get_only_and_says_why(qtbot: Any) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    for method in METHODS:
        editor.method.setCurrentText(method)
        assert editor.all_button.isEnabled() == (method == "GET"), method
        if method != "GET":
            assert "Only GET walks pages" in editor.all_button.toolTip(), method
    editor.method.setCurrentText("GET")
    editor.set_busy(True)
    assert not editor.all_button.isEnabled()
    editor.set_busy(False)
    assert editor.all_button.isEnabled()
    editor.method.setCurrentText("DELETE")
    editor.set_busy(False)  # the end of a request does not switch it back on for a write
    assert not editor.all_button.isEnabled()


def test_the_walk_refuses_a_write_before_any_call() -> None:
    class _Refuse:
        def send(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a request was sent")

    walk = walk_pages(None, None, None, _Refuse(), "DELETE", "/api/v1/users/00u1", None,  # type: ignore[arg-type]
                      threading.Event())
    with pytest.raises(BadInputError):
        asyncio.run(walk)
