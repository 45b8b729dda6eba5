"""What a diagnosis gives: each check's outcome (Check), the report of them all, and the catalog of checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    id: str
    title: str
    status: str
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the check as the JSON object of ``doctor --json``."""
        return {"id": self.id, "title": self.title, "status": self.status, "detail": self.detail, "fix": self.fix}


@dataclass(frozen=True)
class DoctorReport:
    """Every check, in the order they ran."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Say whether no check failed."""
        return all(c.status != FAIL for c in self.checks)

    def check(self, check_id: str) -> Check:
        """Return the check with this id."""
        return next(c for c in self.checks if c.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"ok": bool, "checks": [...]}``."""
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}



#: every check, in order: id -> title
CHECKS = {
    "org-url": "Org URL is the org authorization server (custom-AS and -admin traps)",
    "key-alg": "Key type and algorithm Okta accepts",
    "tls": "Org reachable, TLS verified",
    "metadata": "Org authorization server metadata served",
    "clock": "Clock skew against the org",
    "app-exists": "App exists and is ACTIVE",
    "app-type": "App is an API Services (service) app",
    "app-auth": "App authenticates with private_key_jwt",
    "jwks-kid": "App's JWKS holds our kid",
    "jwks-active": "Our key is ACTIVE",
    "dpop": "DPoP required by the app vs the profile",
    "scopes": "Scopes granted vs asked",
    "role": "Admin role assigned",
    "token": "Real token request",
    "api-call": "One cheap API call",
}
ADMIN_CHECKS = ("app-exists", "app-type", "app-auth", "jwks-kid", "jwks-active", "dpop", "scopes", "role")
