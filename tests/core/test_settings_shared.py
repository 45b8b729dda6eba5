"""Two processes saving one settings.json (the window and a command): neither loses the other's profiles."""

from __future__ import annotations

import json
from pathlib import Path

from oktatool.core.store.settings import Profile, SettingsStore, WindowState

NIGHTLY = Profile(name="nightly", org_url="sandbox", client_id="0oa0000001nightly001", key_ref="nightly abc",
                  scopes=("okta.users.read",))
PROD = Profile(name="prod", org_url="https://dev-123456.okta.com", client_id="0oaPROD")


def _names(path: Path) -> list[str]:
    return [p["name"] for p in json.loads(path.read_text())["profiles"]]


def test_a_profile_saved_by_a_command_survives_the_window_s_next_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    window = SettingsStore(path)  # first run: the file is written with the Local sandbox profile
    command = SettingsStore(path)
    command.update(command.settings.with_profile(NIGHTLY))  # app create --save-profile nightly

    # the window closes: it writes its size over the settings it read at start
    window.settings = window.settings._replace(window=WindowState(width=1400, height=900))
    assert window.save_quietly() is None
    assert _names(path) == ["Local sandbox", "nightly"]
    assert window.settings.profile("nightly") == NIGHTLY  # the window now knows the command's profile
    assert json.loads(path.read_text())["window"]["width"] == 1400


def test_each_side_s_edits_and_removals_are_kept_and_the_later_wins_on_one_profile(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first = SettingsStore(path)
    first.update(first.settings.with_profile(PROD).with_profile(NIGHTLY))
    window, command = SettingsStore(path), SettingsStore(path)
    command.update(command.settings.with_profile(NIGHTLY._replace(key_ref="nightly rotated")))  # app rotate
    window.update(window.settings.without_profile("prod").with_active("nightly"))
    saved = SettingsStore(path).settings
    assert [p.name for p in saved.profiles] == ["Local sandbox", "nightly"]
    assert saved.profile("nightly").key_ref == "nightly rotated" and saved.active_profile == "nightly"
    command.update(command.settings.with_profile(NIGHTLY._replace(scopes=("okta.logs.read",))))
    assert SettingsStore(path).settings.profile("nightly").scopes == ("okta.logs.read",)
    assert "prod" not in _names(path)  # the command's second save did not bring back what the window removed
