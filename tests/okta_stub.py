"""A tiny scriptable HTTP server on 127.0.0.1 for answers the sandbox does not give on purpose.

It answers ``POST /oauth2/v1/token`` like any standards-following authorization server (a Bearer token)
and every other request from a list of scripted answers (a 429 that resets in a second, a DPoP nonce
challenge from the resource, an HTML error page, a link to another host). It records what it received.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    """A canned answer: status, headers, body."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Seen:
    """One request the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Stub:
    """A running stub: its base URL, the scripted behaviours left, and what it received."""

    url: str
    script: list[Answer]
    seen: list[Seen] = field(default_factory=list)
    token_scope: str = "okta.users.read"
    #: what the token endpoint answers instead of the default Bearer token
    token_answer: Answer | None = None

    def api_requests(self) -> list[Seen]:
        """Return the requests that were not token requests."""
        return [s for s in self.seen if s.path != "/oauth2/v1/token"]


def json_answer(status: int, value: object, *headers: tuple[str, str]) -> Answer:
    """Return an Answer with a JSON body."""
    return Answer(status, (("Content-Type", "application/json"), *headers), json.dumps(value).encode())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        stub = self.server.stub
        seen = Seen(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
        stub.seen.append(seen)
        if self.path == "/oauth2/v1/token" and stub.token_answer is not None:
            answer = stub.token_answer
        elif self.path == "/oauth2/v1/token":
            answer = json_answer(200, {"access_token": "stub-token", "token_type": "Bearer",
                                    "expires_in": 3600, "scope": stub.token_scope})
        else:
            answer = stub.script.pop(0) if stub.script else Answer(404)
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stub_factory: Callable[[str], Stub]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stub = stub_factory(f"http://127.0.0.1:{self.server_address[1]}")


@contextmanager
def stub_server(*script: Answer) -> Iterator[Stub]:
    """Serve the scripted answers on 127.0.0.1 until the block ends."""
    server = _Server(lambda url: Stub(url, list(script)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
