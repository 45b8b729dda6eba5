"""The sandbox fetches an app's jwks_uri only on this computer (loopback): a local org is no way to reach the network.

Okta takes any https jwks_uri; the sandbox keeps the URL as given (Okta's answers) but never connects to a host
other than loopback, so that anyone who can make an app in a Local sandbox cannot have it call out (SSRF).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from oktatool.core.errors import OktaToolError
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.sandbox import SandboxInfo
from tests.loopback_http import someone_connected
from tests.sandbox.test_jwks_uri import _app_on_url, _token


def _own_address() -> str | None:
    """Return this computer's address on its network (not loopback), or None when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # a UDP connect sends nothing: it only picks the outgoing address
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address  # noqa: S104


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on this computer's network address that counts who connects (never answers)."""
    address = _own_address()
    if address is None:
        pytest.skip("this computer has no network address besides loopback")
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((address, 0))
    server.listen(8)
    yield server
    server.close()


def test_a_jwks_uri_off_this_computer_is_never_fetched(sandbox_org: SandboxInfo, listener: socket.socket) -> None:
    host, port = listener.getsockname()[:2]
    signer = generate_key(KeySpec("RSA", size=2048, alg="RS256")).with_thumbprint_kid()
    client_id = _app_on_url(sandbox_org, f"https://{host}:{port}/jwks.json")  # kept as given, as Okta does
    with pytest.raises(OktaToolError, match="Error retrieving the client JWKSet from jwks_uri"):
        _token(sandbox_org, client_id, signer)
    assert not someone_connected(listener), "the sandbox connected to a host off this computer"
