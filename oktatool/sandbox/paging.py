"""List pages the Okta way (``limit``, ``after`` cursor, ``Link`` headers) and a small search syntax."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from oktatool.sandbox.messages import Call, Request, Response, json_response, validation_failed

_SEARCH_TERM = re.compile(r'\s*([\w.]+)\s+(eq|sw|co)\s+"([^"]*)"\s*', re.IGNORECASE)

Render = Callable[[dict[str, Any]], dict[str, Any]]


def limit_param(request: Request, default: int, maximum: int) -> int:
    """Return the ``limit`` query parameter clamped to 1..maximum, or the default."""
    raw = request.param("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_failed("limit", "The value must be a number.") from None
    return max(1, min(value, maximum))


def page_response(call: Call, items: list[dict[str, Any]], more: bool, limit: int, cursor: str | None,
                  render: Render, *, polling: bool = False) -> Response:
    """Return a JSON array page with ``Link`` self (and next, when more follow) headers.

    A ``polling`` list (the System Log without ``until``) always links a next page, as Okta's does, so that
    clients can keep polling: after the last item, or from the same cursor when the page is empty.
    """
    request = call.request
    query = request.target.partition("?")[2]
    self_url = call.base + request.raw_path + (f"?{query}" if query else "")
    links = [("Link", f'<{self_url}>; rel="self"')]
    if polling and cursor is None:
        cursor = request.param("after")
    if (more or polling) and cursor is not None:
        params = {name: values[0] for name, values in request.query.items() if name not in ("after", "limit")}
        params.update({"after": cursor, "limit": str(limit)})
        links.append(("Link", f'<{call.base}{request.raw_path}?{urlencode(params)}>; rel="next"'))
    elif polling:  # nothing listed yet and no cursor: poll the same query again
        links.append(("Link", f'<{self_url}>; rel="next"'))
    return json_response(200, [render(item) for item in items], *links)


def id_page(call: Call, items: list[dict[str, Any]], *, default: int = 200, maximum: int = 200) -> Response:
    """Return the page of ``items`` (rendered, in their order) that follows the ``after`` id, with Link headers."""
    request = call.request
    limit = limit_param(request, default, maximum)
    after = request.param("after")
    start = next((index + 1 for index, item in enumerate(items) if item["id"] == after), len(items)) if after else 0
    page = items[start:start + limit]
    return page_response(call, page, len(items) > start + limit, limit, page[-1]["id"] if page else None, dict)


def record_filter(request: Request, q_fields: tuple[str, ...]) -> Callable[[dict[str, Any]], bool] | None:
    """Return the predicate of a list request: ``q`` (prefix of a profile field) or ``search``/``filter``."""
    q = (request.param("q") or "").lower()
    expression = request.param("search") or request.param("filter")
    if q:
        return lambda record: any(str(record["profile"].get(name) or "").lower().startswith(q) for name in q_fields)
    if expression:
        return lambda record: matches(record, expression)
    return None


def shown_to(call: Call, keep: Callable[[dict[str, Any]], bool] | None) -> Callable[[dict[str, Any]], bool] | None:
    """Return ``keep`` narrowed to the records the caller's admin roles reach (``call.visible``)."""
    visible = call.visible
    if visible is None:
        return keep
    if keep is None:
        return lambda record: record["id"] in visible
    return lambda record: record["id"] in visible and keep(record)


def matches(record: dict[str, Any], expression: str) -> bool:
    """Evaluate a small subset of Okta's search syntax: terms joined by ``and``/``or``, eq/sw/co."""
    for alternative in re.split(r"\s+or\s+", expression, flags=re.IGNORECASE):
        terms = re.split(r"\s+and\s+", alternative, flags=re.IGNORECASE)
        if all(_term_matches(record, term) for term in terms):
            return True
    return False


def _term_matches(record: dict[str, Any], term: str) -> bool:
    parsed = _SEARCH_TERM.fullmatch(term)
    if parsed is None:
        raise validation_failed("search", f"Invalid search expression: {term.strip()}")
    path, operator, wanted = parsed.groups()
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    text, wanted = str(value or "").lower(), wanted.lower()
    operator = operator.lower()
    if operator == "eq":
        return text == wanted
    if operator == "sw":
        return text.startswith(wanted)
    return wanted in text


def object_page(call: Call, member: str, items: list[dict[str, Any]], render: Render, *, default: int = 20,
                maximum: int = 100, links: dict[str, Any] | None = None, self_link: bool = False) -> Response:
    """Return a page of ``items`` (sorted by id) as ``{member: [...], "_links": {...}}``, the shape of the IAM
    lists (roles, resource sets, bindings, members), with ``_links.next`` and a ``Link`` header when more follow.

    ``_links.self`` only with ``self_link``: Okta's spec links a list of bindings or members to itself, not a list
    of roles, resource sets or resources (LinksNext)."""
    request = call.request
    limit = limit_param(request, default, maximum)
    after = request.param("after")
    ordered = sorted((item for item in items if not after or item["id"] > after), key=lambda item: item["id"])
    page, more = ordered[:limit], len(ordered) > limit
    self_url = call.base + request.target
    body_links: dict[str, Any] = {**({"self": {"href": self_url}} if self_link else {}), **(links or {})}
    headers = [("Link", f'<{self_url}>; rel="self"')]
    if more:
        params = {name: values[0] for name, values in request.query.items() if name not in ("after", "limit")}
        params.update({"after": page[-1]["id"], "limit": str(limit)})
        next_url = f"{call.base}{request.raw_path}?{urlencode(params)}"
        body_links["next"] = {"href": next_url}
        headers.append(("Link", f'<{next_url}>; rel="next"'))
    return json_response(200, {member: [render(item) for item in page], "_links": body_links}, *headers)
