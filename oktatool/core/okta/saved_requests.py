"""Saved requests: named Console calls kept in the data dir (never a secret), with ``{{name}}`` variables.

A saved request holds the method, the path, its query, the headers the user added and the JSON body, for one
profile (its name and org, as the history names them) or for every profile. Before one is kept, the history's
rules decide what a secret is (``is_secret_name``, ``SECRET_HEADERS``, ``scrub``): secret headers and query
parameters are left out (and named), and a body holding a secret is refused. ``{{name}}`` in the path, the
query, the headers or any string of the body is filled from a per-profile variables table (or values given for
one replay); a missing variable is an error naming it. The files are versioned JSON written atomically.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from oktatool.core.errors import BadInputError, ConfigError, Hint
from oktatool.core.files import read_text_input, write_atomic
from oktatool.core.okta.history import holds_secret, is_secret_name, scrub
from oktatool.core.okta.http import SECRET_HEADERS

if TYPE_CHECKING:
    from oktatool.core.store.paths import AppPaths

FORMAT = 1
#: ``{{name}}``: letters, digits, ``_``, ``.`` and ``-``; spaces inside the braces are allowed
VARIABLE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Owner:
    """Whose a saved request or a variables table is: a profile by name and org (as the history says)."""

    profile: str
    org: str


@dataclass(frozen=True)
class SavedRequest:
    """One named call; ``owner`` None means every profile."""

    name: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    owner: Owner | None = None

    @property
    def scope_text(self) -> str:
        """Return who may use it: "all profiles" or the profile's name."""
        return "all profiles" if self.owner is None else self.owner.profile

    def full_path(self) -> str:
        """Return the path with its query, as the request editor shows it (variables not filled)."""
        return self.path + ("?" + urlencode(self.query, quote_via=quote, safe="{}") if self.query else "")

    def variables(self) -> list[str]:
        """Return the variable names the request uses, once each, in order."""
        texts = [self.path, *(v for pair in (*self.query, *self.headers) for v in pair), *_strings(self.body)]
        return list(dict.fromkeys(name for text in texts for name in VARIABLE_RE.findall(text)))

    def fits(self, owner: Owner | None) -> bool:
        """Say whether the request may be used by ``owner`` (None: a call with no profile)."""
        return self.owner is None or self.owner == owner


@dataclass(frozen=True)
class SaveReport:
    """A request made safe to keep, and the names of what was left out."""

    request: SavedRequest
    dropped: tuple[str, ...] = field(default=())

    def notice(self) -> str:
        """Return what was left out, in a sentence ("" when nothing was)."""
        if not self.dropped:
            return ""
        return (f"Saved without {', '.join(self.dropped)}: saved requests never keep a secret "
                "(the token is added when the request is sent).")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _looks_secret(value: str) -> bool:
    return scrub(value) != value


def make_saved(name: str, method: str, path: str, *, query: Iterable[tuple[str, str]] = (),
               headers: Iterable[tuple[str, str]] = (), body: Any = None, owner: Owner | None = None) -> SaveReport:
    """Build a saved request without secrets: secret headers and query parameters are left out and named.

    Raises BadInputError for an empty name, an unknown method, a secret in the path, or a body holding a secret.
    """
    name = name.strip()
    if not name:
        raise BadInputError("a saved request needs a name")
    method = method.upper().strip()
    if method not in _METHODS:
        raise BadInputError(f"unknown method {method!r}", hint=f"use one of {', '.join(_METHODS)}")
    base, _, inline = path.strip().partition("?")
    if inline:
        from urllib.parse import parse_qsl

        query = [*parse_qsl(inline, keep_blank_values=True), *query]
    if _looks_secret(base):
        raise BadInputError("the path holds what looks like a token or a secret; saved requests never keep one",
                            hint="put a {{variable}} in its place")
    dropped: list[str] = []
    kept_query = []
    for key, value in query:
        if is_secret_name(key) or _looks_secret(value):
            dropped.append(f"query parameter {key}")
        else:
            kept_query.append((key, value))
    kept_headers = []
    for key, value in headers:
        if key.lower() in SECRET_HEADERS or is_secret_name(key) or _looks_secret(value):
            dropped.append(f"header {key}")
        else:
            kept_headers.append((key, value))
    if body is not None and holds_secret(body):
        raise BadInputError("the body holds a secret (a password, token, answer or assertion); saved requests "
                            "never keep one", hint="remove that member from the body, then save again")
    request = SavedRequest(name, method, base if base.startswith("/") else "/" + base, tuple(kept_query),
                           tuple(kept_headers), body, owner)
    return SaveReport(request, tuple(dropped))


# --- variables -------------------------------------------------------------------------------------------------


def check_variable(name: str, value: str) -> None:
    """Refuse a variable that is named as a secret or holds one (the table is kept in a plain file)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
        raise BadInputError(f"{name!r} is not a variable name", hint="use letters, digits, _ . and -")
    if is_secret_name(name) or _looks_secret(value):
        raise BadInputError(f"the variable {name} would hold a secret; variables are kept without secrets")


def fill(request: SavedRequest, values: Mapping[str, str]) -> SavedRequest:
    """Return ``request`` with every ``{{name}}`` replaced by ``values[name]`` (path values percent-encoded).

    Raises BadInputError naming every variable that has no value.
    """
    missing = [name for name in request.variables() if name not in values]
    if missing:
        names = ", ".join("{{" + name + "}}" for name in missing)
        what = f"the saved request {request.name!r}" if request.name else "the request"
        raise BadInputError(f"{what} needs a value for {names}",
                            hint=Hint("give it with --var NAME=VALUE, or set it in the Console's Variables table",
                                      window="set it in the Variables table under the Saved list"),
                            code="missing_variable")

    def put(text: str, encode: bool = False) -> str:
        return VARIABLE_RE.sub(lambda m: quote(values[m.group(1)], safe="") if encode else values[m.group(1)], text)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return put(value)
        if isinstance(value, dict):
            return {put(str(k)): walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return replace(request, path=put(request.path, encode=True),
                   query=tuple((put(k), put(v)) for k, v in request.query),
                   headers=tuple((put(k), put(v)) for k, v in request.headers), body=walk(request.body))


def fill_call(method: str, path: str, body: Any, headers: Mapping[str, str],
              values: Mapping[str, str]) -> tuple[str, Any, dict[str, str]]:
    """Return a call's path (with its query), body and headers with ``{{name}}`` filled, as ``fill`` does."""
    done = fill(SavedRequest("", method, path, (), tuple(headers.items()), body), values)
    return done.path, done.body, dict(done.headers)


# --- files -----------------------------------------------------------------------------------------------------


def _owner_json(owner: Owner | None) -> dict[str, str] | None:
    return None if owner is None else {"profile": owner.profile, "org": owner.org}


def to_json(request: SavedRequest) -> dict[str, Any]:
    """Return the request as it is written to a file."""
    return {"name": request.name, "method": request.method, "path": request.path,
            "query": [list(p) for p in request.query], "headers": [list(p) for p in request.headers],
            "body": request.body, "owner": _owner_json(request.owner)}


def _pairs(raw: Any, what: str) -> list[tuple[str, str]]:
    if not isinstance(raw, list) or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p)
                                            for p in raw):
        raise ValueError(f"{what} must be a list of [name, value] pairs")
    return [(p[0], p[1]) for p in raw]


def from_json(raw: Any) -> SaveReport:
    """Read one request from a file's JSON, through ``make_saved`` (raises ValueError or BadInputError)."""
    if not isinstance(raw, dict):
        raise ValueError("a request must be a JSON object")
    owner_raw = raw.get("owner")
    if owner_raw is not None and not (isinstance(owner_raw, dict) and isinstance(owner_raw.get("profile"), str)
                                      and isinstance(owner_raw.get("org"), str)):
        raise ValueError("owner must be null or {\"profile\": ..., \"org\": ...}")
    for member in ("name", "method", "path"):
        if not isinstance(raw.get(member), str):
            raise ValueError(f"{member} must be a string")
    owner = Owner(owner_raw["profile"], owner_raw["org"]) if owner_raw else None
    return make_saved(raw["name"], raw["method"], raw["path"], query=_pairs(raw.get("query", []), "query"),
                      headers=_pairs(raw.get("headers", []), "headers"), body=raw.get("body"), owner=owner)


def parse_document(text: str, *, source: str) -> list[SavedRequest]:
    """Read a saved-requests document; raise one BadInputError saying what is wrong and where."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise BadInputError(f"{source} is not JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("requests"), list):
        raise BadInputError(f"{source} is not an oktatool saved-requests file",
                            hint='it holds {"format": 1, "requests": [...]} (written by oktatool saved export)')
    if raw.get("format") != FORMAT:
        raise BadInputError(f"{source} has format {raw.get('format')!r}; this oktatool reads format {FORMAT}",
                            hint="export it again with this oktatool, or update oktatool")
    requests = []
    for number, item in enumerate(raw["requests"], 1):
        try:
            requests.append(from_json(item).request)
        except (ValueError, BadInputError) as exc:
            raise BadInputError(f"{source}: request {number} is not usable: {exc}") from None
    return requests


def document(requests: Sequence[SavedRequest]) -> bytes:
    """Return the JSON document for ``requests``."""
    return json.dumps({"format": FORMAT, "requests": [to_json(r) for r in requests]}, indent=1,
                      ensure_ascii=False).encode("utf-8")


def merge(kept: Sequence[SavedRequest], added: Sequence[SavedRequest]) -> list[SavedRequest]:
    """Return ``kept`` with ``added`` put in: one with the same name and owner is replaced."""
    result = list(kept)
    for request in added:
        at = next((i for i, r in enumerate(result) if (r.name, r.owner) == (request.name, request.owner)), None)
        if at is None:
            result.append(request)
        else:
            result[at] = request
    return result


def find(requests: Sequence[SavedRequest], name: str, owner: Owner | None) -> SavedRequest:
    """Return the request ``name`` that ``owner`` may use (its own before an all-profiles one)."""
    fitting = [r for r in requests if r.name == name and r.fits(owner)]
    if not fitting:
        names = sorted({r.name for r in requests if r.fits(owner)})
        raise BadInputError(f"no saved request named {name!r}" + (f" for the profile {owner.profile!r}" if owner else
                                                                  " for every profile"),
                            hint=f"saved requests: {', '.join(names)}" if names else "save one in the Console first")
    return min(fitting, key=lambda r: r.owner is None)


class SavedStore:
    """The saved requests and the per-profile variables in the data dir, each change written atomically."""

    def __init__(self, path: Path, variables_path: Path) -> None:
        self.path = path
        self.variables_path = variables_path
        self._lock = threading.Lock()

    def load(self) -> list[SavedRequest]:
        """Return the saved requests (none when the file is missing).

        Raises ConfigError when the file cannot be read: it is left as it is, so nothing is lost by a save.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the saved requests in {self.path}: {exc}") from None
        try:
            return parse_document(text, source=str(self.path))
        except BadInputError as exc:
            raise ConfigError(exc.description, hint="fix or remove the file; oktatool does not write over it") from None

    def save(self, requests: Sequence[SavedRequest]) -> None:
        """Write ``requests`` (raises OSError)."""
        with self._lock:
            write_atomic(self.path, document(requests))

    def import_file(self, source: str) -> tuple[list[SavedRequest], int]:
        """Add the requests of the file ``source`` to the store; return them all and how many came in."""
        added = parse_document(read_text_input(source, what="saved requests"), source=source)
        requests = merge(self.load(), added)
        self.save(requests)
        return requests, len(added)

    def export_file(self, target: Path, requests: Sequence[SavedRequest] | None = None) -> int:
        """Write ``requests`` (all stored ones by default) to ``target``; return how many."""
        chosen = list(self.load() if requests is None else requests)
        write_atomic(target, document(chosen))
        return len(chosen)

    def load_variables(self, owner: Owner) -> dict[str, str]:
        """Return ``owner``'s variables (none when the file is missing).

        Raises ConfigError when the file cannot be read: it is left as it is, and ``save_variables`` refuses to
        write over it.
        """
        for entry in self._variables_file():
            if (entry.get("profile"), entry.get("org")) == (owner.profile, owner.org):
                values = entry.get("values")
                if isinstance(values, dict):
                    return {str(k): str(v) for k, v in values.items() if isinstance(v, str)}
        return {}

    def save_variables(self, owner: Owner, values: Mapping[str, str]) -> None:
        """Keep ``values`` as ``owner``'s variables (each checked by ``check_variable``)."""
        for name, value in values.items():
            check_variable(name, value)
        with self._lock:
            entries = [e for e in self._variables_file() if (e.get("profile"), e.get("org")) != (owner.profile,
                                                                                                 owner.org)]
            if values:
                entries.append({"profile": owner.profile, "org": owner.org, "values": dict(values)})
            write_atomic(self.variables_path, json.dumps({"format": FORMAT, "profiles": entries}, indent=1,
                                                         ensure_ascii=False).encode("utf-8"))

    def _variables_file(self) -> list[dict[str, Any]]:
        try:
            text = self.variables_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the variables in {self.variables_path}: {exc}") from None
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raw = exc
        items = raw.get("profiles") if isinstance(raw, dict) and raw.get("format") == FORMAT else None
        if not isinstance(items, list):
            raise ConfigError(f"{self.variables_path} is not an oktatool variables file (format {FORMAT})",
                              hint="fix or remove the file; oktatool does not write over it")
        return [item for item in items if isinstance(item, dict)]


def store_for(paths: AppPaths) -> SavedStore:
    """Return the store at the places ``paths`` names."""
    return SavedStore(paths.saved_requests_file, paths.variables_file)
