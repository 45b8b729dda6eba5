"""The parsers of the commands that speak to an org or about its API: token, api, scopes, sandbox, saved."""

from __future__ import annotations

from typing import Any

from oktatool.parsers.options import HouseParser, add_auth_server_option, add_org_options


def add_org_parsers(sub: Any) -> None:
    """Add token, api, scopes, sandbox and saved."""
    p = sub.add_parser("token", help="get a scoped access token (Bearer or DPoP)")
    add_org_options(p)
    add_auth_server_option(p)

    p = sub.add_parser("api", help="call the Okta API")
    p.add_argument("method", metavar="METHOD", nargs="?", help="GET, POST, PUT, PATCH, DELETE")
    p.add_argument("path", metavar="PATH", nargs="?", help="e.g. /api/v1/users?limit=200")
    p.add_argument("--saved", metavar="NAME", help="send the saved request NAME (the profile's own, else one saved "
                                                   "for all profiles) instead of METHOD PATH")
    p.set_defaults(positionals_unless_saved=p)  # METHOD and PATH are required without --saved (see oktatool.cli._parse)
    p.add_argument("--var", action="append", metavar="NAME=VALUE",
                   help="a value for {{NAME}} in the saved request (repeatable; wins over the profile's variables)")
    p.add_argument("--all", action="store_true",
                   help='GET only: follow Link rel="next" on the org and print every page')
    p.add_argument("--data", metavar="@FILE|JSON", help="request body: @FILE (kept out of ps and history), or JSON")
    p.add_argument("--max-wait", type=float, default=60.0, metavar="SECONDS",
                   help="longest wait for a rate limit to reset before giving up (default 60)")
    p.add_argument("--max-body", type=float, default=32.0, metavar="MB",
                   help="refuse an answer larger than this many megabytes (default 32)")
    add_org_options(p)

    p = sub.add_parser("scopes", help="list Okta API scopes, or the scope an endpoint needs")
    p.add_argument("query", nargs="?", metavar="QUERY", help="filter scopes by name, area or description")
    p.add_argument("--for", dest="endpoint", metavar='"METHOD PATH"', help='which scope "GET /api/v1/users" needs')
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("sandbox", help="run a local Okta-compatible org on 127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--tls", action="store_true", help="serve https with a generated certificate")
    p.add_argument("--users", type=int, default=50, help="number of seeded users (default 50)")
    p.add_argument("--dpop-required", action="store_true", help="the service app requires DPoP")
    p.add_argument("--rate-limit", type=int, metavar="N", help="requests per minute before 429s")
    p.add_argument("--dir", metavar="DIR", help="folder for the sandbox's key and certificate, and its org: users, "
                                                "groups and apps (keys, grants, roles) made there survive a "
                                                "restart with the same --dir (default: a fresh org each start)")
    p.add_argument("--clock-offset", type=float, default=0.0, metavar="SECONDS",
                   help="run the org's clock this far ahead (negative: behind) to try clock skew")
    p.add_argument("--misconfig", action="append", default=[], metavar="NAME",
                   help="seed the service app broken in this way, for `oktatool doctor` (repeatable; "
                        "app-inactive, client-secret, web-app, kid-unregistered, key-inactive, dpop-required, "
                        "scope-missing, no-role, read-only-role, metadata-missing)")

    p = sub.add_parser("saved", help="list, show, delete, import or export the Console's saved requests")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=HouseParser)
    q = actions.add_parser("list", help="list the saved requests (with --profile: those it may use)")
    q.add_argument("--profile", metavar="NAME", help="only the requests this profile may use")
    q.add_argument("--json", action="store_true", help="print JSON")
    for name, text in (("show", "print one saved request as JSON"), ("delete", "delete one saved request")):
        q = actions.add_parser(name, help=text)
        q.add_argument("name", metavar="NAME")
        q.add_argument("--profile", metavar="NAME", help="the profile's own request (default: one for all profiles)")
    for name, text in (("import", "add the requests of a saved-requests file (same name and owner: replaced)"),
                       ("export", "write every saved request to a file")):
        q = actions.add_parser(name, help=text)
        q.add_argument("file", metavar="FILE")

