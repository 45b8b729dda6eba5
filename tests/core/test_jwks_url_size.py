"""A JWKS URL that answers without end: oktatool stops reading at the cap instead of filling memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oktatool.core.errors import NetworkError
from oktatool.core.jose.verify import MAX_JWKS_BYTES, fetch_jwks
from tests.loopback_http import QuietHandler, serve_on_loopback

#: what the server would send if nobody stopped reading
OFFER = 16 * MAX_JWKS_BYTES


class _Endless(QuietHandler):
    sent = 0

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the body ends when the connection does
        chunk = b" " * 65536
        try:
            while _Endless.sent < OFFER:
                self.wfile.write(chunk)
                _Endless.sent += len(chunk)
        except OSError:
            pass  # the client hung up, as it should


@pytest.fixture
def endless() -> Iterator[str]:
    _Endless.sent = 0
    with serve_on_loopback(_Endless) as base:
        yield f"{base}/keys"


def test_an_endless_jwks_answer_is_cut_at_the_cap(endless: str) -> None:
    with pytest.raises(NetworkError) as caught:
        fetch_jwks(endless, timeout=10)
    assert caught.value.code == "jwks_too_big"
    # what was written is the cap plus what the socket buffers held, far from the whole offer
    assert _Endless.sent < OFFER // 2
