"""Settings: defaults and first run, round trips, per-member fallback, corrupt files, atomic writes."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.errors import ConfigError
from oktatool.core.files import write_atomic
from oktatool.core.store.settings import (
    SANDBOX_ORG,
    SANDBOX_PROFILE,
    Preferences,
    Profile,
    Settings,
    SettingsStore,
    WindowState,
    load_settings,
    save_settings,
    settings_from_dict,
    settings_to_dict,
)
from tests.platforms import assert_mode, posix_modes


def test_first_run_creates_the_local_sandbox_profile(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    store = SettingsStore(path)
    assert store.load_result.first_run
    assert [p.name for p in store.settings.profiles] == [SANDBOX_PROFILE]
    assert store.settings.profile().is_sandbox
    assert store.settings.profile().org_url == SANDBOX_ORG
    assert json.loads(path.read_text())["profiles"][0]["name"] == SANDBOX_PROFILE
    assert SettingsStore(path).load_result.first_run is False


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = Settings(
        profiles=(Profile("prod", "https://example.okta.com", "0oa1", "prod-key", ("okta.users.read",), True),
                  Profile(SANDBOX_PROFILE)),
        active_profile="prod",
        preferences=Preferences(color_scheme="dark", secret_store="file", assertion_lifetime=120,
                                network_timeout=12.5, confirm_delete=False),
        window=WindowState(x=10, y=-20, width=900, height=700, maximized=True, tab="scopes"),
    )
    save_settings(path, original)
    assert load_settings(path).settings == original
    assert_mode(path, 0o600)


def test_a_corrupt_file_is_kept_aside_and_defaults_are_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"profiles": [', encoding="utf-8")
    result = load_settings(path, now=datetime(2026, 11, 27, 23, 5, 9, tzinfo=UTC))
    assert result.settings == Settings()
    assert result.kept_file == tmp_path / "settings.json.corrupt-20261127T230509Z"
    assert result.kept_file.read_text() == '{"profiles": ['
    assert not path.exists()
    assert result.notice is not None and str(result.kept_file) in result.notice
    assert "not valid JSON" in result.notice


def test_two_corruptions_in_the_same_second_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    path.write_text("[1, 2]", encoding="utf-8")
    first = load_settings(path, now=now).kept_file
    path.write_text("\xff\xfe", encoding="latin-1")
    second = load_settings(path, now=now).kept_file
    assert first != second and first is not None and second is not None
    assert first.exists() and second.exists()


def test_the_store_saves_defaults_over_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("not json", encoding="utf-8")
    store = SettingsStore(path)
    assert store.load_result.notice
    assert load_settings(path).settings == Settings()
    assert len(list(tmp_path.glob("settings.json.corrupt-*"))) == 1


def test_invalid_members_fall_back_one_by_one() -> None:
    raw = {
        "active_profile": "missing",
        "profiles": [{"name": "a", "org_url": 5, "client_id": ["x"], "scopes": ["s1", 3, ""], "dpop": "yes"},
                     {"name": ""}, "junk", {"name": "a", "client_id": "duplicate"}],
        "preferences": {"color_scheme": "purple", "assertion_lifetime": 99999, "network_timeout": True,
                        "confirm_delete": False, "unknown": 1},
        "window": {"x": "10", "y": 5, "width": 50, "height": 600, "tab": "nope", "maximized": 1},
        "future_member": {"kept": "no"},
    }
    result = settings_from_dict(raw)
    assert result.profiles == (Profile("a", SANDBOX_ORG, "", None, ("s1",), False),)
    assert result.active_profile == "a"
    assert result.preferences == Preferences(confirm_delete=False)
    assert result.window == WindowState(x=None, y=5, height=600)


def test_an_empty_profile_list_gets_the_sandbox_back() -> None:
    assert settings_from_dict({"profiles": []}).profiles == Settings().profiles


def test_secrets_have_no_place_in_the_schema() -> None:
    written = json.dumps(settings_to_dict(Settings()))
    for word in ("password", "secret_value", "private", "token", "passphrase"):
        assert word not in written


def test_profile_editing_rules() -> None:
    base = Settings()
    added = base.with_profile(Profile("prod", "https://x.okta.com"))
    assert [p.name for p in added.profiles] == [SANDBOX_PROFILE, "prod"]
    renamed = added.with_active("prod").with_profile(Profile("production", "https://x.okta.com"), replacing="prod")
    assert renamed.active_profile == "production"
    with pytest.raises(ConfigError, match="already exists"):
        renamed.with_profile(Profile("production"), replacing=SANDBOX_PROFILE)
    assert renamed.without_profile("production").active_profile == SANDBOX_PROFILE
    with pytest.raises(ConfigError, match="last profile"):
        base.without_profile(SANDBOX_PROFILE)
    with pytest.raises(ConfigError):
        base.with_active("nope")
    keyed = renamed.with_profile(Profile("production", "https://x.okta.com", key_ref="k1"), replacing="production")
    assert keyed.with_key_renamed("k1", "k2").profile("production").key_ref == "k2"


def test_atomic_write_leaves_the_old_file_when_the_rename_fails(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings())
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ConfigError, match="No space left"):
        save_settings(path, Settings(active_profile=SANDBOX_PROFILE, window=WindowState(width=999)))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                max_size=6),
                    max_leaves=20))
def test_any_json_object_decodes_to_valid_settings(value: object) -> None:
    raw = value if isinstance(value, dict) else {"profiles": value}
    decoded = settings_from_dict(raw)
    assert decoded.profiles
    assert decoded.active_profile in {p.name for p in decoded.profiles}
    assert settings_from_dict(settings_to_dict(decoded)) == decoded


@posix_modes
def test_a_leftover_temp_file_does_not_lend_its_mode_to_a_private_file(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "secrets.enc"
    stale = tmp_path / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    stale.write_bytes(b"left by a crash")
    stale.chmod(0o644)
    write_atomic(path, b"ciphertext", mode=0o600)
    assert path.read_bytes() == b"ciphertext"
    assert_mode(path, 0o600)
    assert not stale.exists()
