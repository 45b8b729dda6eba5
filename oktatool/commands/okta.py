"""`oktatool token` and `oktatool api`: a scoped token, and calls to the Okta API with it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oktatool.commands.common import json_or_file, print_json, read_password_file, read_text_input
from oktatool.core.errors import BadInputError

if TYPE_CHECKING:
    from oktatool.core.api import ApiResponse
    from oktatool.core.okta import Connection, OktaClient
    from oktatool.core.tokens import TokenResponse


def token(args: argparse.Namespace) -> int:
    """Get a token for --scopes and print it (JSON with --json, else a summary)."""
    client = _client(args)
    if not (args.scopes or client.connection.scopes):
        raise BadInputError("no scopes given", hint='add --scopes "okta.users.read" (or set scopes in the profile)')
    answer = client.token(args.scopes or None)
    _warn(answer)
    if args.json:
        print_json(answer.to_dict())
        return 0
    expires = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(answer.expires_at))
    print(f"token_type:   {answer.token_type}")
    print(f"scope:        {answer.scope}")
    print(f"expires_in:   {answer.expires_in} s (at {expires})")
    print(f"access_token: {answer.access_token}")
    return 0


def api(args: argparse.Namespace) -> int:
    """Call METHOD PATH; with --all follow every rel="next" page and print one JSON array of all items."""
    client = _client(args, max_wait=args.max_wait)
    body = json_or_file(args.data, what="--data") if args.data is not None else None
    scopes = client.scopes_for(args.method, args.path, args.scopes)
    caller = client.api(scopes)
    _warn(client.token(scopes))
    if args.all:
        return _print_all(caller.pages(args.method, args.path, body=body), quiet=args.json)
    response = caller.call(args.method, args.path, body=body)
    if response.content.strip():
        data = response.json() if _is_json(response) else None
        if data is not None:
            print_json(data)
        else:
            sys.stdout.write(response.content.decode("utf-8", "replace").rstrip("\n") + "\n")
    if not args.json:
        print(_summary(response, pages=1), file=sys.stderr)
    return 0


def _print_all(pages: Any, *, quiet: bool) -> int:
    """Stream the items of every page as one JSON array, page by page."""
    from oktatool.core.encoding import dumps_pretty

    out = sys.stdout
    count = pages_seen = 0
    last: ApiResponse | None = None
    out.write("[")
    for page in pages:
        pages_seen += 1
        last = page
        for item in page.items():
            out.write(",\n  " if count else "\n  ")
            out.write(dumps_pretty(item).replace("\n", "\n  "))
            count += 1
        out.flush()
    out.write("\n]\n" if count else "]\n")
    out.flush()
    if not quiet and last is not None:
        print(f"{count} item(s) in {pages_seen} page(s); " + _summary(last, pages=pages_seen), file=sys.stderr)
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
    return "; ".join(parts)


def _warn(answer: TokenResponse) -> None:
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _client(args: argparse.Namespace, *, max_wait: float | None = None) -> OktaClient:
    from oktatool.core.api import MAX_WAIT
    from oktatool.core.okta import OktaClient

    return OktaClient(_connection(args), max_wait=MAX_WAIT if max_wait is None else max_wait)


def _connection(args: argparse.Namespace) -> Connection:
    """Build the connection from --profile and/or --org, --client-id, --key (flags win over the profile)."""
    from oktatool.core.http import HttpOptions
    from oktatool.core.keys import load_key, load_keys
    from oktatool.core.okta import Connection
    from oktatool.core.orgurl import parse_org_url
    from oktatool.core.tokens import normalize_scopes

    profile = _read_profile(args.profile) if args.profile else None
    org = args.org or (profile.org_url if profile else None)
    client_id = args.client_id or (profile.client_id if profile else None)
    key_text = read_text_input(args.key, what="key") if args.key else (profile.key_text() if profile else None)
    if not (org and client_id and key_text):
        raise BadInputError(f"{args.command} needs --profile NAME, or --org URL, --client-id ID and --key FILE",
                            hint="the key is the service app's private key (JWK, JWKS or PEM)")
    passphrase = read_password_file(args.password_file)
    key = load_key(key_text, kid=args.kid, passphrase=passphrase)
    kids = tuple(k.kid for k in load_keys(key_text, passphrase=passphrase) if k.kid)
    if args.timeout <= 0:
        raise BadInputError("--timeout must be more than 0 seconds")
    http = HttpOptions(ca_bundle=Path(args.ca_bundle) if args.ca_bundle else None,
                       connect_timeout=min(10.0, args.timeout), read_timeout=args.timeout)
    scopes = normalize_scopes(profile.scopes) if profile and profile.scopes else ()
    return Connection(parse_org_url(org), client_id, key, kid=args.kid, key_kids=kids, scopes=scopes,
                      dpop=bool(args.dpop or (profile and profile.dpop)), http=http)


class _Profile:
    """The parts of a settings profile the command line needs."""

    def __init__(self, raw: dict[str, Any], settings_dir: Path) -> None:
        self.name = str(raw.get("name", ""))
        self.org_url = str(raw.get("org_url") or "")
        self.client_id = str(raw.get("client_id") or "")
        self.scopes = tuple(str(s) for s in raw.get("scopes") or ())
        self.dpop = bool(raw.get("dpop"))
        self.key_file = raw.get("key_file")
        self.key_ref = raw.get("key_ref")
        self.settings_dir = settings_dir

    def key_text(self) -> str | None:
        if self.key_file:
            path = Path(str(self.key_file)).expanduser()
            return read_text_input(str(path if path.is_absolute() else self.settings_dir / path), what="key")
        return None


def _read_profile(name: str) -> _Profile:
    """Return the profile ``name`` from settings.json (minimal reader until the settings module lands)."""
    import json

    from oktatool.core.errors import ConfigError
    from oktatool.core.paths import AppPaths

    path = AppPaths.resolve().settings_file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no settings file ({path}), so no profile {name!r}",
                          hint="create the profile in the window, or use --org, --client-id and --key") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the settings file {path}: {exc}") from None
    profiles = data.get("profiles") if isinstance(data, dict) else None
    for raw in profiles if isinstance(profiles, list) else []:
        if isinstance(raw, dict) and raw.get("name") == name:
            profile = _Profile(raw, path.parent)
            if profile.org_url == "sandbox":
                raise BadInputError(f"profile {name!r} uses the built-in sandbox, which runs inside the window",
                                    hint="start `oktatool sandbox` and pass its org URL, client id and key file")
            if profile.key_file is None and profile.key_ref:
                raise ConfigError(f"profile {name!r} keeps its key in the secret store, which the command line "
                                  "cannot open yet", hint="pass the key with --key FILE")
            return profile
    names = [str(p.get("name")) for p in profiles if isinstance(p, dict)] if isinstance(profiles, list) else []
    raise BadInputError(f"no profile named {name!r}",
                        hint=f"profiles: {', '.join(names)}" if names else "no profiles are saved yet")
