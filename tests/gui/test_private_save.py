"""The window's Save for a private output works where os.fchmod is missing (Windows Python before 3.13)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from oktatool.gui.widgets.output_pane import OutputPane
from tests.platforms import assert_mode


def test_a_private_pane_saves_owner_only_without_fchmod(qtbot: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fchmod", raising=False)
    pane = OutputPane("jwk", "Private JWK", "keep secret", private=True, suffix=".json")
    qtbot.addWidget(pane)
    pane.view.setPlainText('{"kty": "EC", "d": "secret"}')
    target = tmp_path / "key.private.json"
    assert pane.save_to(target)
    assert target.read_text() == '{"kty": "EC", "d": "secret"}\n'
    assert_mode(target, 0o600)
    assert not pane.save_to(tmp_path / "no-such-folder" / "x.json")
    assert not (tmp_path / "no-such-folder").exists()
