"""The System Log: token grants (successes, failures, DPoP challenges) as Okta log events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from oktatool.sandbox.messages import Call, Request, Response, RouteSpec, validation_failed
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, matches, page_response


class LogRoutes:
    """GET /api/v1/logs with limit, after, since, until, q and filter."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", "/api/v1/logs", "okta.logs.read", self.list_logs),
        ]

    def list_logs(self, call: Call) -> Response:
        request = call.request
        limit = limit_param(request, 100, 1000)
        since, until = _instant(request, "since"), _instant(request, "until")
        q = (request.param("q") or "").lower()
        log_filter = request.param("filter")

        def keep(event: dict[str, Any]) -> bool:
            published = datetime.fromisoformat(event["published"])
            if since and published < since:
                return False
            if until and published >= until:
                return False
            if q and q not in str(event).lower():
                return False
            return not log_filter or matches(event, log_filter)

        items, more = self.store.logs.page(request.param("after"), limit, keep)
        cursor = items[-1]["uuid"] if items else None
        # a query without ``until`` polls (Okta sorts it ASCENDING): it always links a next page
        polling = not until and (request.param("sortOrder") or "ASCENDING").upper() == "ASCENDING"
        return page_response(call, items, more, limit, cursor, dict, polling=polling)


def _instant(request: Request, name: str) -> datetime | None:
    """Return the ISO 8601 date-time of a query parameter (UTC when it names no offset), or None when absent;
    refuse any other value with 400 E0000001, as Okta does (the spec's 400 for this operation)."""
    raw = request.param(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise validation_failed(name, "The value must be a date and time in ISO 8601 format, "
                                      "e.g. 2026-01-01T12:00:00.000Z.") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
