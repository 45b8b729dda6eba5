"""What the Console's authorization server row does: list the org's servers when the credential may (the Local
sandbox's own API token, else the profile's app with okta.authorizationServers.read), save the choice in the
profile (a new session follows, so no token of the other server stays), offer the server's scopes, and verify
a custom server's token against that server's keys."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.core.okta.authserver import READ_SCOPE
from oktatool.gui import tasks
from oktatool.gui.console.auth_server_bar import AuthServerBar
from oktatool.gui.console.state import console_state
from oktatool.gui.settings_follow import follow_profile
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.authserver import ServerSummary
    from oktatool.core.store.settings import Profile
    from oktatool.gui.console.token_panel import TokenPanel

#: the answers that mean the credential may not list the org's servers (not granted, no admin role)
NOT_ALLOWED = frozenset({"consent_required", "invalid_scope", "access_denied", "E0000006", "E0000015"})


def server_facts(context: AppContext, profile: Profile) -> tuple[list[ServerSummary], tuple[str, ...]]:
    """Return the org's servers and the chosen custom server's scopes (blocking: network, may start the sandbox)."""
    from oktatool.core.okta.admin import admin_api
    from oktatool.core.okta.authserver import list_servers, server_scopes
    from oktatool.core.okta.client import OktaClient

    target = context.org_target(profile)
    if target.sandbox_admin is not None:
        api = admin_api(target.org, target.sandbox_admin, target.http, (READ_SCOPE,))
    else:  # the app's own token, from the org server: listing is an Okta API call
        api = OktaClient(replace(context.connection(profile), auth_server="")).api((READ_SCOPE,))
    listed = list_servers(api)
    return listed, (server_scopes(api, profile.auth_server) if profile.auth_server else ())


def verify_token(context: AppContext, profile: Profile, token: str) -> str:
    """Verify ``token`` against the profile's server; return what held (blocking: fetches the keys)."""
    from oktatool.core.okta.authserver import auth_server, verify_server_token

    target = context.org_target(profile)
    server = auth_server(target.org, profile.auth_server)
    ca_bundle = str(target.http.ca_bundle) if target.http.ca_bundle else None
    verify_server_token(server, token, ca_bundle=ca_bundle)
    return (f"Verified: signed with a key of {server.server_id or 'the org server'} ({server.keys_url}); "
            f"iss{' and aud' if server.audience else ''} are its own.")


class AuthServerControl(QObject):
    """Drive the authorization server row for the active profile's session."""

    def __init__(self, context: AppContext, token_panel: TokenPanel) -> None:
        super().__init__(token_panel)
        self.context = context
        self.token_panel = token_panel
        self.bar = AuthServerBar()
        self.listing = tasks.LatestRequest()
        self.checking = tasks.LatestRequest()
        #: the session whose servers were asked for (each session's once)
        self.listed: ProfileSession | None = None
        self.bar.server_chosen.connect(self.choose)
        self.bar.verify_requested.connect(self.verify)
        self.bar.list_requested.connect(self.list_servers)
        follow_profile(self, context, self._reset)

    def _reset(self, session: ProfileSession) -> None:
        self.checking.cancel()
        self.bar.show_server(session.profile.auth_server)
        self.bar.say("Tokens from a custom server are for your own APIs: the Console never sends them to Okta."
                     if session.profile.auth_server else "")
        self.listed = None
        # a real org is asked only when needed (the server's scopes, or the list opened): each listing is a
        # token request with the app's key, and a refused one is a failure in the org's System Log
        if session.profile.auth_server or session.profile.is_sandbox:
            self.list_servers()

    def list_servers(self) -> asyncio.Task[None] | None:
        """List the active profile's servers (and its custom server's scopes) unless already asked."""
        session = self.context.session
        if self.listed is session:
            return self.listing.task
        self.listed = session
        return self.listing.start(self._list(session))

    async def _list(self, session: ProfileSession) -> None:
        try:
            listed, scopes = await tasks.run_blocking(server_facts, self.context, session.profile)
        except OktaToolError as exc:
            if not session.closed:  # short and naming nothing of the org: the row keeps two lines
                self.bar.say("Type a server id (default or aus…): the servers were not listed ("
                             + (f"the app is not granted {READ_SCOPE}" if exc.code in NOT_ALLOWED
                                else "the org did not answer") + ").")
            return
        if session.closed:
            return
        self.bar.show_server(session.profile.auth_server,
                             [(s.server_id, s.name if s.name == s.server_id else f"{s.name} ({s.server_id})")
                              for s in listed])
        if session.profile.auth_server:
            self.bar.say(f"Scopes of {session.profile.auth_server}: {' '.join(scopes) or '(none)'}. "
                         "Its tokens are for your own APIs: Send refuses them; Copy, Decode (Token tab) or Verify.")
            self.token_panel.offer_scopes(scopes[:1])

    def choose(self, text: str) -> None:
        """Save ``text`` (an id, org or empty) as the active profile's authorization server."""
        from oktatool.core.okta.authserver import parse_server_id

        try:
            server_id = parse_server_id(text)
        except BadInputError as exc:
            self.bar.say(plain_message(exc), "error")
            return
        profile = self.context.session.profile
        if server_id == profile.auth_server:
            return
        settings = self.context.settings.settings
        self.context.save_settings(settings.with_profile(profile._replace(auth_server=server_id)))

    def verify(self) -> asyncio.Task[None] | None:
        """Verify the Console's current token against the profile's server."""
        session = self.context.session
        outcome = console_state(session).token
        if outcome is None:
            self.bar.say("Get a token first (Token tab).", "error")
            return None
        return self.checking.start(self._verify(session, outcome.token.access_token))

    async def _verify(self, session: ProfileSession, token: str) -> None:
        self.bar.say("Verifying…")
        try:
            text, tone = await tasks.run_blocking(verify_token, self.context, session.profile, token), "good"
        except OktaToolError as exc:
            text, tone = f"Not verified: {plain_message(exc)}", "error"
        if not session.closed:
            self.bar.say(text, tone)
