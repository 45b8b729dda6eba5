"""Loopback never goes through HTTP_PROXY/HTTPS_PROXY: a real recording proxy on loopback sees nothing.

A proxy would see the bearer token and the client assertion in clear text (plain http to the sandbox),
and a corporate proxy cannot reach this computer's loopback anyway.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from oktatool.core.keys.key import load_key
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.http import new_session
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.store.settings import Profile, Settings, save_settings
from oktatool.sandbox.server import SandboxInfo
from tests.conftest import CliRunner
from tests.loopback_http import QuietHandler, serve_on_loopback


class _Seen:
    lines: ClassVar[list[str]] = []
    lock = threading.Lock()


class RecordingProxy(QuietHandler):
    """Answers every proxied request 502 and records its request line and headers."""

    def _record(self) -> None:
        with _Seen.lock:
            _Seen.lines.append(self.requestline + "\n" + str(self.headers))
        self.send_body(502, b'{"error": "the test proxy forwards nothing"}')

    do_GET = do_POST = do_PUT = do_DELETE = do_CONNECT = _record


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _Seen.lines = []
    with serve_on_loopback(RecordingProxy) as url:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
            monkeypatch.setenv(name, url)
        yield url


def test_the_recording_proxy_does_see_requests_to_other_hosts(proxy: str) -> None:
    # proves the proxy and the environment are live: a non-loopback host would go through it
    with pytest.raises(requests.exceptions.ProxyError):
        new_session().get("https://org.example.invalid/x", timeout=5)
    assert _Seen.lines and _Seen.lines[0].startswith("CONNECT org.example.invalid:443")


def test_token_and_api_calls_to_a_loopback_org_skip_the_proxy(proxy: str, sandbox_org: SandboxInfo) -> None:
    key = load_key(sandbox_org.key_file.read_text())
    client = OktaClient(Connection(parse_org_url(sandbox_org.org_url), sandbox_org.client_id, key,
                                   key_kids=(sandbox_org.kid,), scopes=("okta.users.read",)), session=new_session())
    assert client.token().access_token
    assert client.send("GET", "/api/v1/users?limit=1").status == 200
    assert _Seen.lines == []


def test_the_local_sandbox_profile_works_behind_a_proxy(proxy: str, run_cli: CliRunner, isolated_home: Path) -> None:
    save_settings(isolated_home / "config" / "settings.json",
                  Settings(profiles=(Profile("Local sandbox", scopes=("okta.users.read",)),)))
    result = run_cli("api", "GET", "/api/v1/users?limit=1", "--profile", "Local sandbox", "--json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert _Seen.lines == []
