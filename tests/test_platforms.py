"""The tests' own OS helpers (tests/platforms.py), each branch with sys.platform faked: they read nothing else."""

from __future__ import annotations

import pytest

from tests.platforms import maxrss_mb, without_display


@pytest.mark.parametrize(("platform", "reported", "mb"), [("linux", 2048, 2.0), ("darwin", 2 * 1024 * 1024, 2.0)])
def test_maxrss_is_read_in_the_unit_the_os_reports(monkeypatch: pytest.MonkeyPatch, platform: str, reported: int,
                                                   mb: float) -> None:
    monkeypatch.setattr("sys.platform", platform)  # macOS reports bytes, Linux kibibytes
    assert maxrss_mb(reported) == mb


@pytest.mark.parametrize(("platform", "plugin"), [("linux", None), ("win32", "offscreen"), ("darwin", "offscreen")])
def test_a_child_without_a_display(monkeypatch: pytest.MonkeyPatch, platform: str, plugin: str | None) -> None:
    monkeypatch.setattr("sys.platform", platform)
    env = without_display({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w", "QT_QPA_PLATFORM": "xcb", "PATH": "/bin"})
    assert env == {"PATH": "/bin", **({"QT_QPA_PLATFORM": plugin} if plugin else {})}
