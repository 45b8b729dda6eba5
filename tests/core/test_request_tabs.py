"""The Console's request tabs as kept on disk: titles, no secret written, each profile's own tabs, a damaged file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from oktatool.core.errors import ConfigError
from oktatool.core.okta.request_tabs import MAX_TABS, RequestDraft, RequestTabsStore, TabSet, short_path
from oktatool.core.okta.saved_requests import Owner

DEV = Owner("dev", "https://dev-1.okta.com")
SANDBOX = Owner("Local sandbox", "sandbox")


@pytest.mark.parametrize(("path", "short"), [
    ("/api/v1/users?limit=200", "users"),
    ("/api/v1/users/00u1", "users/00u1"),
    ("/api/v1/apps/0oa1/grants", "apps/…/grants"),
    ("/oauth2/v1/clients", "oauth2/…/clients"),
    ("/api/v1", "/"),
    ("", "/"),
])
def test_a_tab_is_titled_by_method_and_short_path(path: str, short: str) -> None:
    assert short_path(path) == short
    assert RequestDraft("GET", path).title == f"GET {short}"
    assert RequestDraft("GET", path, name="Mine").title == "Mine"
    assert RequestDraft(name="x" * 80).title == "x" * 31 + "…"


def test_what_is_written_holds_no_secret(tmp_path: Path) -> None:
    store = RequestTabsStore(tmp_path / "console-tabs.json")
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    draft = RequestDraft("post", "/api/v1/users?activate=false&sessionToken=s3ss10n",
                         headers=(("Authorization", f"Bearer {jwt}"), ("X-Api-Token", "t0k3n"), ("X-Trace", "1")),
                         body=json.dumps({"credentials": {"password": {"value": "S3cr3t!"}}, "note": jwt}))
    store.save(DEV, TabSet((draft,), 0))
    text = store.path.read_text(encoding="utf-8")
    for secret in ("s3ss10n", jwt, "t0k3n", "S3cr3t!"):
        assert secret not in text
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o777 == 0o600
    kept = RequestTabsStore(store.path).load(DEV)
    assert kept is not None
    (back,) = kept.drafts
    assert back.method == "POST" and back.headers == (("X-Api-Token", "[redacted]"), ("X-Trace", "1"))
    assert json.loads(back.body)["credentials"]["password"] == "[redacted]"


def test_each_profile_keeps_its_own_tabs_and_a_bounded_number(tmp_path: Path) -> None:
    store = RequestTabsStore(tmp_path / "console-tabs.json")
    store.save(DEV, TabSet(tuple(RequestDraft("GET", f"/api/v1/users/{n}") for n in range(MAX_TABS + 5)), 3))
    store.save(SANDBOX, TabSet((RequestDraft("GET", "/api/v1/groups"),), 0))
    again = RequestTabsStore(store.path)
    dev = again.load(DEV)
    assert dev is not None and len(dev.drafts) == MAX_TABS and dev.current == 3
    sandbox = again.load(SANDBOX)
    assert sandbox is not None and [d.path for d in sandbox.drafts] == ["/api/v1/groups"]
    assert again.load(Owner("dev", "https://dev-2.okta.com")) is None  # same name, another org


@pytest.mark.parametrize("text", ['{"format": 1, "profiles": [', '{"format": 9, "profiles": []}', "[]"])
def test_a_damaged_file_is_set_aside_said_once_and_then_written_anew(tmp_path: Path, text: str) -> None:
    path = tmp_path / "console-tabs.json"
    path.write_text(text, encoding="utf-8")
    store = RequestTabsStore(path)
    with pytest.raises(ConfigError, match="could not be read") as raised:
        store.load(DEV)
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith("console-tabs.json.corrupt-")]
    assert kept.name in raised.value.description and kept.read_text(encoding="utf-8") == text
    assert store.load(DEV) is None  # said once
    store.save(DEV, TabSet())
    assert json.loads(path.read_text(encoding="utf-8"))["profiles"][0]["profile"] == "dev"


def test_entries_that_are_not_tabs_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "console-tabs.json"
    path.write_text(json.dumps({"format": 1, "profiles": [
        {"profile": "dev", "org": DEV.org, "current": 7, "tabs": [
            {"method": "GET", "path": "/api/v1/users", "headers": [["A", "b"], ["broken"]], "body": "", "name": ""},
            {"method": 3}, "nonsense"]}]}), encoding="utf-8")
    kept = RequestTabsStore(path).load(DEV)
    assert kept is not None and kept.current == 0
    assert kept.drafts == (RequestDraft("GET", "/api/v1/users", (("A", "b"),)),)
