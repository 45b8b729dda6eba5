"""A ~/.netrc entry for the host never replaces the Authorization header oktatool sends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oktatool.core.okta.http import new_session
from tests.loopback_http import QuietHandler, serve_on_loopback


class _EchoAuthorization(QuietHandler):
    def do_GET(self) -> None:
        if self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/echo")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, (self.headers.get("Authorization") or "(none)").encode(), "text/plain")


@pytest.fixture
def echo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login alice password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))  # requests reads this file when trust_env is on
    with serve_on_loopback(_EchoAuthorization) as base:
        yield base


def test_our_authorization_header_survives_a_netrc_entry(echo: str) -> None:
    with new_session() as session:
        assert session.trust_env
        sent = session.get(f"{echo}/echo", headers={"Authorization": "DPoP tok"}, timeout=5).text
        assert sent == "DPoP tok"
        assert session.get(f"{echo}/echo", timeout=5).text == "(none)"  # nor added where we send none
        assert session.get(f"{echo}/hop", headers={"Authorization": "Bearer tok"}, timeout=5).text == "Bearer tok"
