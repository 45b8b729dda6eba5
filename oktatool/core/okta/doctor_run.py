"""What a diagnosis is given (DoctorInput) and the state its checks share while it runs (DoctorRun)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oktatool.core.errors import Hint
from oktatool.core.okta.doctor_authserver import AS_CHECKS
from oktatool.core.okta.doctor_report import CHECKS, FAIL, SKIP, Check

if TYPE_CHECKING:
    import requests

    from oktatool.core.keys.key import Key
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.authserver import AuthServer
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

NO_ADMIN = Hint("needs an admin credential (--api-token-file FILE or --admin-profile NAME)",
                window="needs an admin credential (an API token or an admin profile)")


@dataclass(frozen=True)
class DoctorInput:
    """What to diagnose: the org as typed, the app, its key, the scopes and DPoP the profile uses."""

    org_text: str
    client_id: str
    key: Key | None = field(default=None, repr=False)
    kid: str | None = None
    scopes: tuple[str, ...] = ()
    dpop: bool = False
    http: HttpOptions | None = None
    admin: AdminCredential | None = field(default=None, repr=False)
    #: why there is no admin credential (shown on the skipped checks)
    no_admin_reason: str = NO_ADMIN
    #: build the client acting as the app (default: from the fields above)
    client_factory: Callable[[], OktaClient] | None = field(default=None, repr=False)
    #: the app lives in the Local sandbox (fixes name this program's dialogs, not an Admin Console)
    local_sandbox: bool = False
    #: the authorization server the profile's tokens come from ("": the org server)
    auth_server: str = ""
    #: the profile diagnosed, if any (a fix names it as the command's TARGET)
    profile: str | None = None


class DoctorRun:
    """One diagnosis under way: what it was given, what it found so far, and how a check adds its outcome."""

    def __init__(self, given: DoctorInput, on_check: Callable[[Check], None] | None) -> None:
        from oktatool.core.okta.http import HttpOptions

        self.given = given
        self.http = given.http or HttpOptions()
        self.on_check = on_check
        self.checks: list[Check] = []
        self.org: OrgUrl | None = None
        self.metadata_response: requests.Response | None = None
        self.sent_at = 0.0
        self.titles = {**CHECKS, **(AS_CHECKS if given.auth_server else {})}

    def add(self, check_id: str, status: str, detail: str, fix: str = "") -> Check:
        check = Check(check_id, self.titles[check_id], status, detail, fix)
        self.checks.append(check)
        if self.on_check is not None:
            self.on_check(check)
        return check

    def skip_rest(self, reason: str) -> None:
        done = {c.id for c in self.checks}
        for check_id in self.titles:
            if check_id not in done:
                self.add(check_id, SKIP, reason)

    @property
    def failing(self) -> list[str]:
        return [c.id for c in self.checks if c.status == FAIL]

    @property
    def server(self) -> AuthServer:
        from oktatool.core.okta.authserver import auth_server

        assert self.org is not None
        return auth_server(self.org, self.given.auth_server)
