"""A page walk sends only GETs, and only to the org: a Link on a write, or to another origin, is not followed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from oktatool.core.errors import BadInputError
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.http import new_session
from tests.loopback_http import QuietHandler, serve_on_loopback


class _Org(QuietHandler):
    """Answers every method with a Link to a victim path; page 2 links to another origin."""

    sent: ClassVar[list[tuple[str, str]]] = []
    elsewhere = ""

    def _answer(self) -> None:
        type(self).sent.append((self.command, self.path))
        port = self.server.server_address[1]
        target = {"/api/v1/users": f"http://127.0.0.1:{port}/api/v1/users/victim1",
                  "/api/v1/users/victim1": f"{self.elsewhere}/api/v1/users/victim2"}.get(
            self.path, f"http://127.0.0.1:{port}/api/v1/users/victim9")
        self.send_response(200)
        self.send_header("Link", f'<{target}>; rel="next"')
        self.send_header("Content-Type", "application/json")
        body = b'[{"id": "00u1"}]'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_DELETE = do_POST = _answer


class _Elsewhere(_Org):
    sent: ClassVar[list[tuple[str, str]]] = []


@pytest.fixture
def org() -> Iterator[str]:
    _Org.sent, _Elsewhere.sent = [], []
    with serve_on_loopback(_Elsewhere) as other, serve_on_loopback(_Org) as base:
        _Org.elsewhere = other
        yield base


@pytest.mark.parametrize("method", ["DELETE", "POST", "put", "PATCH"])
def test_a_write_never_walks_pages_and_nothing_is_sent(org: str, method: str) -> None:
    api = ApiClient(org, new_session(), None)
    with pytest.raises(BadInputError, match="only GET walks pages"):
        list(api.pages(method, "/api/v1/users"))
    assert _Org.sent == [] and _Elsewhere.sent == []


@pytest.mark.parametrize("host", ["elsewhere", "localhost"])
def test_a_get_walk_stays_on_the_org(org: str, host: str) -> None:
    if host == "localhost":  # the same server by another name is another origin: the token is not sent there
        _Org.elsewhere = org.replace("127.0.0.1", "localhost")
    api = ApiClient(org, new_session(), None)
    pages = list(api.pages("GET", "/api/v1/users"))
    assert [page.url for page in pages] == [f"{org}/api/v1/users", f"{org}/api/v1/users/victim1"]
    assert pages[-1].next_url is None
    assert _Org.sent == [("GET", "/api/v1/users"), ("GET", "/api/v1/users/victim1")]
    assert _Elsewhere.sent == []
