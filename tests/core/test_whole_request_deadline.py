"""One deadline covers a whole request: a server trickling its status line and headers a byte at a time
cannot hold a call past --timeout (urllib3's per-read timeout never fires on it)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from oktatool.core.errors import NetworkError
from oktatool.core.jose.verify import fetch_jwks
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.doctor import run_doctor
from oktatool.core.okta.doctor_run import DoctorInput
from oktatool.core.okta.http import HttpOptions, new_session

JWKS = generate_key(KeySpec("EC", kid="ec-1")).export("jwks-public").encode()
#: the answer trickled: headers, then (for the body case) the body, a few bytes every 0.3 s
ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"p" * 40 + b"\r\n"
          + b"Content-Length: " + str(len(JWKS)).encode() + b"\r\n\r\n" + JWKS)


@pytest.fixture
def trickler() -> Iterator[str]:
    """Serve on loopback: read the request, then send ANSWER two bytes every 0.3 s (a per-read timeout of 1 s
    never fires); yield the base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # the accept loop looks at stop between waits
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            for at in range(0, len(ANSWER), 2):
                if stop.wait(0.3):
                    return
                try:
                    conn.sendall(ANSWER[at:at + 2])
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _fails_in_time(call: Callable[[], object], timeout: float) -> NetworkError:
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        call()
    took = time.monotonic() - started
    assert timeout - 0.2 <= took < timeout + 1.5, f"failed after {took:.1f} s with a {timeout} s deadline"
    assert "in time" in caught.value.description and caught.value.code == "read_timeout", caught.value
    return caught.value


def test_fetch_jwks_gives_up_at_its_timeout_while_headers_trickle(trickler: str) -> None:
    _fails_in_time(lambda: fetch_jwks(f"{trickler}/keys", timeout=2), 2)


def test_an_api_call_gives_up_at_its_timeout_while_headers_trickle(trickler: str) -> None:
    api = ApiClient(trickler, new_session(), None, timeout=(1.0, 2.0))
    _fails_in_time(lambda: api.send("GET", "/oauth2/v1/keys"), 2)


def test_the_doctor_gives_up_at_its_timeout_while_headers_trickle(trickler: str) -> None:
    report = run_doctor(DoctorInput(org_text=trickler, client_id="0oa-slow", key=generate_key(KeySpec("EC")),
                                    http=HttpOptions(read_timeout=2.0)))
    reached = next(check for check in report.checks if check.status == "fail")
    assert "in time" in reached.detail, reached


def test_a_quick_answer_still_arrives_and_its_connection_is_reused(trickler: str) -> None:
    from tests.loopback_http import QuietHandler, serve_on_loopback

    class _Quick(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_body(200, JWKS)

    with serve_on_loopback(_Quick) as base, new_session() as session:
        for _ in range(3):
            assert session.get(f"{base}/keys", timeout=(1.0, 0.5)).content == JWKS
            time.sleep(0.6)  # past the earlier request's deadline: its watchdog must not reach the pooled socket
        assert session.get(f"{base}/keys", timeout=(1.0, 0.5)).content == JWKS


def test_a_token_request_gives_up_at_its_timeout_while_headers_trickle(trickler: str) -> None:
    from oktatool.core.okta.client import Connection, OktaClient
    from oktatool.core.okta.orgurl import parse_org_url

    client = OktaClient(Connection(parse_org_url(trickler), "0oa-slow", generate_key(KeySpec("EC")),
                                   scopes=("okta.users.read",), http=HttpOptions(read_timeout=2.0)))
    _fails_in_time(client.token, 2)
