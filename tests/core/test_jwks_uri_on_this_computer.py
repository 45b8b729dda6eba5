"""A jwks_uri on this computer (loopback) is taken only when the org itself runs here (the sandbox): Okta cannot
fetch it, so for any other org such a URL (typed, or the one an org's app names) is refused before it is fetched;
a hostile org cannot have rotate or doctor call a service on the user's computer."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from oktatool.core.errors import BadInputError
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.jwks_uri import check_jwks_uri_text, check_jwks_url
from tests.loopback_http import someone_connected


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on loopback that counts who connects (never answers)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_an_https_jwks_uri_on_this_computer_is_refused_for_an_org_elsewhere(host: str) -> None:
    with pytest.raises(BadInputError) as refused:
        check_jwks_uri_text(f"https://{host}:8443/jwks.json")
    assert refused.value.code == "jwks_uri_on_this_computer"
    assert check_jwks_uri_text(f"https://{host}:8443/jwks.json", allow_loopback_http=True)  # the sandbox: taken


def test_a_jwks_uri_on_this_computer_is_never_fetched_for_an_org_elsewhere(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(BadInputError):  # what rotate and doctor call with the URL the org's app names
        check_jwks_url(f"https://127.0.0.1:{port}/jwks.json", "kid-1", http=HttpOptions(read_timeout=2))
    assert not someone_connected(listener), "the check connected to a service on this computer"
