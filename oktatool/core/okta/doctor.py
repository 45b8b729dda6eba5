"""Diagnose a service app: walk every cause of the top problems (FACTS §7) and say which one it is.

Each check ends pass, warn, fail or skip, with a detail and a fix. The checks that need no network (the org
URL's form, the key's type, algorithm and kid) come first and always run, so an org that cannot be reached
(offline, a dead port) still hears what is wrong on this side. Checks that need an admin credential are
skipped, with the reason, when there is none; the live checks (a real token, one cheap call) are skipped
while an earlier check fails, so a broken set-up shows one failure: its cause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.doctor_app import AppChecks
from oktatool.core.okta.doctor_connection import ConnectionChecks
from oktatool.core.okta.doctor_report import FAIL, PASS, SKIP, Check, DoctorReport

if TYPE_CHECKING:
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.doctor_run import DoctorInput


class _Doctor(ConnectionChecks, AppChecks):
    def run(self) -> DoctorReport:
        usable = self.check_org_url()
        self.check_key()  # needs no network: said even when the org cannot be reached
        if not usable:
            self.skip_rest("skipped: the org URL is not usable")
        elif not self.check_tls():
            self.skip_rest("skipped: the org cannot be reached")
        else:
            self.check_metadata()
            self.check_clock()
            self.admin_checks()
            self.server_checks()
            self.live_checks()
        return DoctorReport(tuple(self.checks))

    def server_checks(self) -> None:
        from oktatool.core.okta.doctor_authserver import custom_server_checks

        given = self.given
        if not self.server.is_org:
            custom_server_checks(self.server, given.admin, given.no_admin_reason, self.http, given.client_id,
                                 given.scopes, self.add)

    # -- live ----------------------------------------------------------------------------------------------

    def client(self) -> OktaClient:
        given = self.given
        if given.client_factory is not None:
            return given.client_factory()
        from oktatool.core.okta.client import Connection, OktaClient

        assert self.org is not None and given.key is not None
        return OktaClient(Connection(self.org, given.client_id, given.key, kid=given.kid, scopes=given.scopes,
                                     dpop=given.dpop, http=self.http, local_sandbox=given.local_sandbox,
                                     auth_server=given.auth_server))

    def live_checks(self) -> None:
        from oktatool.core.okta.setup import probe_call

        given = self.given
        failing = self.failing
        if failing:
            reason = f"skipped: fix the failing check first ({', '.join(failing)})"
            self.add("token", SKIP, reason)
            self.add("api-call", SKIP, reason)
            return
        if given.key is None or not given.scopes:
            reason = "skipped: no key given" if given.key is None else "skipped: no scopes to ask for"
            self.add("token", SKIP, reason)
            self.add("api-call", SKIP, reason)
            return
        try:
            client = self.client()
            answer = client.token(given.scopes, use_cache=False)
        except OktaToolError as exc:
            self.add("token", FAIL, exc.description, exc.hint or "")
            self.add("api-call", SKIP, "skipped: no token")
            return
        self.add("token", PASS, f"{answer.token_type} token for {answer.scope}, expires in {answer.expires_in} s")
        if given.auth_server:
            self.add("api-call", SKIP, f"a token from {self.server.label} is not for the Okta API: not sent")
            return
        probe = probe_call(given.scopes, given.client_id)
        if probe is None:
            self.add("api-call", SKIP, "no cheap read call is known for these scopes")
            return
        scope, path = probe
        try:
            response = client.api(given.scopes).call("GET", path)
        except OktaToolError as exc:
            self.add("api-call", FAIL, f"GET {path}: {exc.description}", exc.hint or "")
            return
        self.add("api-call", PASS, f"GET {path} answered {response.status} (allowed by {scope})")


def run_doctor(given: DoctorInput, on_check: Callable[[Check], None] | None = None) -> DoctorReport:
    """Run every check (blocking: network) and return the report; ``on_check`` sees each as it ends."""
    return _Doctor(given, on_check).run()
