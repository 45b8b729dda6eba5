"""Saved requests in core: secrets never kept, variables filled or named when missing, files round-trip and a
bad file is one clear error that loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oktatool.core.errors import BadInputError, ConfigError
from oktatool.core.okta.saved_requests import (
    Owner,
    SavedStore,
    check_variable,
    fill,
    find,
    make_saved,
    parse_document,
    store_for,
)
from oktatool.core.store.paths import AppPaths

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"
ME = Owner("dev", "https://dev-1.okta.com")


def _store(tmp_path: Path) -> SavedStore:
    return store_for(AppPaths.resolve(tmp_path))


def test_secret_headers_and_query_parameters_are_left_out_and_named() -> None:
    report = make_saved("mine", "get", f"/api/v1/users/{{{{userId}}}}?limit=5&access_token={JWT}",
                        headers=[("Authorization", f"Bearer {JWT}"), ("DPoP", JWT), ("X-Api-Key-Token", "abc"),
                                 ("X-Trace", JWT), ("Accept-Language", "en")])
    request = report.request
    assert request.method == "GET" and request.path == "/api/v1/users/{{userId}}"
    assert request.query == (("limit", "5"),)
    assert request.headers == (("Accept-Language", "en"),)
    assert report.dropped == ("query parameter access_token", "header Authorization", "header DPoP",
                              "header X-Api-Key-Token", "header X-Trace")
    assert "Authorization" in report.notice()


@pytest.mark.parametrize("body", [{"credentials": {"password": {"value": "hunter2!"}}},
                                  {"profile": {"note": JWT}}, {"sessionToken": "abc"}])
def test_a_body_holding_a_secret_is_refused(body: object) -> None:
    with pytest.raises(BadInputError, match="body holds a secret"):
        make_saved("create", "POST", "/api/v1/users", body=body)


def test_a_token_in_the_path_is_refused() -> None:
    with pytest.raises(BadInputError, match="looks like a token"):
        make_saved("x", "GET", f"/api/v1/things/{JWT}")


def test_variables_fill_path_query_headers_and_body_and_a_missing_one_is_named() -> None:
    request = make_saved("move", "POST", "/api/v1/groups/{{groupId}}/users/{{ userId }}?note={{note}}",
                         headers=[("X-Why", "{{note}}")], body={"profile": {"city": "{{city}}"}}).request
    assert request.variables() == ["groupId", "userId", "note", "city"]
    with pytest.raises(BadInputError) as caught:
        fill(request, {"groupId": "g1", "note": "hi"})
    assert caught.value.description == "the saved request 'move' needs a value for {{userId}}, {{city}}"
    done = fill(request, {"groupId": "g1", "userId": "a/b c", "note": "hi there", "city": 'Paris "Nord"'})
    assert done.full_path() == "/api/v1/groups/g1/users/a%2Fb%20c?note=hi%20there"
    assert done.headers == (("X-Why", "hi there"),)
    assert done.body == {"profile": {"city": 'Paris "Nord"'}}


def test_variables_never_hold_a_secret() -> None:
    check_variable("userId", "00u1")
    for name, value in (("password", "x"), ("apiToken", "x"), ("userId", JWT), ("bad name", "x")):
        with pytest.raises(BadInputError):
            check_variable(name, value)


def test_a_profile_s_own_request_comes_before_one_for_all_profiles() -> None:
    shared = make_saved("users", "GET", "/api/v1/users").request
    own = make_saved("users", "GET", "/api/v1/users?limit=1", owner=ME).request
    other = make_saved("groups", "GET", "/api/v1/groups", owner=Owner("dev", "https://other.okta.com")).request
    assert find([shared, own, other], "users", ME) is own
    assert find([shared, own, other], "users", None) is shared
    with pytest.raises(BadInputError, match="no saved request named 'groups'"):
        find([shared, own, other], "groups", ME)


def test_export_then_import_round_trips_and_replaces_same_name_and_owner(tmp_path: Path) -> None:
    store = _store(tmp_path)
    first = make_saved("users", "GET", "/api/v1/users?limit=5", headers=[("Accept-Language", "en")],
                       owner=ME).request
    second = make_saved("new user", "POST", "/api/v1/users", body={"profile": {"login": "{{login}}"}}).request
    store.save([first, second])
    exported = tmp_path / "out.json"
    assert store.export_file(exported) == 2
    other = _store(tmp_path / "other")
    other.save([make_saved("users", "GET", "/old", owner=ME).request])
    requests, count = other.import_file(str(exported))
    assert count == 2 and requests == [first, second]
    assert other.load() == [first, second]


@pytest.mark.parametrize(("text", "words"), [
    ("{not json", "is not JSON"),
    ('{"format": 1}', "not an oktatool saved-requests file"),
    ('{"format": 9, "requests": []}', "has format 9"),
    ('{"format": 1, "requests": [{"name": "a", "method": "GET", "path": "/x", "headers": "oops"}]}',
     "request 1 is not usable"),
    ('{"format": 1, "requests": [{"name": "a", "method": "POST", "path": "/x", "body": {"password": "p"}}]}',
     "request 1 is not usable: the body holds a secret"),
])
def test_a_bad_import_file_is_one_clear_error_and_loses_nothing(tmp_path: Path, text: str, words: str) -> None:
    store = _store(tmp_path)
    kept = [make_saved("users", "GET", "/api/v1/users").request]
    store.save(kept)
    before = store.path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(BadInputError, match=words):
        store.import_file(str(bad))
    assert store.path.read_bytes() == before and store.load() == kept


def test_a_damaged_store_is_not_written_over(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"format": 1, "requests": [')
    with pytest.raises(ConfigError, match="is not JSON") as caught:
        store.load()
    assert "does not write over it" in str(caught.value.hint)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": 1, "requests": []}))
    with pytest.raises(ConfigError):
        store.import_file(str(good))
    assert store.path.read_text() == '{"format": 1, "requests": ['


def test_variables_are_kept_per_profile(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save_variables(ME, {"userId": "00u1"})
    store.save_variables(Owner("dev", "https://other.okta.com"), {"userId": "00u2"})
    assert store.load_variables(ME) == {"userId": "00u1"}
    with pytest.raises(BadInputError):
        store.save_variables(ME, {"password": "hunter2"})
    assert store.load_variables(ME) == {"userId": "00u1"}


def test_parse_document_reads_what_document_writes() -> None:
    from oktatool.core.okta.saved_requests import document

    request = make_saved("a", "DELETE", "/api/v1/users/{{id}}", owner=ME).request
    assert parse_document(document([request]).decode(), source="x") == [request]


@pytest.mark.parametrize("text", ['{"format": 1, "profiles": [', '{"profiles": "x"}', "[]"])
def test_a_damaged_variables_file_is_said_and_not_written_over(tmp_path: Path, text: str) -> None:
    store = _store(tmp_path)
    store.variables_path.parent.mkdir(parents=True, exist_ok=True)
    store.variables_path.write_text(text)
    with pytest.raises(ConfigError, match="not an oktatool variables file") as caught:
        store.load_variables(ME)
    assert "does not write over it" in str(caught.value.hint)
    with pytest.raises(ConfigError):
        store.save_variables(ME, {"userId": "00u1"})
    assert store.variables_path.read_text() == text
