"""Error answers of an authorization server or the Okta API, parsed and explained.

A ``Problem`` holds what the server said (OAuth ``error``/``error_description``, Okta ``errorCode``/
``errorSummary``/``errorCauses``/``errorId``, or a ``WWW-Authenticate`` challenge) and, when we know the
error, our explanation. Its message always carries the server's own words, so an unknown error is shown
exactly as it came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any

from oktatool.core.encoding import loads_answer
from oktatool.core.errors import ApiError, TokenError, joined
from oktatool.core.okta.explain import explain
from oktatool.core.okta.explanation import ExplainContext, Explanation
from oktatool.core.okta.headers import Challenge, parse_www_authenticate
from oktatool.core.okta.http import redact_text

#: most characters of a non-JSON error body repeated in a message
MAX_RAW_BODY = 300
#: longest error body read as JSON: Okta's are a few hundred bytes, and parsing holds the GIL (a 20 MB
#: invalid_client body parsed in a worker froze the window for a tenth of a second); a longer one is read
#: from its start
MAX_ERROR_JSON = 64 * 1024
#: the error code at the start of an error body too long to parse
_HEAD_ERROR = re.compile(rb'"(?:error|errorCode)"\s*:\s*"([A-Za-z0-9_.-]{1,64})"')


@dataclass(frozen=True)
class Problem:
    """One error answer: HTTP status, the server's code and words, and our explanation if we have one."""

    status: int
    #: OAuth error (invalid_client, insufficient_scope, ...) or Okta errorCode (E0000006); "" when none
    error: str
    #: error_description / errorSummary, or the start of a non-JSON body; as sent, secrets redacted
    description: str
    causes: tuple[str, ...] = ()
    error_id: str | None = None
    request_id: str | None = None
    challenge: Challenge | None = None
    explanation: Explanation | None = None
    #: "token" for the token endpoint, "api" for resource calls
    source: str = "api"

    def raw(self) -> str:
        """Return what the server said, unchanged apart from redaction."""
        reason = _reason(self.status)
        said = ": ".join(part for part in (self.error, self.description) if part)
        text = f"HTTP {self.status} {reason}".rstrip()
        if said:
            text += f", {said}"
        if self.causes:
            text += " (causes: " + "; ".join(self.causes) + ")"
        return text

    def message(self) -> str:
        """Return the one-line description shown to a person."""
        if self.explanation is None:
            prefix = "the token request was refused" if self.source == "token" else "the API call failed"
            return f"{prefix}: {self.raw()}"
        return f"{self.explanation.what} (server said: {self.raw()})"

    def hint(self) -> str | None:
        """Return the likely cause and the fix, plus ids for Okta support; None when there is nothing to add."""
        lines: list[str] = []
        if self.explanation is not None:
            lines.append(joined(["likely cause: ", self.explanation.cause]))
            lines.append(joined(["fix: ", self.explanation.fix]))
        ids = [f"{name} {value}" for name, value in (("request id", self.request_id), ("error id", self.error_id))
               if value]
        if ids:
            lines.append("Okta " + ", ".join(ids))
        return joined(lines, "\n") or None

    def to_error(self) -> TokenError | ApiError:
        """Return the exception to raise for this problem."""
        kind = TokenError if self.source == "token" else ApiError
        return kind(self.message(), hint=self.hint(), code=self.error or f"http_{self.status}")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def error_json(body: bytes) -> Any:
    """Return an error answer's JSON value; None when it is not JSON, nests too deeply, or is too long to be an
    error (over MAX_ERROR_JSON bytes)."""
    if len(body) > MAX_ERROR_JSON:
        return None
    try:
        return loads_answer(body)
    except ValueError:  # too deep too: shown as a body that is not JSON
        return None


def oauth_error(body: bytes) -> str | None:
    """Return the OAuth ``error`` member of an error answer, if any."""
    data = error_json(body)
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, str) else None


def _challenge_with_error(headers: Mapping[str, str]) -> Challenge | None:
    challenges = parse_www_authenticate(headers.get("WWW-Authenticate"))
    for challenge in challenges:
        if challenge.get("error"):
            return challenge
    return challenges[0] if challenges else None


def parse_problem(status: int, headers: Mapping[str, str], body: bytes, *, source: str = "api",
                  context: ExplainContext | None = None) -> Problem:
    """Parse an error answer (body and WWW-Authenticate) and attach our explanation when the error is known."""
    data = error_json(body)
    error = description = ""
    causes: tuple[str, ...] = ()
    error_id: str | None = None
    if isinstance(data, dict):
        if "errorCode" in data or "errorSummary" in data:
            error, description = _text(data.get("errorCode")), _text(data.get("errorSummary"))
            raw_causes = data.get("errorCauses")
            if isinstance(raw_causes, list):
                causes = tuple(_text(c.get("errorSummary")) for c in raw_causes
                               if isinstance(c, dict) and _text(c.get("errorSummary")))
            error_id = _text(data.get("errorId")) or None
        elif "error" in data:
            error, description = _text(data.get("error")), _text(data.get("error_description"))
    challenge = _challenge_with_error(headers)
    if challenge is not None and challenge.get("error") and (not error or error.startswith("E0000")):
        # the challenge is the precise answer (an insufficient_scope 403 often has no body, or a generic E0000006)
        if not error:
            error, description = challenge.get("error") or "", challenge.get("error_description") or ""
        elif challenge.get("error") in ("insufficient_scope", "invalid_token", "invalid_dpop_proof",
                                        "invalid_request", "use_dpop_nonce"):
            error = challenge.get("error") or error
            description = challenge.get("error_description") or description
    if not error and not description and data is None and body:
        description = body[:MAX_RAW_BODY].decode("utf-8", "replace").strip()
        if len(body) > MAX_RAW_BODY:
            description += " …"
        head_error = _HEAD_ERROR.search(body[:MAX_RAW_BODY]) if len(body) > MAX_ERROR_JSON else None
        if head_error is not None:
            error = head_error.group(1).decode("ascii")
    context = context or ExplainContext()
    if challenge is not None and challenge.get("scope"):
        context = replace(context, challenge_scope=challenge.get("scope"))
    explanation = explain(error, description, context) if (error or description) else None
    return Problem(
        status=status, error=redact_text(error), description=redact_text(description), causes=causes,
        error_id=error_id, request_id=headers.get("X-Okta-Request-Id"), challenge=challenge,
        explanation=explanation, source=source,
    )
