"""`oktatool token` and `oktatool api`: a scoped token, and calls to the Okta API with it."""

from __future__ import annotations

import argparse
import math
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from oktatool.commands.common import json_or_file, load_key_arg, print_json, terminal_text, write_output
from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiResponse
    from oktatool.core.okta.client import Connection, OktaClient
    from oktatool.core.okta.tokens import TokenResponse
    from oktatool.core.store.settings import Profile

#: the longest --timeout or --max-wait accepted: a day (larger values overflow the socket timeout)
MAX_SECONDS = 86_400.0
#: the largest --max-body accepted, in megabytes (the answer is held in memory)
MAX_BODY_MB = 4096.0


def token(args: argparse.Namespace) -> int:
    """Get a token for --scopes and print it (JSON with --json, else a summary)."""
    with _client(args) as client:
        return _token(args, client)


def _token(args: argparse.Namespace, client: OktaClient) -> int:
    if not (args.scopes or client.connection.scopes):
        raise BadInputError("no scopes given", hint='add --scopes "okta.users.read" (or set scopes in the profile)')
    server = client.connection.server
    if server.is_org:  # a custom server's scopes are its own, not the Okta API catalog's
        _warn_unknown_scopes(args.scopes or client.connection.scopes)
    answer = client.token(args.scopes or None)
    _warn(answer)
    if args.json:
        print_json(answer.to_dict())
        return 0
    expires = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(answer.expires_at))
    lines = [f"issuer:       {server.issuer}", f"token_type:   {answer.token_type}", f"scope:        {answer.scope}",
             f"expires_in:   {answer.expires_in} s (at {expires})", f"access_token: {answer.access_token}"]
    if answer.is_dpop and client.dpop is not None:
        lines.append(f"dpop_jkt:     {client.dpop.thumbprint}")
    write_output("\n".join(lines), None, private=False)  # the server chose these strings: escape controls
    if not server.is_org:
        print(f"note: a token from {server.label} is for your own APIs, not the Okta API (oktatool api refuses "
              "it); check it with `oktatool verify --jwks-url " + server.keys_url + "`", file=sys.stderr)
    if answer.is_dpop and client.dpop is not None:
        print("note: the token is bound to a DPoP key that lived only in this run; call the API with "
              "`oktatool api --dpop`, which signs its own proofs", file=sys.stderr)
    return 0


def api(args: argparse.Namespace) -> int:
    """Call METHOD PATH; with --all follow every rel="next" page and print one JSON array of all items."""
    with _client(args, max_wait=args.max_wait) as client:
        return _api(args, client)


def _api(args: argparse.Namespace, client: OktaClient) -> int:
    from oktatool.core.okta.api import check_page_walk, is_public_endpoint

    headers: dict[str, str] = {}
    if args.saved is not None:
        from oktatool.commands.saved import saved_call

        args.method, args.path, body, headers = saved_call(args)
    elif args.var:
        raise BadInputError("--var fills a saved request: give --saved NAME too")
    else:  # without --saved the parser required METHOD and PATH (an empty one is judged below)
        body = json_or_file(args.data, what="--data") if args.data is not None else None
    if args.scopes:
        _warn_unknown_scopes(args.scopes)
    caller = client.api(client.scopes_for(args.method, args.path, args.scopes), headers=headers) if headers else \
        client.api_for(args.method, args.path, args.scopes)
    caller.target(args.method, args.path)  # bad input is exit 2 before any token is asked for
    if args.all:
        check_page_walk(args.method)
    if args.scopes or not is_public_endpoint(args.method, args.path):  # keys and metadata need no token
        _warn(client.token(client.scopes_for(args.method, args.path, args.scopes)))
    if args.all:
        return _print_all(caller.pages(args.method, args.path, body=body), quiet=args.json)
    response = caller.call(args.method, args.path, body=body)
    if response.content.strip():
        data = response.json() if _is_json(response) else None
        if data is not None:
            print_json(data)
        else:
            write_output(response.content.decode("utf-8", "replace"), None, private=False)
    if not args.json:
        print(terminal_text(_summary(response, pages=1)), file=sys.stderr)
    return 0


def _print_all(pages: Iterator[ApiResponse], *, quiet: bool) -> int:
    """Stream the items of every page as one JSON array, page by page."""
    from oktatool.core.encoding import dumps_pretty

    out = sys.stdout
    count = pages_seen = 0
    last: ApiResponse | None = None
    for page in pages:
        if not pages_seen:
            out.write("[")  # only once the first page is in: a failed first call leaves stdout empty
        pages_seen += 1
        last = page
        for item in page.items():
            out.write(",\n  " if count else "\n  ")
            out.write(terminal_text(dumps_pretty(item).replace("\n", "\n  ")))
            count += 1
        out.flush()
    out.write("\n]\n" if count else "]\n")
    out.flush()
    if not quiet and last is not None:
        print(terminal_text(f"{count} item(s) in {pages_seen} page(s); last page: " + _summary(last, pages=pages_seen)),
              file=sys.stderr)
    return 0


def _is_json(response: ApiResponse) -> bool:
    return "json" in response.headers.get("Content-Type", "application/json").lower()


def _summary(response: ApiResponse, *, pages: int) -> str:
    parts = [f"{response.status} {response.method} {response.url}"]
    limit = response.rate_limit
    if limit.limit is not None or limit.remaining is not None:
        text = f"rate limit {limit.remaining}/{limit.limit} left"
        if limit.reset is not None:
            text += f", resets in {max(0, limit.reset - int(time.time()))} s"
        parts.append(text)
    if response.request_id:
        parts.append(f"request id {response.request_id}")
    if response.next_url and pages == 1:
        parts.append("more pages follow (add --all)")
    return "; ".join(parts)


def _warn_unknown_scopes(scopes: str | tuple[str, ...]) -> None:
    """Warn (and still send) when a scope is not in the catalog, naming the closest catalog scopes."""
    from oktatool.core.okta.scope_names import unknown_scope_warning
    from oktatool.core.okta.tokens import normalize_scopes

    warning = unknown_scope_warning(normalize_scopes(scopes))
    if warning:
        print(f"warning: {terminal_text(warning)}", file=sys.stderr)


def _warn(answer: TokenResponse) -> None:
    for warning in answer.warnings:
        print(f"warning: {terminal_text(warning)}", file=sys.stderr)


def _check_seconds(flag: str, value: float, *, low: float, inclusive: bool) -> None:
    """Refuse a NaN, infinite, out-of-range or absurdly large number of seconds (argparse lets all through)."""
    above = value >= low if inclusive else value > low
    if not (math.isfinite(value) and above and value <= MAX_SECONDS):
        least = f"at least {low:g}" if inclusive else f"more than {low:g}"
        raise BadInputError(f"{flag} must be {least} and at most {MAX_SECONDS:g} seconds, not {value}")


@contextmanager
def _client(args: argparse.Namespace, *, max_wait: float | None = None) -> Iterator[OktaClient]:
    """Yield the client for the command's flags; the Local sandbox profile's sandbox lives as long as the command."""
    from oktatool.core.okta.api import MAX_WAIT
    from oktatool.core.okta.client import OktaClient

    if max_wait is not None:
        _check_seconds("--max-wait", max_wait, low=0.0, inclusive=True)
    context = None
    try:
        connection, context = _connection(args)
        yield OktaClient(connection, max_wait=MAX_WAIT if max_wait is None else max_wait)
    finally:
        if context is not None:
            context.close()


def _connection(args: argparse.Namespace) -> tuple[Connection, AppContext | None]:
    """Build the connection from --profile and/or --org, --client-id, --key (flags win over the profile)."""
    from oktatool.core.okta.authserver import parse_server_id
    from oktatool.core.okta.client import Connection
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import parse_org_url

    _check_seconds("--timeout", args.timeout, low=0.0, inclusive=False)
    max_body = getattr(args, "max_body", None)
    if max_body is not None and not (math.isfinite(max_body) and 0 < max_body <= MAX_BODY_MB):
        raise BadInputError(f"--max-body must be more than 0 and at most {MAX_BODY_MB:g} MB, not {max_body}")
    http = HttpOptions(ca_bundle=Path(args.ca_bundle) if args.ca_bundle else None,
                       connect_timeout=min(10.0, args.timeout), read_timeout=args.timeout)
    if max_body is not None:
        http = replace(http, max_body_bytes=int(max_body * 1024 * 1024))
    key: Key | None = None
    kids: tuple[str, ...] = ()
    if args.key:
        key, kids = load_key_arg(args.key, kid=args.kid, password_file=args.password_file)
    if args.profile:
        context = _context(args)
        profile = _read_profile(context, args.profile)
        if args.org and not profile.is_sandbox:
            profile = profile._replace(org_url=args.org)
        if args.client_id and not profile.is_sandbox:
            profile = profile._replace(client_id=args.client_id)
        if args.dpop:
            profile = profile._replace(dpop=True)
        if getattr(args, "auth_server", None) is not None:
            profile = profile._replace(auth_server=parse_server_id(args.auth_server))
        try:
            return context.connection(profile, http=http, key=key, kid=args.kid, key_kids=kids), context
        except BaseException:
            context.close()
            raise
    if not (args.org and args.client_id and key is not None):
        missing = [flag for flag, value in (("--org URL", args.org), ("--client-id ID", args.client_id),
                                            ("--key FILE", key)) if not value]
        raise BadInputError(f"{args.command} needs {', '.join(missing)} (or --profile NAME)",
                            hint="the key is the service app's private key (JWK, JWKS or PEM)")
    return Connection(parse_org_url(args.org), args.client_id, key, kid=args.kid, key_kids=kids,
                      dpop=bool(args.dpop), http=http,
                      auth_server=parse_server_id(getattr(args, "auth_server", None))), None


def _context(args: argparse.Namespace | None = None) -> AppContext:
    """Return a context over the saved settings, refusing (not moving aside) a corrupt settings file.

    With the command's ``args``, a locked encrypted secret store is unlocked with its passphrase options.
    """
    from oktatool.commands.common import store_unlocker
    from oktatool.context import AppContext
    from oktatool.core.errors import ConfigError
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.settings import SettingsStore, load_settings

    paths = AppPaths.resolve()
    loaded = load_settings(paths.settings_file, keep_aside=False)
    if loaded.notice:  # moving the user's file aside is the window's job, with a notice the user sees
        raise ConfigError(loaded.notice, hint="fix the file, or start oktatool's window, which keeps it aside "
                                              "and starts afresh")
    context = AppContext(paths, SettingsStore(paths.settings_file), args=args,
                         store_unlocker=store_unlocker(args) if args is not None else None)
    context.notice_listeners.append(lambda text: print(f"warning: {terminal_text(text)}", file=sys.stderr))
    return context


def _read_profile(context: AppContext, name: str) -> Profile:
    """Return the saved profile called ``name`` (exactly), or raise BadInputError listing the others."""
    settings = context.settings.settings
    for profile in settings.profiles:
        if profile.name == name:
            return profile
    names = ", ".join(p.name for p in settings.profiles)
    raise BadInputError(f"no profile named {name!r}", hint=f"saved profiles: {names}" if names else None)
