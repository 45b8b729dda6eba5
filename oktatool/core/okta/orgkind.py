"""Which kind of org a URL points at: the local sandbox, a preview, developer, integrator or trial org, or production.

The Console colours its badge by this and asks before a write to production (FACTS.md §4.5: preview orgs
live on ``oktapreview.com``; Okta's free developer, Integrator Free Plan and trial orgs are
``dev-NNN.okta.com``, ``integrator-NNN.okta.com`` and ``trial-NNN.okta.com``; every other Okta domain,
``okta-emea.com`` included, and any custom domain, is treated as production).
"""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit

from oktatool.core.okta.http import is_loopback_host


class OrgKind(enum.Enum):
    """The kinds of org the Console tells apart."""

    SANDBOX = "sandbox"
    PREVIEW = "preview"
    DEVELOPER = "developer"
    INTEGRATOR = "integrator"
    TRIAL = "trial"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        """Return the badge text."""
        return _LABELS[self.value]


_LABELS = {"sandbox": "Local sandbox", "preview": "Preview org", "developer": "Developer org",
           "integrator": "Integrator org", "trial": "Trial org", "production": "PRODUCTION"}
#: domains of Okta preview (sandbox-like) orgs
PREVIEW_DOMAINS = ("oktapreview.com",)
#: the hosts Okta gives its free developer, Integrator Free Plan and trial orgs (a number, never a chosen name,
#: so a production org that happens to be called ``dev-portal`` stays production)
_NUMBERED_HOST = re.compile(r"(dev|integrator|trial)-\d+\.okta\.com")
#: methods that change something and are confirmed before they go to production
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def classify_org(org_url: str) -> OrgKind:
    """Return the kind of org ``org_url`` is; anything unknown counts as production (the safe side)."""
    host = (urlsplit(org_url if "//" in org_url else "https://" + org_url).hostname or "").lower().rstrip(".")
    if host and is_loopback_host(host):
        return OrgKind.SANDBOX
    if any(host == d or host.endswith("." + d) for d in PREVIEW_DOMAINS):
        return OrgKind.PREVIEW
    numbered = _NUMBERED_HOST.fullmatch(host)
    if numbered:
        return {"dev": OrgKind.DEVELOPER, "integrator": OrgKind.INTEGRATOR, "trial": OrgKind.TRIAL}[numbered[1]]
    return OrgKind.PRODUCTION


def needs_confirmation(kind: OrgKind, method: str, *, confirm_writes: bool) -> bool:
    """Say whether ``method`` on an org of ``kind`` must be confirmed first."""
    return confirm_writes and kind is OrgKind.PRODUCTION and method.upper() in WRITE_METHODS
