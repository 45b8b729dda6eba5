"""Which kind of org a URL points at: the local sandbox, a preview org or production.

The Console colours its badge by this and asks before a write to production (FACTS.md §4.5: preview orgs
live on ``oktapreview.com``; every other Okta domain, and any custom domain, is treated as production).
"""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from oktatool.core.okta.http import is_loopback_host


class OrgKind(enum.Enum):
    """The three kinds of org the Console tells apart."""

    SANDBOX = "sandbox"
    PREVIEW = "preview"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        """Return the badge text."""
        return {"sandbox": "Local sandbox", "preview": "Preview org", "production": "PRODUCTION"}[self.value]


#: domains of Okta preview (sandbox-like) orgs
PREVIEW_DOMAINS = ("oktapreview.com",)
#: methods that change something and are confirmed before they go to production
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def classify_org(org_url: str) -> OrgKind:
    """Return the kind of org ``org_url`` is; anything unknown counts as production (the safe side)."""
    host = (urlsplit(org_url if "//" in org_url else "https://" + org_url).hostname or "").lower().rstrip(".")
    if host and is_loopback_host(host):
        return OrgKind.SANDBOX
    if any(host == d or host.endswith("." + d) for d in PREVIEW_DOMAINS):
        return OrgKind.PREVIEW
    return OrgKind.PRODUCTION


def needs_confirmation(kind: OrgKind, method: str, *, confirm_writes: bool) -> bool:
    """Say whether ``method`` on an org of ``kind`` must be confirmed first."""
    return confirm_writes and kind is OrgKind.PRODUCTION and method.upper() in WRITE_METHODS
