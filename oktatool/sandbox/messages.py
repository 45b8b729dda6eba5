"""Requests and responses as the sandbox's handlers see them, and Okta's error shapes."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Request:
    """One HTTP request, with the org URL of the host it was sent to."""

    method: str
    target: str  # path and query as sent
    headers: tuple[tuple[str, str], ...]
    body: bytes
    base_url: str  # scheme://host[:port] from the Host header
    client_ip: str = "127.0.0.1"

    @property
    def path(self) -> str:
        """Return the percent-decoded path without the query."""
        return unquote(urlsplit(self.target).path)

    @property
    def raw_path(self) -> str:
        """Return the path as sent, without the query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        """Return the query parameters (each name with all its values)."""
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        """Return the first value of a header (case-insensitive), or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        """Return every value of a header (case-insensitive)."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def json(self) -> Any:
        """Return the body parsed as JSON; raise ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8")) if self.body.strip() else None


@dataclass(frozen=True)
class Response:
    """Status, headers and body of one answer."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def with_headers(self, *extra: tuple[str, str]) -> Response:
        """Return a copy with more headers."""
        return Response(self.status, self.body, self.headers + extra)


def json_response(status: int, value: Any, *extra: tuple[str, str]) -> Response:
    """Return a JSON response."""
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return Response(status, body, (("Content-Type", "application/json"), *extra))


def new_error_id() -> str:
    """Return an errorId that looks like Okta's."""
    return "oae" + secrets.token_urlsafe(16)[:22]


def okta_error(status: int, code: str, summary: str, causes: tuple[str, ...] = (),
               *extra: tuple[str, str]) -> Response:
    """Return an Okta management API error: errorCode, errorSummary, errorLink, errorId, errorCauses."""
    body = {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": new_error_id(),
        "errorCauses": [{"errorSummary": cause} for cause in causes],
    }
    return json_response(status, body, *extra)


def oauth_error(status: int, error: str, description: str, *extra: tuple[str, str]) -> Response:
    """Return an OAuth error from the authorization server: error and error_description."""
    return json_response(status, {"error": error, "error_description": description}, *extra)


@dataclass(frozen=True)
class Call:
    """A request that passed authorization, with its path parameters."""

    request: Request
    params: dict[str, str]
    #: the ids a list may show the caller (its admin roles' reach), None for all of them
    visible: frozenset[str] | None = None

    @property
    def base(self) -> str:
        """Return the org URL the caller used."""
        return self.request.base_url

    def body(self) -> dict[str, Any]:
        """Return the JSON object body, or raise E0000003."""
        try:
            value = self.request.json()
        except (ValueError, UnicodeDecodeError):
            raise bad_body() from None
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise bad_body()
        return value


#: an operation's implementation
Handler = Callable[[Call], Response]
#: (method, path template with {name} parameters, required scope, handler)
RouteSpec = tuple[str, str, str, Handler]


class ApiRefusal(Exception):
    """Raised by handlers to answer with a prepared error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class OktaApiError(ApiRefusal):
    """Raised by management handlers to answer with an Okta error body."""

    def __init__(self, status: int, code: str, summary: str, causes: tuple[str, ...] = ()) -> None:
        super().__init__(okta_error(status, code, summary, causes))


def nested(value: Any, *path: str) -> Any:
    """Return ``value[path[0]][path[1]]...``, or None where a member is missing or not an object."""
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def not_found(what: str, kind: str) -> OktaApiError:
    """Return Okta's 404 E0000007 for a missing resource."""
    return OktaApiError(404, "E0000007", f"Not found: Resource not found: {what} ({kind})")


def validation_failed(field_name: str, cause: str) -> OktaApiError:
    """Return Okta's 400 E0000001 naming the field and the cause."""
    return OktaApiError(400, "E0000001", f"Api validation failed: {field_name}", (f"{field_name}: {cause}",))


def no_permission() -> OktaApiError:
    """Return Okta's 403 E0000006 (the caller's admin role does not allow the action)."""
    return OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")


def bad_body() -> OktaApiError:
    """Return Okta's 400 E0000003 for a body that is not JSON."""
    return OktaApiError(400, "E0000003", "The request body was not well-formed.")
