"""The Okta scope catalog: every scope, every operation, and the endpoint -> scope map.

The data is ``resources/okta/catalog.json``, generated from Okta's management spec by
``scripts/gen_catalog.py``. Scopes follow ``<resource>.<verb>``; per Okta's docs a ``.manage`` scope
also grants everything its ``.read`` sibling does, so both lookups here honour that hierarchy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oktatool.core.errors import BadInputError, ConfigError, shorten

#: the catalog format this module reads (the generator writes the same number)
CATALOG_FORMAT = 1
#: methods an Okta operation can have, in the order the catalog lists them
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Scope:
    """One OAuth scope: where it applies and what it is for."""

    name: str
    server: str  # "management" (the management spec) or "org-as" (org authorization server APIs)
    areas: tuple[str, ...]
    operation_count: int  # operations that name this scope in their security requirement
    description: str

    @property
    def resource(self) -> str:
        """Return the scope without its verb: ``okta.users`` for ``okta.users.read``."""
        return self.name.rpartition(".")[0]

    @property
    def verb(self) -> str:
        """Return the last part of the name: ``read``, ``manage`` or ``register``."""
        return self.name.rpartition(".")[2]


@dataclass(frozen=True)
class Operation:
    """One API operation and the scopes it requires (all of them: AND)."""

    method: str
    path: str  # template, e.g. /api/v1/users/{userId}/roles
    operation_id: str
    scopes: tuple[str, ...]
    ssws_allowed: bool  # an SSWS API token works too
    oauth_only: bool  # an OAuth token is the only way in
    public: bool  # no authentication at all
    lifecycle: str | None  # GA, EA, LIMITED_GA or None when the spec says nothing
    area: str | None
    server: str

    @property
    def label(self) -> str:
        """Return ``METHOD /path/template``."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class ScopeRequirement:
    """What an endpoint needs: the operation, its required scopes and what else satisfies each."""

    operation: Operation
    #: for each required scope (AND), the scopes that grant it (OR): itself, then its .manage sibling
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def scopes(self) -> tuple[str, ...]:
        """Return the scopes the operation names (all required)."""
        return self.operation.scopes

    def explain(self) -> str:
        """Say in one or two sentences which scopes the endpoint needs and what else would do."""
        op = self.operation
        if op.public:
            return f"{op.label} needs no authentication."
        if not op.scopes:
            return f"{op.label} takes only an SSWS API token; no OAuth scope opens it."
        options = [" or ".join(alternatives) for alternatives in self.alternatives]
        if len(options) > 1:
            options = [f"({o})" if " or " in o else o for o in options]
        text = f"{op.label} ({op.operation_id}) needs {' and '.join(options)}."
        if any(len(a) > 1 for a in self.alternatives):
            text += " A .manage scope also grants what its .read scope does."
        if op.oauth_only:
            text += " SSWS API tokens are not accepted here."
        return text


def split_endpoint(text: str) -> tuple[str, str]:
    """Split ``"GET /api/v1/users"`` into (method, path); raise BadInputError when it is not that shape."""
    parts = text.split()
    if len(parts) != 2:
        raise BadInputError(
            f"expected METHOD PATH, got {shorten(text)!r}",
            hint='write it like "GET /api/v1/users" (quote it as one argument)',
        )
    method, path = parts[0].upper(), parts[1]
    if method not in METHODS:
        raise BadInputError(f"unknown HTTP method {shorten(parts[0])!r}",
                            hint=f"use one of {', '.join(METHODS[:5])}")
    return method, path


#: a bare host in front of the path: org.okta.com/..., localhost:8080/...
_HOST_PATH = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost)(?::\d+)?(/.*)$")


def normalize_path(path: str) -> str:
    """Reduce a concrete URL or path to its path: no scheme, host, query or fragment, no trailing slash."""
    text = path.strip()
    if "://" in text:
        text = urlsplit(text).path or "/"
    else:
        if not text.startswith("/"):
            bare_host = _HOST_PATH.match(text)
            if bare_host:
                text = bare_host.group(1)
        if "?" in text or "#" in text:
            text = text.split("#", 1)[0].split("?", 1)[0]
    if not text.startswith("/"):
        text = "/" + text
    if "//" in text:
        text = re.sub(r"/{2,}", "/", text)
    if text.endswith("/") or text[-1:].isspace():
        trimmed = ""
        while trimmed != text:  # "/users/ /" -> "/users": spaces and slashes may alternate at the end
            trimmed, text = text, text.rstrip().rstrip("/")
    return text or "/"


@dataclass
class _Node:
    """A trie node over path segments; the params child stands for any one segment."""

    literals: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    operations: dict[str, Operation] = field(default_factory=dict)  # method -> operation


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class ScopeCatalog:
    """All scopes and operations, with fast lookups both ways."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != CATALOG_FORMAT:
            raise ConfigError(
                f"the scope catalog has format {data.get('format')!r}, expected {CATALOG_FORMAT}",
                hint="reinstall oktatool, or regenerate resources/okta/catalog.json with scripts/gen_catalog.py",
            )
        source = data.get("source") or {}
        self.spec_version: str = str(source.get("version", ""))
        self.scopes: tuple[Scope, ...] = tuple(
            Scope(s["name"], s["server"], tuple(s["areas"]), int(s["operations"]), s["description"])
            for s in data["scopes"]
        )
        self.operations: tuple[Operation, ...] = tuple(
            Operation(
                o["method"], o["path"], o["operation_id"], tuple(o["scopes"]), bool(o["ssws_allowed"]),
                bool(o["oauth_only"]), bool(o["public"]), o["lifecycle"], o["area"], o["server"],
            )
            for o in data["operations"]
        )
        self.not_for_client_credentials: tuple[tuple[str, str], ...] = tuple(
            (entry["name"], entry["reason"]) for entry in data.get("not_for_client_credentials", ())
        )
        self._by_name = {s.name: s for s in self.scopes}
        self._opens: dict[str, tuple[Operation, ...]] = {}
        self._by_scope: dict[str, list[Operation]] = {}
        self._root = _Node()
        for op in self.operations:
            for scope in op.scopes:
                self._by_scope.setdefault(scope, []).append(op)
            node = self._root
            for segment in _segments(op.path):
                if _is_param(segment):
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    node = node.literals.setdefault(segment, _Node())
            node.operations[op.method] = op

    @classmethod
    def load(cls, path: Path | None = None) -> ScopeCatalog:
        """Return the catalog shipped in resources/okta/catalog.json (read once, then cached)."""
        if path is None:
            from oktatool.core.store.paths import resource

            path = resource("okta", "catalog.json")
        return _load_cached(Path(path))

    # scopes ---------------------------------------------------------------------------------------

    def scope(self, name: str) -> Scope:
        """Return the scope called ``name``; raise BadInputError naming close matches when unknown."""
        found = self._by_name.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        close = [s.name for s in self.scopes if s.name.lower() == lowered or lowered in s.name.lower()]
        hint = f"did you mean {', '.join(close[:5])}?" if close else "run `oktatool scopes` to list them"
        raise BadInputError(f"unknown Okta scope {shorten(name)!r}", hint=hint)

    def get(self, name: str) -> Scope | None:
        """Return the scope called ``name``, or None."""
        return self._by_name.get(name)

    def search(self, query: str | None) -> tuple[Scope, ...]:
        """Return the scopes whose name, area or description contains every word of ``query`` (any case)."""
        words = (query or "").lower().split()
        if not words:
            return self.scopes
        return tuple(
            s for s in self.scopes
            if all(w in " ".join((s.name, *s.areas, s.description)).lower() for w in words)
        )

    def operations_for(self, scope: str) -> tuple[Operation, ...]:
        """Return the operations that ``scope`` takes part in opening (``.manage`` includes its ``.read``'s).

        Every count of what a scope opens is the length of this (the Scopes table and its detail list), so
        the two never disagree; ``Scope.operation_count`` is the spec's fact, the operations naming it.
        """
        found = self._opens.get(scope)
        if found is None:
            names = {scope}
            resource, _, verb = scope.rpartition(".")
            if verb == "manage":
                names.add(f"{resource}.read")
            ids = {id(op) for name in names for op in self._by_scope.get(name, ())}
            found = self._opens[scope] = tuple(op for op in self.operations if id(op) in ids)
        return found

    def unusable_reason(self, scope: str) -> str | None:
        """Return why a service app cannot ask for ``scope`` with client credentials, or None if it can."""
        for name, reason in self.not_for_client_credentials:
            if name == scope or (name.startswith("*") and scope.endswith(name[1:])):
                return reason
        return None

    def satisfied_by(self, scope: str) -> tuple[str, ...]:
        """Return the scopes that grant ``scope``: itself, then its ``.manage`` sibling when that exists."""
        resource, _, verb = scope.rpartition(".")
        manage = f"{resource}.manage"
        if verb == "read" and manage in self._by_name:
            return (scope, manage)
        return (scope,)

    # endpoints ------------------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Operation, ...]:
        """Return the operations whose template fits ``method path``, the most specific first."""
        segments = _segments(normalize_path(path))
        method = method.upper()
        found: list[tuple[tuple[int, ...], Operation]] = []
        self._walk(self._root, segments, 0, (), method, found)
        found.sort(key=lambda item: item[0])
        return tuple(op for _, op in found)

    def methods_for(self, path: str) -> tuple[str, ...]:
        """Return the methods the catalog knows for a concrete path (any template that fits)."""
        segments = _segments(normalize_path(path))
        found: list[tuple[tuple[int, ...], Operation]] = []
        self._walk(self._root, segments, 0, (), None, found)
        methods = {op.method for _, op in found}
        return tuple(m for m in METHODS if m in methods)

    def _walk(self, node: _Node, segments: list[str], depth: int, rank: tuple[int, ...], method: str | None,
              found: list[tuple[tuple[int, ...], Operation]]) -> None:
        if depth == len(segments):
            if method is None:
                found.extend((rank, op) for op in node.operations.values())
            elif method in node.operations:
                found.append((rank, node.operations[method]))
            return
        segment = segments[depth]
        literal = node.literals.get(segment)
        if literal is not None:
            self._walk(literal, segments, depth + 1, (*rank, 0), method, found)
        if node.param is not None:
            self._walk(node.param, segments, depth + 1, (*rank, 1), method, found)

    def find(self, method: str, path: str) -> Operation | None:
        """Return the most specific operation for ``method path``, or None."""
        return _first(self._root, _segments(normalize_path(path)), 0, method.upper())

    def required_scopes(self, method: str, path: str) -> ScopeRequirement:
        """Return what ``method path`` needs; raise BadInputError for an endpoint the catalog lacks."""
        op = self.find(method, path)
        if op is None:
            normalized = normalize_path(path)
            methods = self.methods_for(path)
            if methods:
                raise BadInputError(
                    f"{method.upper()} is not an Okta API operation on {shorten(normalized)}",
                    hint=f"that path takes {', '.join(methods)}",
                )
            raise BadInputError(
                f"no Okta API operation matches {method.upper()} {shorten(normalized)}",
                hint="give the path from /api/v1/... (ids may be concrete); `oktatool scopes QUERY` lists scopes",
                code="unknown_endpoint",
            )
        return self.requirement(op)

    def requirement(self, operation: Operation) -> ScopeRequirement:
        """Return the requirement of one operation with the alternatives for each scope."""
        return ScopeRequirement(operation, tuple(self.satisfied_by(s) for s in operation.scopes))

    def satisfies(self, granted: Iterable[str], operation: Operation) -> bool:
        """Say whether a token with ``granted`` scopes may call ``operation`` (SSWS-only operations: never)."""
        if operation.public:
            return True
        if not operation.scopes:
            return False
        held = frozenset(granted)
        return not self.missing(held, operation)

    def missing(self, granted: Iterable[str], operation: Operation) -> tuple[str, ...]:
        """Return the required scopes that ``granted`` does not cover (none when it satisfies)."""
        held = frozenset(granted)
        return tuple(s for s in operation.scopes if not any(c in held for c in self.satisfied_by(s)))


    # least privilege ------------------------------------------------------------------------------------

    def least_privilege(self, calls: Iterable[str]) -> LeastPrivilege:
        """Return the smallest set of scopes that opens every call (``METHOD PATH`` lines; others reported).

        Each required scope is met by itself or its ``.manage`` sibling, and ``.manage`` covers ``.read``:
        so the set is every scope the calls name, less each ``.read`` whose ``.manage`` is in it too.
        """
        matched: list[tuple[str, ScopeRequirement]] = []
        problems: list[tuple[str, str]] = []
        for raw in calls:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                method, path = parse_call(line)
                requirement = self.required_scopes(method, path)
            except BadInputError as exc:
                problems.append((shorten(line), exc.description))
                continue
            if not requirement.operation.public and not requirement.scopes:
                problems.append((shorten(line), "SSWS API tokens only: no OAuth scope opens it"))
                continue
            matched.append((shorten(line), requirement))
        needed = dict.fromkeys(scope for _, requirement in matched for scope in requirement.scopes)
        chosen = tuple(scope for scope in needed
                       if not (scope.endswith(".read") and scope.removesuffix(".read") + ".manage" in needed))
        return LeastPrivilege(chosen, tuple(matched), tuple(problems))

    def redundant_reads(self, scopes: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """Return (read, manage) pairs where a picked ``.manage`` makes the picked ``.read`` redundant."""
        held = set(scopes)
        pairs = []
        for scope in held:
            resource, _, verb = scope.rpartition(".")
            if verb == "read" and f"{resource}.manage" in held and f"{resource}.manage" in self._by_name:
                pairs.append((scope, f"{resource}.manage"))
        return tuple(sorted(pairs))


@dataclass(frozen=True)
class LeastPrivilege:
    """The smallest scope set covering some calls, what each call needs, and the lines that opened nothing."""

    scopes: tuple[str, ...]
    #: (the call as given, what it needs)
    calls: tuple[tuple[str, ScopeRequirement], ...]
    #: (the line as given, why it was left out)
    problems: tuple[tuple[str, str], ...]

    @property
    def scope_string(self) -> str:
        """Return the scopes space-separated, as the ``scope=`` form field wants them."""
        return " ".join(self.scopes)


def parse_call(line: str) -> tuple[str, str]:
    """Return (method, path) of one call: ``GET /api/v1/users``, a full URL, or history lines with more after."""
    parts = line.split()
    if not parts:
        raise BadInputError("empty line")
    if parts[0].upper() in METHODS:
        if len(parts) < 2:
            raise BadInputError(f"{parts[0].upper()} needs a path after it", hint='e.g. "GET /api/v1/users"')
        return parts[0].upper(), parts[1]
    if parts[0].startswith(("/", "http://", "https://")):
        return "GET", parts[0]
    raise BadInputError(f"expected METHOD PATH, got {shorten(line)!r}", hint='write it like "GET /api/v1/users"')


def _first(node: _Node, segments: list[str], depth: int, method: str) -> Operation | None:
    """Return the first fit trying literals before parameters, which is the most specific one."""
    if depth == len(segments):
        return node.operations.get(method)
    literal = node.literals.get(segments[depth])
    if literal is not None:
        found = _first(literal, segments, depth + 1, method)
        if found is not None:
            return found
    return _first(node.param, segments, depth + 1, method) if node.param is not None else None


@lru_cache(maxsize=4)
def _load_cached(path: Path) -> ScopeCatalog:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the scope catalog {path}: {exc.strerror}",
            hint="reinstall oktatool; the catalog ships with it",
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"the scope catalog {path} is not valid JSON (line {exc.lineno})",
                          hint="reinstall oktatool; the catalog ships with it") from None
    return ScopeCatalog(data)
