"""Every Save of the window suggests a file name that Windows accepts, whatever the key's kid holds."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from oktatool.gui.keys.tab import KeysTab
from tests.gui.conftest import finish
from tests.gui.test_keys_tab import tab

__all__ = ["tab"]  # the fixture, shared with test_keys_tab


@pytest.fixture
def suggested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the Save dialog suggests (the dialog is cancelled)."""
    seen: list[str] = []

    def dialog(parent: Any, title: str, directory: str, *rest: Any) -> tuple[str, str]:
        seen.append(directory)
        return "", ""

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", dialog)
    return seen


@pytest.mark.parametrize("mode, custom", [("iso-date", ""), ("none", ""), ("custom", 'prod:2026 <a|b> "c"? *')])
def test_the_keys_save_suggests_a_valid_name(qtbot: Any, tab: KeysTab, aloop: asyncio.AbstractEventLoop,
                                             suggested: list[str], mode: str, custom: str) -> None:
    tab.form.kty.setCurrentText("EC")
    tab.form.kid_mode.setCurrentText(mode)
    tab.form.kid_edit.setText(custom)
    finish(aloop, tab.generate())
    assert tab.key is not None and (custom == "" or tab.key.kid == custom)
    tab.outputs.select("jwk")
    qtbot.mouseClick(tab.outputs.save_button, Qt.MouseButton.LeftButton)
    [directory] = suggested
    name = Path(directory).name
    assert Path(directory).parent == Path.home()
    assert not set('<>:"|?*\\') & set(name), name
    assert name.endswith(".json") and not name.startswith(".")
