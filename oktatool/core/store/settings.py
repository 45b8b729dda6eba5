"""Profiles, preferences and window state: a typed schema stored as settings.json.

Reading never fails: a file that is not JSON is kept aside as ``settings.json.corrupt-<UTC time>`` and
the defaults are used (``LoadResult.notice`` says which file was kept); a member with a wrong type or an
out-of-range value falls back to its default on its own. Writing is atomic (temp file, fsync, rename).
Secrets never live here: a profile's ``key_ref`` names an entry of the key library in the secret store.

The window and a command may hold the file at once (``app create --save-profile`` while the window is
open): a save takes an exclusive lock on ``settings.lock`` beside the file and applies this process's
changes to the file as it is now (``merge_settings``), so neither loses the other's profiles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from oktatool.core.errors import ConfigError
from oktatool.core.files import exclusive_lock, keep_corrupt, write_atomic

if TYPE_CHECKING:
    from datetime import datetime  # imported when a corrupt file is kept aside: not on the start-up path

#: schema version written into settings.json
SCHEMA_VERSION = 1
#: the lock file beside settings.json that every saving process holds while it reads and writes
SETTINGS_LOCK = "settings.lock"
#: name of the profile every first run creates
SANDBOX_PROFILE = "Local sandbox"
#: org_url marker of a profile that talks to the built-in sandbox started in process
SANDBOX_ORG = "sandbox"
TAB_NAMES = ("keys", "jwt", "scopes", "console")
COLOR_SCHEMES = ("system", "light", "dark")
SECRET_STORE_CHOICES = ("auto", "keyring", "file")

T = TypeVar("T")


class Profile(NamedTuple):
    """One Okta org and service app to talk to; ``org_url`` "sandbox" means the built-in sandbox."""

    name: str
    org_url: str = SANDBOX_ORG
    client_id: str = ""
    key_ref: str | None = None
    scopes: tuple[str, ...] = ()
    dpop: bool = False
    #: ask before a POST, PUT, PATCH or DELETE to a production org (the Console; turn off per profile)
    confirm_writes: bool = True
    #: the authorization server tokens come from: "" the org server (Okta API scopes), else "default" or "aus…"
    auth_server: str = ""

    @property
    def is_sandbox(self) -> bool:
        """Return True when this profile uses the built-in sandbox org."""
        return self.org_url == SANDBOX_ORG


class Preferences(NamedTuple):
    """User choices that apply to every profile."""

    color_scheme: str = "system"
    secret_store: str = "auto"  # noqa: S105 - which store, not a secret
    assertion_lifetime: int = 300
    network_timeout: float = 30.0
    confirm_delete: bool = True


class WindowState(NamedTuple):
    """Where the main window was and which tab was shown."""

    x: int | None = None
    y: int | None = None
    width: int = 1100
    height: int = 750
    maximized: bool = False
    tab: str = "keys"


#: the profile every settings file starts with (and falls back to when it holds none)
SANDBOX_DEFAULT = Profile(name=SANDBOX_PROFILE, org_url=SANDBOX_ORG, scopes=("okta.users.read",))


class Settings(NamedTuple):
    """Everything settings.json holds."""

    profiles: tuple[Profile, ...] = (SANDBOX_DEFAULT,)
    active_profile: str = SANDBOX_PROFILE
    preferences: Preferences = Preferences()
    window: WindowState = WindowState()

    def profile(self, name: str | None = None) -> Profile:
        """Return the profile called ``name`` (default: the active one), or the first profile."""
        wanted = self.active_profile if name is None else name
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        return self.profiles[0]

    def with_profile(self, profile: Profile, *, replacing: str | None = None) -> Settings:
        """Return settings with ``profile`` added, or put in place of the profile named ``replacing``."""
        old = profile.name if replacing is None else replacing
        names = [p.name for p in self.profiles]
        if profile.name != old and profile.name in names:
            raise ConfigError(f"a profile called {profile.name!r} already exists", hint="choose another name")
        if old in names:
            profiles = tuple(profile if p.name == old else p for p in self.profiles)
        else:
            profiles = (*self.profiles, profile)
        active = profile.name if self.active_profile == old else self.active_profile
        return self._replace(profiles=profiles, active_profile=active)

    def without_profile(self, name: str) -> Settings:
        """Return settings without the profile ``name``; the last profile cannot be removed."""
        remaining = tuple(p for p in self.profiles if p.name != name)
        if not remaining:
            raise ConfigError("the last profile cannot be deleted", hint="add another profile first")
        active = self.active_profile if self.active_profile != name else remaining[0].name
        return self._replace(profiles=remaining, active_profile=active)

    def with_active(self, name: str) -> Settings:
        """Return settings whose active profile is ``name`` (which must exist)."""
        if name not in {p.name for p in self.profiles}:
            raise ConfigError(f"there is no profile called {name!r}")
        return self._replace(active_profile=name)

    def with_key_renamed(self, old: str, new: str | None) -> Settings:
        """Return settings whose profiles point at key ``new`` where they pointed at ``old`` (None: unset)."""
        profiles = tuple(p._replace(key_ref=new) if p.key_ref == old else p for p in self.profiles)
        return self._replace(profiles=profiles)


class LoadResult(NamedTuple):
    """What ``load_settings`` found: the settings, and a notice for the user when something was wrong."""

    settings: Settings
    first_run: bool = False
    notice: str | None = None
    kept_file: Path | None = None


# --- decoding: each member is checked on its own and falls back to its default -----------------------

def _pick(raw: Mapping[str, Any], key: str, default: T, check: Callable[[Any], bool]) -> T:
    value = raw.get(key, default)
    return value if check(value) else default


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _int_in(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _opt_int_in(low: int, high: int) -> Callable[[Any], bool]:
    check = _int_in(low, high)
    return lambda v: v is None or check(v)


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda v: v in choices


def _profile_from(raw: Any) -> Profile | None:
    if not isinstance(raw, Mapping):
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    org = raw.get("org_url", SANDBOX_ORG)
    scopes_raw = raw.get("scopes", [])
    scopes = tuple(s for s in scopes_raw if isinstance(s, str) and s) if isinstance(scopes_raw, list) else ()
    key_ref = raw.get("key_ref")
    return Profile(
        name=name.strip(),
        org_url=org if isinstance(org, str) and org.strip() else SANDBOX_ORG,
        client_id=_pick(raw, "client_id", "", _is_str),
        key_ref=key_ref if isinstance(key_ref, str) and key_ref else None,
        scopes=scopes,
        dpop=_pick(raw, "dpop", False, _is_bool),
        confirm_writes=_pick(raw, "confirm_writes", True, _is_bool),
        auth_server=_pick(raw, "auth_server", "", _is_str),
    )


def _preferences_from(raw: Any) -> Preferences:
    d = Preferences()
    if not isinstance(raw, Mapping):
        return d
    timeout = raw.get("network_timeout", d.network_timeout)
    ok_timeout = isinstance(timeout, int | float) and not isinstance(timeout, bool) and 1 <= timeout <= 600
    return Preferences(
        color_scheme=_pick(raw, "color_scheme", d.color_scheme, _one_of(COLOR_SCHEMES)),
        secret_store=_pick(raw, "secret_store", d.secret_store, _one_of(SECRET_STORE_CHOICES)),
        assertion_lifetime=_pick(raw, "assertion_lifetime", d.assertion_lifetime, _int_in(1, 3600)),
        network_timeout=float(timeout) if ok_timeout else d.network_timeout,
        confirm_delete=_pick(raw, "confirm_delete", d.confirm_delete, _is_bool),
    )


def _window_from(raw: Any) -> WindowState:
    d = WindowState()
    if not isinstance(raw, Mapping):
        return d
    coordinate = _opt_int_in(-100_000, 100_000)
    return WindowState(
        x=_pick(raw, "x", d.x, coordinate),
        y=_pick(raw, "y", d.y, coordinate),
        width=_pick(raw, "width", d.width, _int_in(300, 20_000)),
        height=_pick(raw, "height", d.height, _int_in(200, 20_000)),
        maximized=_pick(raw, "maximized", d.maximized, _is_bool),
        tab=_pick(raw, "tab", d.tab, _one_of(TAB_NAMES)),
    )


def settings_from_dict(raw: Mapping[str, Any]) -> Settings:
    """Build Settings from parsed JSON, keeping every valid member and defaulting the rest."""
    profiles: list[Profile] = []
    raw_profiles = raw.get("profiles")
    for item in raw_profiles if isinstance(raw_profiles, list) else []:
        profile = _profile_from(item)
        if profile is not None and profile.name not in {p.name for p in profiles}:
            profiles.append(profile)
    if not profiles:
        profiles.append(SANDBOX_DEFAULT)
    active = raw.get("active_profile")
    if not isinstance(active, str) or active not in {p.name for p in profiles}:
        active = profiles[0].name
    return Settings(
        profiles=tuple(profiles),
        active_profile=str(active),
        preferences=_preferences_from(raw.get("preferences")),
        window=_window_from(raw.get("window")),
    )


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """Return the JSON form of ``settings`` (the schema version first)."""
    return {
        "version": SCHEMA_VERSION,
        "active_profile": settings.active_profile,
        "profiles": [
            {"name": p.name, "org_url": p.org_url, "client_id": p.client_id, "key_ref": p.key_ref,
             "scopes": list(p.scopes), "dpop": p.dpop, "confirm_writes": p.confirm_writes,
             "auth_server": p.auth_server}
            for p in settings.profiles
        ],
        "preferences": {
            "color_scheme": settings.preferences.color_scheme,
            "secret_store": settings.preferences.secret_store,
            "assertion_lifetime": settings.preferences.assertion_lifetime,
            "network_timeout": settings.preferences.network_timeout,
            "confirm_delete": settings.preferences.confirm_delete,
        },
        "window": {
            "x": settings.window.x, "y": settings.window.y,
            "width": settings.window.width, "height": settings.window.height,
            "maximized": settings.window.maximized, "tab": settings.window.tab,
        },
    }


# --- files -----------------------------------------------------------------------------------------

def load_settings(path: Path, *, now: datetime | None = None, keep_aside: bool = True) -> LoadResult:
    """Read settings.json at ``path``; a missing file is a first run, a corrupt one is kept aside.

    With ``keep_aside=False`` (a command-line read) a corrupt file is left where it is and only reported.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadResult(Settings(), first_run=True)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
        return _recover(path, f"cannot be read ({reason})", now, keep_aside)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return _recover(path, f"is not valid JSON ({exc.msg} at line {exc.lineno})", now, keep_aside)
    if not isinstance(raw, dict):
        return _recover(path, "does not hold a JSON object", now, keep_aside)
    return LoadResult(settings_from_dict(raw))


def _recover(path: Path, reason: str, now: datetime | None, keep_aside: bool) -> LoadResult:
    if not keep_aside:
        return LoadResult(Settings(), notice=f"the settings file {path} {reason}")
    try:
        kept: Path | None = keep_corrupt(path, now)
    except OSError:
        kept = None
    where = f"it was kept as {kept}" if kept else "it could not be moved aside and will be overwritten"
    notice = f"The settings file {path} {reason}; {where}. oktatool started with default settings."
    return LoadResult(Settings(), notice=notice, kept_file=kept)


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` to ``path`` atomically (see ``write_atomic``)."""
    data = json.dumps(settings_to_dict(settings), indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomic(path, data.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write the settings file {path}: {exc.strerror or exc}",
                          hint="check that the folder exists and is writable") from None


def merge_settings(base: Settings, ours: Settings, theirs: Settings) -> Settings:
    """Apply the changes from ``base`` to ``ours`` onto ``theirs`` (the file as another process left it).

    Profiles are merged by name: one we added, edited or removed is ours, every other one is theirs (a
    profile both changed is ours: the later save). Active profile, preferences and window state are ours
    when we changed them, else theirs.
    """
    if theirs == base:
        return ours
    before = {p.name: p for p in base.profiles}
    mine = {p.name: p for p in ours.profiles}
    touched = {name for name in before.keys() | mine.keys() if before.get(name) != mine.get(name)}
    profiles = [mine.get(p.name) if p.name in touched else p for p in theirs.profiles]
    kept = [p for p in profiles if p is not None]
    names = {p.name for p in kept} | {p.name for p in theirs.profiles}
    kept += [p for p in ours.profiles if p.name in touched and p.name not in names]
    if not kept:
        kept = list(ours.profiles)
    active = ours.active_profile if ours.active_profile != base.active_profile else theirs.active_profile
    if active not in {p.name for p in kept}:
        active = ours.active_profile if ours.active_profile in {p.name for p in kept} else kept[0].name
    return Settings(
        profiles=tuple(kept),
        active_profile=active,
        preferences=ours.preferences if ours.preferences != base.preferences else theirs.preferences,
        window=ours.window if ours.window != base.window else theirs.window,
    )


class SettingsStore:
    """The settings file and its current contents; ``update`` saves every change right away.

    ``settings`` is this process's view; a save merges it with the file as it is now (another process
    may have saved meanwhile) and ``settings`` becomes the merged value.
    """

    def __init__(self, path: Path, *, now: datetime | None = None) -> None:
        self.path = path
        loaded = load_settings(path, now=now)
        self.settings = loaded.settings
        self.load_result = loaded
        #: the file's contents when this process last read or wrote it: what ``settings`` changed from
        self._base = loaded.settings
        if loaded.first_run or loaded.notice:
            self.save_quietly()

    def update(self, settings: Settings) -> None:
        """Replace the settings and save them (raises ConfigError when the file cannot be written)."""
        self.settings = settings
        self._save()

    def save_quietly(self) -> str | None:
        """Save the current settings; return the error text instead of raising (start-up, shutdown)."""
        try:
            self._save()
        except ConfigError as exc:
            return exc.description
        return None

    def _save(self) -> None:
        try:
            with exclusive_lock(self.path.with_name(SETTINGS_LOCK)):
                on_disk = load_settings(self.path, keep_aside=False)
                theirs = self._base if on_disk.first_run or on_disk.notice else on_disk.settings
                merged = merge_settings(self._base, self.settings, theirs)
                save_settings(self.path, merged)
        except OSError as exc:  # the lock file cannot be made: the folder is not writable
            raise ConfigError(f"cannot write the settings file {self.path}: {exc.strerror or exc}",
                              hint="check that the folder exists and is writable") from None
        self.settings = self._base = merged
