"""AppContext: what the window and the commands share: paths, settings, the secret store, the sandbox.

No Qt here: the GUI and the CLI are two faces over the same context (DESIGN.md "The house").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from oktatool.core.keys.key import Key
    from oktatool.core.keys.library import KeyLibrary
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.client import Connection
    from oktatool.core.okta.doctor_run import DoctorInput
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.store.file_store import EncryptedFileStore
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import SecretStore
    from oktatool.core.store.settings import Profile, Settings, SettingsStore
    from oktatool.sandbox import Sandbox, SandboxInfo

T = TypeVar("T")


class OrgTarget(NamedTuple):
    """Where a profile's calls go: the org, the service app, TLS options, and the sandbox's own admin credential."""

    org: OrgUrl
    client_id: str
    http: HttpOptions
    #: the Local sandbox's API token as an admin credential (None for a real org)
    sandbox_admin: AdminCredential | None = None
    #: the running Local sandbox (its built-in apps' scopes and DPoP rule are a profile's defaults), else None
    sandbox: SandboxInfo | None = None


def same_app(a: Profile, b: Profile) -> bool:
    """Return True when two Profile values name the same profile, org, service app and key (picks may differ).

    DPoP is a pick, except on the Local sandbox's built-in app: there it chooses the app (the DPoP-requiring twin).
    """
    builtin_sandbox_app = a.is_sandbox and not a.client_id
    return ((a.name, a.org_url, a.client_id, a.key_ref) == (b.name, b.org_url, b.client_id, b.key_ref)
            and (not builtin_sandbox_app or a.dpop == b.dpop))


class ProfileSession:
    """Everything that belongs to one profile while it is the active one (no Qt).

    The Profile value, what was loaded or fetched for it (key, client, tokens, a pasted Authorization, the
    last answer) and the requests started for it. ``AppContext`` makes a new session whenever the active
    Profile value changes and closes the old one: its requests are cancelled (``cancel`` is set) and whatever
    answers late finds ``closed`` true and goes nowhere. Tabs draw the session; they keep no copy of their own.
    """

    def __init__(self, profile: Profile, carried: dict[str, Any] | None = None) -> None:
        self.profile = profile
        #: set when the session is closed: pass it to blocking calls so they stop early
        self.cancel = threading.Event()
        #: per-area state of this profile (the Console's token, pasted token, last answer, page walk…);
        #: each area keeps one object under its own key, made on first use
        self._parts: dict[str, Any] = dict(carried or {})
        #: the parts that describe the service app and its key rather than the picks (see ``part``)
        self._app_parts: set[str] = set(carried or ())
        self._lock = threading.Lock()
        self._on_close: list[Callable[[], None]] = []

    @property
    def closed(self) -> bool:
        """Return True once another profile (or another value of this one) became active."""
        return self.cancel.is_set()

    def part(self, name: str, make: Callable[[], T], *, app: bool = False) -> T:
        """Return this session's state object ``name``, made with ``make()`` the first time.

        ``app=True`` marks state of the service app and its key (a loaded key, the app's grants): it moves
        to the next session when only the picks changed (scopes, DPoP, write confirmation), see ``same_app``.
        """
        with self._lock:
            if name not in self._parts:
                self._parts[name] = make()
            if app:
                self._app_parts.add(name)
            value: T = self._parts[name]
            return value

    def carried_to(self, profile: Profile) -> dict[str, Any]:
        """Return the app parts the next session for ``profile`` keeps (none unless it is the same app)."""
        if not same_app(self.profile, profile):
            return {}
        with self._lock:
            return {name: self._parts[name] for name in self._app_parts if name in self._parts}

    def on_close(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the session closes (at once if it is closed already)."""
        with self._lock:
            if not self.cancel.is_set():
                self._on_close.append(action)
                return
        action()

    def close(self) -> None:
        """Cancel what was started for this profile and drop its state."""
        with self._lock:
            if self.cancel.is_set():
                return
            self.cancel.set()
            actions, self._on_close = self._on_close, []
            self._parts.clear()
        for action in actions:
            action()

    def __repr__(self) -> str:
        return f"<ProfileSession {self.profile.name!r}{' closed' if self.closed else ''}>"


class AppContext:
    """What every tab gets: paths, settings, the secret store (opened lazily) and a clock."""

    def __init__(self, paths: AppPaths, settings: SettingsStore, *, secret_store: SecretStore | None = None,
                 args: argparse.Namespace | None = None,
                 store_unlocker: Callable[[EncryptedFileStore], None] | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.args = args
        self._secret_store = secret_store
        self._store_lock = threading.Lock()
        self._forget_lock = threading.Lock()
        #: the thread forgetting stale admin tokens after the newest settings change (tests join it)
        self.forgetting: threading.Thread | None = None
        #: unlocks the locked file store in place (the CLI: a passphrase file or a terminal prompt); the window
        #: has none: it catches StoreLockedError, asks on the GUI thread and runs the action again
        self.store_unlocker = store_unlocker
        self._sandbox: Sandbox | None = None
        self._sandbox_lock = threading.Lock()
        #: called (on the GUI thread) after settings were saved through ``save_settings``
        self.settings_listeners: list[Callable[[Settings], None]] = []
        #: called (from any thread) with a notice the user must see: a damaged sandbox org file set aside
        self.notice_listeners: list[Callable[[str], None]] = []
        #: called once with ``(new, old)`` when the active Profile value changes (a new session)
        self.profile_listeners: list[Callable[[ProfileSession, ProfileSession], None]] = []
        self._session: ProfileSession | None = None
        self._recognise_sandbox_profiles()

    def _recognise_sandbox_profiles(self) -> None:
        """Point profiles an older version saved for the Local sandbox's port at the Local sandbox (migrate on load).

        Older versions saved ``http://127.0.0.1:PORT`` (or ``localhost``) for apps made in the Local sandbox,
        and the port died with the process. A loopback profile whose client id is an app of the kept
        sandbox org is that org's: it becomes ``org_url="sandbox"`` (client id and key kept) and is saved.
        Only loopback URLs are looked at, so the kept org file is read only when such a profile exists.
        """
        settings = self.settings.settings
        candidates = [p for p in settings.profiles if p.client_id and _loopback_port_url(p.org_url)]
        if not candidates:
            return
        from oktatool.core.store.settings import SANDBOX_ORG
        from oktatool.sandbox.kept import kept_client_ids

        kept = kept_client_ids(self.paths.sandbox_dir)
        for profile in candidates:
            if profile.client_id in kept:
                settings = settings.with_profile(profile._replace(org_url=SANDBOX_ORG))
        if settings is not self.settings.settings:
            from oktatool.core.errors import ConfigError

            try:
                self.settings.update(settings)
            except ConfigError:  # a read-only settings file: recognised for this run, migrated on the next save
                self.settings.settings = settings

    @property
    def session(self) -> ProfileSession:
        """Return the active profile's session (made on first use)."""
        if self._session is None:
            self._session = ProfileSession(self.settings.settings.profile())
        return self._session

    def _follow_active_profile(self) -> None:
        """Replace the session when the active Profile value changed, close the old one, tell the listeners once."""
        old = self._session
        active = self.settings.settings.profile()
        if old is None or old.profile == active:
            return
        if old.profile._replace(confirm_writes=active.confirm_writes) == active:
            old.profile = active  # a Console preference, not where calls go or with what: the session stays
            return
        new = ProfileSession(active, old.carried_to(active))
        self._session = new
        old.close()
        for listener in list(self.profile_listeners):
            listener(new, old)

    @property
    def opened_store(self) -> SecretStore | None:
        """Return the secret store if it was opened already (never opens it)."""
        return self._secret_store

    def secret_store(self) -> SecretStore:
        """Return the secret store, opening it on first use (keyring probing can be slow: not on the GUI thread)."""
        with self._store_lock:
            if self._secret_store is None:
                from oktatool.core.store.secrets import open_secret_store

                self._secret_store = open_secret_store(self.paths, self.settings.settings.preferences.secret_store)
            return self._secret_store

    def unlocked_store(self) -> SecretStore:
        """Return the secret store ready to read and write (blocking: opens it, may derive a key).

        A locked store is unlocked with ``store_unlocker``; without one, StoreLockedError says so before
        anything else happens, so the caller can ask for the passphrase and run its action again.
        """
        from oktatool.core.errors import StoreLockedError
        from oktatool.core.store.file_store import EncryptedFileStore

        store = self.secret_store()
        if store.locked:
            if self.store_unlocker is None or not isinstance(store, EncryptedFileStore):
                raise StoreLockedError("the encrypted secret store is locked", hint="enter its passphrase first")
            with self._store_lock:
                if store.locked:
                    self.store_unlocker(store)
        return store

    @property
    def library_index(self) -> Path:
        """Return the key library's index file (public facts only)."""
        return self.paths.data_dir / "key-library.json"

    def key_library(self) -> KeyLibrary:
        """Return the key library over the secret store (opens the store: not on the GUI thread the first time)."""
        from oktatool.core.keys.library import KeyLibrary

        return KeyLibrary(self.secret_store(), self.library_index)

    def library_names(self) -> list[str]:
        """Return the key library's names without opening the secret store."""
        from oktatool.core.keys.library import read_entries

        return [entry.name for entry in read_entries(self.library_index)]

    def sandbox(self) -> SandboxInfo:
        """Start the built-in sandbox org in this process on first use and return how to reach it.

        Blocking (it binds a port and may make a key): call it in the executor. The org is kept in
        ``<data>/sandbox``: its apps, their keys, grants and roles, and its users survive a restart, and the
        service app keeps its key, so a profile's registered key stays valid. It has a DPoP-requiring twin
        of the service app for profiles with DPoP on.
        """
        with self._sandbox_lock:
            if self._sandbox is None:
                from oktatool.sandbox import Sandbox, SandboxOptions

                sandbox = Sandbox.keeping_key(SandboxOptions(dpop_app=True), self.paths.sandbox_dir, keep_org=True)
                info = sandbox.start()
                self._sandbox = sandbox
                if info.notice:
                    for listener in list(self.notice_listeners):
                        listener(info.notice)
            return self._sandbox.info

    @property
    def sandbox_running(self) -> SandboxInfo | None:
        """Return the sandbox's connection details if it was started (never starts it)."""
        return self._sandbox.info if self._sandbox is not None else None

    def profile(self, name: str | None = None) -> Profile:
        """Return the profile called ``name`` (default: the active one); raise ConfigError when there is none."""
        from oktatool.core.errors import ConfigError

        settings = self.settings.settings
        wanted = name if name is not None else settings.active_profile
        for candidate in settings.profiles:
            if candidate.name == wanted:
                return candidate
        names = ", ".join(p.name for p in settings.profiles)
        raise ConfigError(f"no profile named {wanted!r}", hint=f"saved profiles: {names}" if names else
                          "add one with Edit profiles…")

    def sandbox_admin(self) -> AdminCredential:
        """Return the Local sandbox's own API token as an admin credential (blocking: may start the sandbox)."""
        from oktatool.core.okta.admin import AdminCredential

        return AdminCredential(ssws_token=self.sandbox().ssws_token, label="the Local sandbox's API token")

    def profile_key(self, profile: Profile) -> Key:
        """Return the private key a profile signs with (blocking: opens the store, may start the sandbox).

        A profile's own library key when it names one; else, on the Local sandbox, the built-in app's key.
        """
        from oktatool.core.errors import BadInputError, Hint
        from oktatool.core.keys.key import load_key

        if profile.is_sandbox and not profile.key_ref:
            info = self.sandbox()
            return load_key(info.jwk_file.read_bytes())
        if not profile.key_ref:
            # bad input (exit 2), like a missing --key: the command cannot work as given
            raise BadInputError(f"the profile {profile.name!r} has no key",
                                hint=Hint("choose its key in Edit profiles… (the window), or pass --key FILE",
                                          window="choose its key in Edit profiles…"))
        self.unlocked_store()
        return self.key_library().load(profile.key_ref)

    def org_target(self, profile: Profile, *, http: HttpOptions | None = None) -> OrgTarget:
        """Return where ``profile``'s calls go (blocking for the Local sandbox: it starts the sandbox).

        The one place that knows the Local sandbox: its org URL, service app, CA bundle and admin token.
        A Local sandbox profile with its own client id (an app made there) uses that app; without one it
        uses the built-in service app, or its DPoP-requiring twin when the profile asks for DPoP.
        ``http`` defaults to the preferences' timeout; the sandbox's CA is added when none was given.
        """
        from dataclasses import replace

        from oktatool.core.errors import BadInputError, Hint
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.orgurl import parse_org_url

        http = http or HttpOptions(read_timeout=self.settings.settings.preferences.network_timeout)
        if profile.is_sandbox:
            info = self.sandbox()
            if info.ca_file is not None and http.ca_bundle is None:
                http = replace(http, ca_bundle=info.ca_file)
            client_id = profile.client_id or (info.dpop_client_id if profile.dpop and info.dpop_client_id
                                              else info.client_id)
            return OrgTarget(parse_org_url(info.org_url), client_id, http, sandbox_admin=self.sandbox_admin(),
                             sandbox=info)
        if not profile.client_id:
            raise BadInputError(f"the profile {profile.name!r} has no client id",
                                hint=Hint("set the service app's client id in the window's Edit profiles…, or give "
                                          "--org URL --client-id ID --key FILE instead of --profile",
                                          window="set the service app's client id in Edit profiles…"))
        return OrgTarget(parse_org_url(profile.org_url), profile.client_id, http)

    def connection(self, profile: Profile, *, http: HttpOptions | None = None, key: Key | None = None,
                   kid: str | None = None, key_kids: tuple[str, ...] = ()) -> Connection:
        """Build what OktaClient needs to act as the profile's service app (blocking: see ``profile_key``).

        The Local sandbox profile starts the in-process sandbox and uses its service app, key and granted
        scopes; ``key``/``kid`` replace the profile's key (the CLI's --key).
        """
        from oktatool.core.okta.authserver import parse_server_id
        from oktatool.core.okta.client import Connection
        from oktatool.core.okta.tokens import normalize_scopes

        target = self.org_target(profile, http=http)
        scopes = normalize_scopes(profile.scopes) if profile.scopes else ()
        dpop = profile.dpop
        if target.sandbox is not None:
            scopes = scopes or target.sandbox.scopes
            dpop = dpop or target.sandbox.dpop_required
        signing = key or self.profile_key(profile)
        return Connection(target.org, target.client_id, signing, kid=kid,
                          key_kids=key_kids or ((signing.kid,) if signing.kid else ()), scopes=scopes, dpop=dpop,
                          http=target.http, assertion_lifetime=self.settings.settings.preferences.assertion_lifetime,
                          local_sandbox=target.sandbox is not None, auth_server=parse_server_id(profile.auth_server))

    def doctor_input(self, profile: Profile, *, admin: AdminCredential | None = None,
                     http: HttpOptions | None = None) -> DoctorInput:
        """Return what the doctor checks for ``profile`` (blocking: loads the key, may start the sandbox).

        For the Local sandbox the sandbox's own API token is the admin credential when none is given.
        """
        from oktatool.core.okta.authserver import parse_server_id
        from oktatool.core.okta.doctor_run import DoctorInput
        from oktatool.core.okta.http import HttpOptions

        key = self.profile_key(profile) if profile.is_sandbox or profile.key_ref else None
        if profile.is_sandbox:
            target = self.org_target(profile, http=http)
            info = target.sandbox
            assert info is not None
            return DoctorInput(org_text=target.org.base, client_id=target.client_id, key=key,
                               scopes=profile.scopes or info.scopes, dpop=profile.dpop or info.dpop_required,
                               http=target.http, admin=admin or target.sandbox_admin, local_sandbox=True,
                               auth_server=parse_server_id(profile.auth_server), profile=profile.name)
        http = http or HttpOptions(read_timeout=self.settings.settings.preferences.network_timeout)
        return DoctorInput(org_text=profile.org_url, client_id=profile.client_id, key=key, scopes=profile.scopes,
                           dpop=profile.dpop, http=http, admin=admin, auth_server=parse_server_id(profile.auth_server),
                           profile=profile.name,
                           no_admin_reason="needs an admin credential (choose an API token above)")

    def save_app_profile(self, name: str, org_url: str, client_id: str, key: Key, *, scopes: tuple[str, ...],
                         dpop: bool) -> Profile:
        """Keep ``key`` in the key library and save (or replace) the profile ``name`` that uses it (blocking)."""
        from oktatool.core.store.settings import Profile

        key_ref = self.keep_app_key(name, key)
        profile = Profile(name=name, org_url=org_url, client_id=client_id, key_ref=key_ref, scopes=scopes, dpop=dpop)
        self.save_settings(self.settings.settings.with_profile(profile))
        return profile

    def keep_app_key(self, profile_name: str, key: Key) -> str:
        """Save a service app's private key in the key library as "PROFILE kid…"; return its library name."""
        name = _app_key_name(profile_name, key.public_id() or key.describe())
        self.unlocked_store()
        self.key_library().save(name, key, overwrite=True)
        return name

    def kept_app_key(self, profile_name: str, kid: str) -> Key | None:
        """Return the key ``keep_app_key`` kept for this profile with this kid, or None (blocking)."""
        name = _app_key_name(profile_name, kid)
        if not any(e.name == name and e.kid == kid for e in self.key_library().entries()):
            return None
        self.unlocked_store()
        return self.key_library().load(name)

    def close(self) -> None:
        """Stop what the context started (the session's requests, the sandbox org)."""
        if self._session is not None:
            self._session.close()
        with self._sandbox_lock:
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    def save_settings(self, settings: Settings) -> None:
        """Save new settings and tell the listeners; forget the admin tokens no profile names now."""
        before = {(p.name, p.org_url) for p in self.settings.settings.profiles}
        self.settings.update(settings)  # merged with what another process (a command) saved meanwhile
        self._follow_active_profile()
        store = self._secret_store
        moved = before - {(p.name, p.org_url) for p in self.settings.settings.profiles}
        if moved and store is not None and not store.locked:  # a store not opened yet is swept when a token is set
            self.forgetting = threading.Thread(target=self.forget_stale_admin_tokens, name="forget-admin-tokens")
            self.forgetting.start()  # the secret store may block (keyring): never on the caller's (GUI) thread
        for listener in list(self.settings_listeners):
            listener(self.settings.settings)

    def forget_stale_admin_tokens(self) -> list[str]:
        """Delete the stored SSWS tokens of profiles deleted, renamed or moved to another org (blocking).

        Each is kept under its profile's name and org (``admin_token_secret_name``): one whose profile now
        names another org would never be used again, and must not wait for a profile that takes its name.
        Return the names deleted; a store that cannot delete keeps them (they are never sent anywhere).
        """
        from oktatool.core.errors import OktaToolError
        from oktatool.core.okta.grants import stale_admin_tokens

        store = self.secret_store()
        if store.locked:
            return []
        gone = []
        with self._forget_lock:
            try:
                for name in stale_admin_tokens(store.names(), self.settings.settings.profiles):
                    store.delete(name)
                    gone.append(name)
            except OktaToolError:
                pass
        return gone


def _loopback_port_url(org_url: str) -> bool:
    """Return True for ``http(s)://127.0.0.1:PORT`` or ``localhost:PORT``: where an older Local sandbox lived."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(org_url)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost") and port is not None


def _app_key_name(profile_name: str, key_id: str) -> str:
    """Return the library name of a profile's app key: "PROFILE kid…" (the kid's first 12 characters)."""
    return f"{profile_name} {key_id[:12]}"
