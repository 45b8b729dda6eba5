"""The platform plugin each OS gets: native where there is one, offscreen on a Linux with no display, and
offscreen's fonts on Windows. The code reads nothing OS-specific but sys.platform, so faking it is fair."""

from __future__ import annotations

import os

import pytest

from oktatool.gui.qt_platform import display_problem

QT_VARIABLES = ("QT_QPA_PLATFORM", "QT_QPA_FONTDIR", "DISPLAY", "WAYLAND_DISPLAY")


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No display and no Qt variables; the test then says which OS it is."""
    for name in QT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SYSTEMROOT", "D:\\Win")
    return monkeypatch


def test_linux_without_a_display_runs_headless_modes_offscreen(on: pytest.MonkeyPatch) -> None:
    on.setattr("sys.platform", "linux")
    assert display_problem(True) is None
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert "QT_QPA_FONTDIR" not in os.environ  # fontconfig finds Linux's fonts


def test_linux_without_a_display_says_why_no_window_opens(on: pytest.MonkeyPatch) -> None:
    on.setattr("sys.platform", "linux")
    assert (display_problem(False) or "").startswith("error: no display found")
    assert "QT_QPA_PLATFORM" not in os.environ


@pytest.mark.parametrize("platform", ["win32", "darwin"])
@pytest.mark.parametrize("headless", [True, False])
def test_windows_and_macos_keep_their_native_plugin(on: pytest.MonkeyPatch, platform: str, headless: bool) -> None:
    on.setattr("sys.platform", platform)  # no DISPLAY there: a desktop session always has a screen
    assert display_problem(headless) is None
    assert "QT_QPA_PLATFORM" not in os.environ and "QT_QPA_FONTDIR" not in os.environ


@pytest.mark.parametrize("requested", ["offscreen", "offscreen:fontengine=freetype"])
def test_offscreen_on_windows_reads_the_system_fonts(on: pytest.MonkeyPatch, requested: str) -> None:
    on.setattr("sys.platform", "win32")
    on.setenv("QT_QPA_PLATFORM", requested)
    assert display_problem(True) is None
    assert os.environ["QT_QPA_PLATFORM"] == requested
    assert os.environ["QT_QPA_FONTDIR"] == "D:\\Win\\Fonts"


def test_a_font_folder_given_is_kept(on: pytest.MonkeyPatch) -> None:
    on.setattr("sys.platform", "win32")
    on.setenv("QT_QPA_PLATFORM", "offscreen")
    on.setenv("QT_QPA_FONTDIR", "E:\\fonts")
    assert display_problem(False) is None
    assert os.environ["QT_QPA_FONTDIR"] == "E:\\fonts"


@pytest.mark.parametrize(("platform", "requested"), [("darwin", "offscreen"), ("linux", "offscreen"),
                                                     ("win32", "windows")])
def test_only_offscreen_on_windows_needs_a_font_folder(on: pytest.MonkeyPatch, platform: str,
                                                       requested: str) -> None:
    on.setattr("sys.platform", platform)
    on.setenv("QT_QPA_PLATFORM", requested)
    assert display_problem(False) is None
    assert os.environ["QT_QPA_PLATFORM"] == requested and "QT_QPA_FONTDIR" not in os.environ
