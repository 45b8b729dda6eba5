"""`oktatool scopes`: list Okta API scopes, show what one opens, or say what an endpoint needs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from oktatool.commands.common import print_json, write_output
from oktatool.core.errors import BadInputError, OktaToolError, shorten
from oktatool.core.okta.scopes import Operation, Scope, ScopeCatalog, ScopeRequirement, split_endpoint

#: widest area text shown in the table before it is cut with an ellipsis
AREA_WIDTH = 34


def scopes(args: argparse.Namespace) -> int:
    """Run `oktatool scopes [QUERY] [--for "METHOD PATH"] [--json]`."""
    catalog = ScopeCatalog.load()
    if args.endpoint is not None:
        if args.query:
            raise BadInputError("give either a QUERY or --for, not both",
                                hint='`oktatool scopes users` searches; `--for "GET /api/v1/users"` looks up')
        method, path = split_endpoint(args.endpoint)
        requirement = catalog.required_scopes(method, path)
        if args.json:
            print_json(_requirement_json(requirement, path))
        else:
            write_output(_requirement_text(requirement, method, path), None, private=False)
        return 0

    exact = catalog.get(args.query) if args.query else None
    if exact is not None:
        opened = catalog.operations_for(exact.name)
        if args.json:
            print_json({"scope": _scope_json(exact), "operations": [_operation_json(op) for op in opened]})
        else:
            has_read = exact.verb == "manage" and catalog.get(f"{exact.resource}.read") is not None
            write_output(_scope_detail_text(exact, opened, includes_read=has_read), None, private=False)
        return 0

    found = catalog.search(args.query)
    if not found:
        raise OktaToolError(f"no Okta scope matches {shorten(args.query)!r}",
                            hint="try a shorter word (users, apps, logs), or run `oktatool scopes` for all",
                            code="no_match")
    if args.json:
        print_json([_scope_json(s) for s in found])
    else:
        write_output(_table(found), None, private=False)
        if sys.stdout.isatty():
            print(f"{len(found)} scopes (Okta spec {catalog.spec_version}); "
                  "`oktatool scopes NAME` shows what one opens", file=sys.stderr)
    return 0


def _areas_text(scope: Scope) -> str:
    text = ", ".join(scope.areas) or "-"
    return text if len(text) <= AREA_WIDTH else text[: AREA_WIDTH - 1] + "…"


def _table(found: tuple[Scope, ...]) -> str:
    rows = [("SCOPE", "AREA", "OPS", "DESCRIPTION")]
    rows += [(s.name, _areas_text(s), str(s.operation_count), s.description) for s in found]
    name_w = max(len(r[0]) for r in rows)
    area_w = max(len(r[1]) for r in rows)
    ops_w = max(len(r[2]) for r in rows)
    return "\n".join(f"{n:<{name_w}}  {a:<{area_w}}  {o:>{ops_w}}  {d}" for n, a, o, d in rows)


def _scope_detail_text(scope: Scope, opened: tuple[Operation, ...], *, includes_read: bool) -> str:
    lines = [
        scope.name,
        f"  {scope.description}",
        f"  server:     {'org authorization server API' if scope.server == 'org-as' else 'management API'}",
        f"  areas:      {', '.join(scope.areas) or '-'}",
        f"  operations: {len(opened)}" + (" (with what the .read scope opens)" if includes_read else ""),
    ]
    if not opened:
        lines.append("  (no fixed endpoint in the catalog)")
    width = max((len(op.method) for op in opened), default=0)
    for op in opened:
        others = [s for s in op.scopes if s.rpartition(".")[0] != scope.resource]
        extra = f"  [also needs {', '.join(others)}]" if others else ""
        lines.append(f"    {op.method:<{width}}  {op.path}  {op.operation_id}{extra}")
    return "\n".join(lines)


def _auth_text(op: Operation) -> str:
    if op.public:
        return "none (public endpoint)"
    if op.oauth_only:
        return "OAuth access token only (SSWS API tokens are refused)"
    if not op.scopes:
        return "SSWS API token only (no OAuth scope opens it)"
    return "OAuth access token, or an SSWS API token"


def _requirement_text(requirement: ScopeRequirement, method: str, path: str) -> str:
    op = requirement.operation
    scope_text = " and ".join(
        alternatives[0] + (f" (or {', '.join(alternatives[1:])})" if len(alternatives) > 1 else "")
        for alternatives in requirement.alternatives
    ) or "-"
    lines = [
        f"{method} {path}",
        f"  operation:  {op.operation_id}" + (f" ({op.area})" if op.area else ""),
        f"  template:   {op.path}",
        f"  scopes:     {scope_text}",
        f"  lifecycle:  {op.lifecycle or 'not stated'}",
        f"  auth:       {_auth_text(op)}",
    ]
    if op.scopes:
        lines.append(f'  token:      oktatool token ... --scopes "{" ".join(op.scopes)}"')
    if op.lifecycle in ("EA", "LIMITED_GA"):
        lines.append("  note:       not generally available: the org may need the feature turned on")
    return "\n".join(lines)


def _scope_json(scope: Scope) -> dict[str, Any]:
    return {
        "name": scope.name, "server": scope.server, "areas": list(scope.areas),
        "operations": scope.operation_count, "description": scope.description,
    }


def _operation_json(op: Operation) -> dict[str, Any]:
    return {
        "method": op.method, "path": op.path, "operation_id": op.operation_id, "scopes": list(op.scopes),
        "ssws_allowed": op.ssws_allowed, "oauth_only": op.oauth_only, "public": op.public,
        "lifecycle": op.lifecycle, "area": op.area, "server": op.server,
    }


def _requirement_json(requirement: ScopeRequirement, path: str) -> dict[str, Any]:
    return {
        "request": {"method": requirement.operation.method, "path": path},
        "operation": _operation_json(requirement.operation),
        "scopes": list(requirement.scopes),
        "alternatives": [list(a) for a in requirement.alternatives],
        "explanation": requirement.explain(),
    }
