"""The scope catalog: its data against Okta's spec, and lookups both ways."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oktatool.core.errors import BadInputError
from oktatool.core.okta.scopes import Operation, ScopeCatalog, normalize_path, split_endpoint
from oktatool.core.store.paths import resource
from tests.conftest import FIXTURES, REPO_ROOT

CATALOG = ScopeCatalog.load()
ALL_LITERALS = {seg for op in CATALOG.operations for seg in op.path.split("/") if seg and not seg.startswith("{")}
GROUP_PUSH = [op for op in CATALOG.operations if "/group-push/mappings" in op.path]


def _shared(name: str) -> Path | None:
    """Find ../shared/okta/NAME next to the repository (a worktree may sit a level deeper)."""
    for folder in REPO_ROOT.parents:
        candidate = folder / "shared" / "okta" / name
        if candidate.is_file():
            return candidate
    return None


def _concrete(template: str, fill: str = "x0Id9") -> str:
    return re.sub(r"\{[^}]+\}", fill, template)


def _op(method: str, template: str) -> Operation:
    return next(op for op in CATALOG.operations if op.method == method and op.path == template)


# -- the data file ---------------------------------------------------------------------------------


def test_the_catalog_ships_as_a_resource_and_loads_once() -> None:
    path = resource("okta", "catalog.json")
    assert path.is_file()
    assert ScopeCatalog.load() is CATALOG
    assert ScopeCatalog.load(path) is CATALOG
    assert CATALOG.spec_version == "2026.06.3"


def test_counts_of_the_committed_catalog() -> None:
    management = [s for s in CATALOG.scopes if s.server == "management"]
    ops = [op for op in CATALOG.operations if op.server == "management"]
    assert len(management) == 109
    assert {s.name for s in CATALOG.scopes if s.server == "org-as"} == {
        "okta.clients.read", "okta.clients.register", "okta.clients.manage",
        "okta.universalLogout.manage", "okta.workflows.invoke.manage",
    }
    assert len(ops) == 732
    assert sum(1 for op in ops if op.scopes) == 723
    assert sum(1 for op in ops if len(op.scopes) == 2) == 5
    assert sum(1 for op in ops if op.oauth_only) == 15
    assert sum(1 for op in ops if op.public) == 7
    assert sorted(op.operation_id for op in ops if not op.scopes and not op.public) == [
        "listSupportedSecurityQuestions", "revokeCurrentApiToken"]


def test_descriptions_are_ours_one_line_and_never_the_specs() -> None:
    for scope in CATALOG.scopes:
        assert scope.description.endswith("."), scope.name
        assert "\n" not in scope.description
        assert not scope.description.startswith("Allows"), scope.name  # the spec's wording
    assert len({s.description for s in CATALOG.scopes}) == len(CATALOG.scopes)


def test_every_operation_scope_is_a_catalog_scope_and_counts_agree() -> None:
    used = Counter(scope for op in CATALOG.operations for scope in op.scopes)
    for scope in CATALOG.scopes:
        assert used[scope.name] == scope.operation_count, scope.name
    assert set(used) <= {s.name for s in CATALOG.scopes}


# -- independent check against the spec in ../shared -------------------------------------------------


SCOPE_FACTS = FIXTURES / "okta" / "scope_facts.tsv"


def _tsv_rows() -> list[list[str]]:
    """Return the rows of the spec-derived fixture (always here, so these checks always run)."""
    lines = SCOPE_FACTS.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("method\t"))
    return [line.split("\t") for line in lines[header_at + 1:] if line.strip()]


def test_the_fixture_is_what_the_shared_spec_table_derives() -> None:
    table = _shared("scope_operations.tsv")
    if table is None:
        pytest.skip("../shared/okta is not here; the committed fixture is checked by the tests below")
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from derive_scope_facts import derive
    finally:
        sys.path.remove(str(REPO_ROOT / "scripts"))
    assert SCOPE_FACTS.read_text(encoding="utf-8") == derive(table.read_text(encoding="utf-8"))


def test_operations_agree_with_the_table_derived_from_the_spec() -> None:
    rows = _tsv_rows()
    ours = {(op.method, op.path): op for op in CATALOG.operations if op.server == "management"}
    assert len(rows) == len(ours) == 732
    lifecycles_checked = 0
    for method, path, operation_id, scopes, ssws, lifecycle, tags in rows:
        op = ours[(method, path)]
        assert op.operation_id == operation_id
        assert set(op.scopes) == set(scopes.split())
        assert op.ssws_allowed is (ssws == "yes")
        assert op.area == tags
        if lifecycle:
            assert op.lifecycle == lifecycle, (method, path)
            lifecycles_checked += 1
    assert lifecycles_checked == 719


def test_scope_counts_and_areas_agree_with_the_spec_table() -> None:
    rows = _tsv_rows()
    counts: Counter[str] = Counter()
    areas: dict[str, set[str]] = {}
    for _method, _path, _oid, scopes, _ssws, _lc, tags in rows:
        for scope in scopes.split():
            counts[scope] += 1
            areas.setdefault(scope, set()).add(tags)
    assert len(counts) == 109
    assert sum(1 for row in rows if row[3]) == 723
    assert sum(1 for row in rows if len(row[3].split()) == 2) == 5
    for name, count in counts.items():
        scope = CATALOG.scope(name)
        assert scope.operation_count == count, name
        assert set(scope.areas) == areas[name], name


def test_the_generator_reproduces_the_committed_catalog(tmp_path: Path) -> None:
    spec = _shared("management-minimal.yaml")
    if spec is None:
        pytest.skip("../shared/okta/management-minimal.yaml is not here")
    out = tmp_path / "catalog.json"
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "gen_catalog.py"), str(spec), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == resource("okta", "catalog.json").read_bytes()


# -- endpoint -> scope -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "operation_id", "scopes"), [
    ("GET", "/api/v1/users", "listUsers", ("okta.users.read",)),
    ("POST", "/api/v1/users", "createUser", ("okta.users.manage",)),
    ("GET", "/api/v1/logs", "listLogEvents", ("okta.logs.read",)),
    ("PUT", "/api/v1/policies/00p1abc", "replacePolicy", ("okta.policies.manage",)),
    ("POST", "/api/v1/apps/0oa1abc/grants", "grantConsentToScope", ("okta.appGrants.manage",)),
    ("GET", "/api/v1/apps/0oa1abc/credentials/jwks", "listJwk", ("okta.apps.read",)),
    ("POST", "/api/v1/apps/0oa1abc/credentials/jwks/kid1/lifecycle/deactivate",
     "deactivateOAuth2ClientJsonWebKey", ("okta.apps.manage",)),
    ("GET", "/oauth2/v1/clients/0oa1abc/roles", "listRolesForClient", ("okta.roles.read",)),
    ("GET", "/oauth2/v1/clients/0oa1abc", "getClient", ("okta.clients.read",)),
    ("POST", "/oauth2/v1/clients", "createClient", ("okta.clients.register",)),
    ("POST", "/oauth2/v1/global-token-revocation", "globalTokenRevocation", ("okta.universalLogout.manage",)),
])
def test_required_scopes_of_known_endpoints(method: str, path: str, operation_id: str,
                                            scopes: tuple[str, ...]) -> None:
    requirement = CATALOG.required_scopes(method, path)
    assert requirement.operation.operation_id == operation_id
    assert requirement.scopes == scopes


def test_concrete_ids_query_strings_urls_and_trailing_slashes() -> None:
    want = _op("GET", "/api/v1/users/{userId}/roles")
    for path in ("/api/v1/users/00u1abc/roles", "/api/v1/users/00u1abc/roles/", "/api/v1/users/00u1abc/roles?limit=2",
                 "https://acme.okta.com/api/v1/users/00u1abc/roles?expand=x#frag", "acme.okta.com/api/v1/users/a/roles",
                 "//api//v1/users/00u1abc/roles", "api/v1/users/00u1abc/roles"):
        assert CATALOG.find("get", path) == want, path


def test_every_operation_is_found_from_a_concrete_path() -> None:
    for op in CATALOG.operations:
        assert CATALOG.match(op.method, _concrete(op.path))[0] == op, op.label
        assert CATALOG.find(op.method, _concrete(op.path)) == op
        assert CATALOG.match(op.method, op.path)[0] == op  # the template itself is a path too


def test_literal_segments_beat_parameters() -> None:
    pairs = 0
    for specific in CATALOG.operations:
        matches = CATALOG.match(specific.method, specific.path)
        assert matches[0] == specific
        for general in matches[1:]:
            pairs += 1
            kinds = [(a.startswith("{"), b.startswith("{"))
                     for a, b in zip(specific.path.split("/"), general.path.split("/"), strict=True)]
            # at the first place where one has a literal and the other a parameter, the winner has the literal
            assert next(k for k in kinds if k[0] != k[1]) == (False, True), (specific.label, general.label)
    assert pairs > 0  # the spec has overlapping templates, e.g. /api/v1/users/me/... vs /api/v1/users/{id}/...


@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(CATALOG.operations) - 1),
       ids=st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,24}", fullmatch=True), min_size=8, max_size=8),
       query=st.one_of(st.just(""), st.from_regex(r"\?[a-z]+=[a-z0-9]*", fullmatch=True)),
       slash=st.booleans())
def test_any_concrete_ids_find_the_template(index: int, ids: list[str], query: str, slash: bool) -> None:
    op = CATALOG.operations[index]
    assume(not set(ids) & ALL_LITERALS)  # an id spelled like a literal segment would pick that template
    filled = iter(ids)
    path = re.sub(r"\{[^}]+\}", lambda _: next(filled), op.path)
    path = path + ("/" if slash else "") + query
    assert CATALOG.find(op.method, path) == op


@given(st.text(max_size=60))
def test_normalize_path_always_gives_an_absolute_path_without_query(text: str) -> None:
    normalized = normalize_path(text)
    assert normalized.startswith("/")
    assert "?" not in normalized
    assert "//" not in normalized
    assert normalized == "/" or not normalized.endswith("/")
    assert normalize_path(normalized) == normalized


def test_unknown_endpoint_and_wrong_method_are_bad_input_with_hints() -> None:
    with pytest.raises(BadInputError) as unknown:
        CATALOG.required_scopes("GET", "/api/v2/nothing/here")
    assert unknown.value.exit_code == 2
    assert unknown.value.code == "unknown_endpoint"
    assert unknown.value.hint
    with pytest.raises(BadInputError) as wrong:
        CATALOG.required_scopes("PATCH", "/api/v1/users")
    assert "GET, POST" in (wrong.value.hint or "")
    assert CATALOG.match("GET", "/api/v2/nothing") == ()


@pytest.mark.parametrize("text", ["", "GET", "/api/v1/users", "GET /a /b", "FETCH /api/v1/users"])
def test_malformed_endpoint_text(text: str) -> None:
    with pytest.raises(BadInputError):
        split_endpoint(text)


def test_split_endpoint_normalizes_the_method() -> None:
    assert split_endpoint("  get   /api/v1/users?limit=5 ") == ("GET", "/api/v1/users?limit=5")


# -- scope -> endpoints, the hierarchy, group push -----------------------------------------------------


def test_operations_for_a_read_scope_are_exactly_those_naming_it() -> None:
    for scope in CATALOG.scopes:
        opened = CATALOG.operations_for(scope.name)
        naming = [op for op in CATALOG.operations if scope.name in op.scopes]
        if scope.verb != "manage":
            assert list(opened) == naming
        assert set(naming) <= set(opened)


def test_manage_opens_what_read_opens() -> None:
    manage = set(CATALOG.operations_for("okta.users.manage"))
    read = set(CATALOG.operations_for("okta.users.read"))
    assert read < manage
    assert _op("GET", "/api/v1/users") in manage
    assert _op("POST", "/api/v1/users") in manage
    assert _op("POST", "/api/v1/users") not in read


def test_manage_satisfies_read_but_not_the_other_way() -> None:
    list_users, create_user = _op("GET", "/api/v1/users"), _op("POST", "/api/v1/users")
    assert CATALOG.satisfies({"okta.users.manage"}, list_users)
    assert CATALOG.satisfies(["okta.users.read"], list_users)
    assert not CATALOG.satisfies({"okta.users.read"}, create_user)
    assert not CATALOG.satisfies({"okta.groups.manage"}, list_users)
    assert CATALOG.missing({"okta.users.read"}, create_user) == ("okta.users.manage",)
    assert CATALOG.satisfied_by("okta.users.read") == ("okta.users.read", "okta.users.manage")
    assert CATALOG.satisfied_by("okta.users.manage") == ("okta.users.manage",)
    assert CATALOG.satisfied_by("okta.clients.register") == ("okta.clients.register",)
    assert CATALOG.satisfied_by("okta.logs.read") == ("okta.logs.read",)  # there is no okta.logs.manage
    assert CATALOG.satisfied_by("okta.users.read.self") == ("okta.users.read.self",)
    logs = CATALOG.required_scopes("GET", "/api/v1/logs?since=2026-01-01")
    assert logs.explain() == "GET /api/v1/logs (listLogEvents) needs okta.logs.read."
    explanation = CATALOG.required_scopes("GET", "/api/v1/users").explain()
    assert "okta.users.read or okta.users.manage" in explanation


def test_the_five_group_push_operations_need_two_scopes() -> None:
    assert sorted(op.label for op in GROUP_PUSH) == sorted([
        "GET /api/v1/apps/{appId}/group-push/mappings",
        "POST /api/v1/apps/{appId}/group-push/mappings",
        "GET /api/v1/apps/{appId}/group-push/mappings/{mappingId}",
        "PATCH /api/v1/apps/{appId}/group-push/mappings/{mappingId}",
        "DELETE /api/v1/apps/{appId}/group-push/mappings/{mappingId}",
    ])
    for op in GROUP_PUSH:
        verb = "read" if op.method == "GET" else "manage"
        assert op.scopes == (f"okta.apps.{verb}", f"okta.groups.{verb}")
        assert not CATALOG.satisfies({f"okta.apps.{verb}"}, op)
        assert not CATALOG.satisfies({f"okta.groups.{verb}"}, op)
        assert CATALOG.satisfies({"okta.apps.manage", "okta.groups.manage"}, op)
        assert CATALOG.missing({"okta.apps.manage"}, op) == (f"okta.groups.{verb}",)
        assert op in CATALOG.operations_for("okta.apps.manage")
        assert op in CATALOG.operations_for("okta.groups.manage")
    get_one = CATALOG.required_scopes("GET", "/api/v1/apps/0oa1/group-push/mappings/gpm1")
    assert get_one.alternatives == (("okta.apps.read", "okta.apps.manage"), ("okta.groups.read", "okta.groups.manage"))
    assert " and " in get_one.explain()
    assert CATALOG.satisfies({"okta.apps.manage", "okta.groups.read"}, get_one.operation)


def test_public_and_ssws_only_operations() -> None:
    public = _op("GET", "/.well-known/okta-organization")
    ssws_only = _op("DELETE", "/api/v1/api-tokens/current")
    assert CATALOG.satisfies(set(), public)
    assert not CATALOG.satisfies({"okta.apiTokens.manage"}, ssws_only)
    assert "SSWS" in CATALOG.requirement(ssws_only).explain()
    oauth_only = next(op for op in CATALOG.operations if op.oauth_only and op.server == "management")
    assert "SSWS API tokens are not accepted" in CATALOG.requirement(oauth_only).explain()


# -- search and names -----------------------------------------------------------------------------------


def test_search_by_name_area_and_description_ignoring_case() -> None:
    assert "okta.logs.read" in {s.name for s in CATALOG.search("SYSTEM LOG")}
    assert {s.name for s in CATALOG.search("group push mappings")} == {
        "okta.apps.manage", "okta.apps.read", "okta.groups.manage", "okta.groups.read"}
    assert all("users" in (s.name + " ".join(s.areas) + s.description).lower() for s in CATALOG.search("Users"))
    assert CATALOG.search("") == CATALOG.search(None) == CATALOG.scopes
    assert CATALOG.search("no-such-thing-anywhere") == ()


def test_unknown_scope_names_suggest_close_ones() -> None:
    with pytest.raises(BadInputError) as caught:
        CATALOG.scope("okta.users")
    assert "okta.users.read" in (caught.value.hint or "")
    assert CATALOG.get("okta.nothing.read") is None
    assert CATALOG.scope("okta.users.read").resource == "okta.users"


def test_scopes_a_service_app_cannot_ask_for() -> None:
    assert "client_credentials_self_scope_requested" in (CATALOG.unusable_reason("okta.users.read.self") or "")
    assert CATALOG.unusable_reason("openid")
    assert CATALOG.unusable_reason("okta.users.read") is None


# -- loading errors and the generator's YAML reader ----------------------------------------------------


def test_a_missing_or_broken_catalog_is_a_config_error(tmp_path: Path) -> None:
    from oktatool.core.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot read the scope catalog"):
        ScopeCatalog.load(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        ScopeCatalog.load(broken)
    future = tmp_path / "future.json"
    future.write_text('{"format": 99, "scopes": [], "operations": []}', encoding="utf-8")
    with pytest.raises(ConfigError, match="format 99"):
        ScopeCatalog.load(future)


def _outline(text: str) -> object:
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from yaml_outline import load_outline
    finally:
        sys.path.remove(str(REPO_ROOT / "scripts"))
    return load_outline(text)


def test_the_yaml_reader_keeps_structure_and_skips_prose() -> None:
    text = """\
info:
  version: 2026.06.3
  description: |
    security:
      - oauth2: [fake.scope]
    paths:
paths:
  /api/v1/things/{id}:
    description: a plain scalar
      that folds onto a second line: with a colon
    get:
      operationId: getThing
      security:
        - apiToken: []
        - oauth2:
            - okta.things.read
      tags:
      - Thing
    x5t#S256: kept
    '200': quoted key
    "say": 'it''s # not a comment'  # but this is
"""
    doc = _outline(text)
    assert isinstance(doc, dict)
    assert doc["info"] == {"version": "2026.06.3", "description": "|"}
    item = doc["paths"]["/api/v1/things/{id}"]
    assert item["description"] == "a plain scalar"
    assert item["get"] == {"operationId": "getThing", "security": [{"apiToken": []}, {"oauth2": ["okta.things.read"]}],
                           "tags": ["Thing"]}
    assert item["x5t#S256"] == "kept"
    assert item["200"] == "quoted key"
    assert item["say"] == "it's # not a comment"
