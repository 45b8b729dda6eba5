"""ProfileSession: one per active Profile value, replaced (and closed) when that value changes, told once."""

from __future__ import annotations

from pathlib import Path

from oktatool.context import AppContext, ProfileSession
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import Profile, SettingsStore


def _context(home: Path) -> AppContext:
    paths = AppPaths.resolve(home)
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    dev = Profile(name="dev", org_url="https://dev-123456.okta.com", client_id="0oadev")
    context.save_settings(context.settings.settings.with_profile(dev))
    return context


def test_switching_profile_replaces_the_session_once_and_closes_the_old(isolated_home: Path) -> None:
    context = _context(isolated_home)
    first = context.session
    assert first.profile.is_sandbox
    first.part("console", dict)["token"] = "old"
    cancelled: list[str] = []
    first.on_close(lambda: cancelled.append("request"))
    changes: list[tuple[ProfileSession, ProfileSession]] = []
    context.profile_listeners.append(lambda new, old: changes.append((new, old)))

    context.save_settings(context.settings.settings.with_active("dev"))

    assert len(changes) == 1
    new, old = changes[0]
    assert old is first and old.closed and old.cancel.is_set()
    assert cancelled == ["request"]
    assert new is context.session and new.profile.name == "dev" and not new.closed
    assert new.part("console", dict) == {}  # nothing of the old profile's state
    first.on_close(lambda: cancelled.append("late"))  # a request started on a closed session is cancelled at once
    assert cancelled == ["request", "late"]


def test_editing_the_active_profile_value_makes_a_new_session(isolated_home: Path) -> None:
    context = _context(isolated_home)
    context.save_settings(context.settings.settings.with_active("dev"))
    before = context.session
    settings = context.settings.settings
    moved = settings.profile()._replace(org_url="https://dev-654321.okta.com")
    context.save_settings(settings.with_profile(moved))
    assert before.closed and context.session.profile.org_url == "https://dev-654321.okta.com"
    same = context.session
    context.save_settings(context.settings.settings)  # saving the same value keeps the session
    assert context.session is same and not same.closed


def test_app_parts_move_to_the_next_session_only_when_the_picks_changed(isolated_home: Path) -> None:
    """A loaded key or fetched grants belong to the app: new scopes keep them, another org or key does not."""
    context = _context(isolated_home)
    context.save_settings(context.settings.settings.with_active("dev"))
    first = context.session
    grants = first.part("grants", dict, app=True)
    grants["ids"] = ["oag1"]
    first.part("try", dict)["answer"] = "token for the old picks"
    settings = context.settings.settings
    context.save_settings(settings.with_profile(settings.profile()._replace(scopes=("okta.users.read",))))
    second = context.session
    assert first.closed and second is not first
    assert second.part("grants", dict, app=True) is grants  # the same app: still its grants
    assert second.part("try", dict) == {}  # made for the old picks: gone
    settings = context.settings.settings
    context.save_settings(settings.with_profile(settings.profile()._replace(key_ref="another key")))
    assert context.session.part("grants", dict, app=True) == {}  # another key: nothing carried
