"""A server cannot send oktatool to plain http off this computer by redirecting (JWKS URLs follow redirects)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oktatool.core.errors import NetworkError
from oktatool.core.jose.jwt import fetch_jwks
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.http import new_session
from tests.loopback_http import QuietHandler, serve_on_loopback

JWKS = generate_key(KeySpec("EC", kid="ec-1")).export("jwks-public").encode()


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        if self.path == "/jwks":
            self.send_body(200, JWKS)
            return
        target = {"/away": "http://jwks.example.invalid/keys",
                  "/here": f"http://127.0.0.1:{self.server.server_address[1]}/jwks"}[self.path]
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server() -> Iterator[str]:
    with serve_on_loopback(_Handler) as base:
        yield base


def test_a_redirect_to_plain_http_elsewhere_is_refused_before_connecting(server: str) -> None:
    with pytest.raises(NetworkError) as caught:
        fetch_jwks(f"{server}/away", timeout=5)
    assert caught.value.code == "plain_http_refused"
    assert "jwks.example.invalid" in caught.value.description
    assert caught.value.description.startswith(f"{server.removeprefix('http://')} redirected to plain http")


def test_a_redirect_within_loopback_is_still_followed(server: str) -> None:
    keys = fetch_jwks(f"{server}/here", timeout=5)
    assert [k.kid for k in keys] == ["ec-1"]


def test_the_session_itself_refuses_plain_http_off_loopback() -> None:
    with new_session() as session, pytest.raises(NetworkError, match="plain http"):
        session.get("http://dev-1.okta.com/api/v1/users", timeout=1)
