"""A tiny scriptable HTTP server on 127.0.0.1 for the failures the sandbox does not make on purpose.

It answers ``POST /oauth2/v1/token`` like any standards-following authorization server (a Bearer token)
and every other request from a list of scripted behaviours: a canned answer, a stall longer than the
client's read timeout, or a connection reset. It records what it received.
"""

from __future__ import annotations

import json
import socket
import struct
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
class Stall:
    """Read the request, then say nothing for ``seconds`` (or until the server stops)."""

    seconds: float


@dataclass(frozen=True)
class Reset:
    """Read the request, then reset the connection (TCP RST) without answering."""


Behaviour = Answer | Stall | Reset | Callable[["Seen"], Answer]


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
    script: list[Behaviour]
    seen: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
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
            behaviour: Behaviour = stub.token_answer
        elif self.path == "/oauth2/v1/token":
            behaviour = json_answer(200, {"access_token": "stub-token", "token_type": "Bearer",
                                                     "expires_in": 3600, "scope": stub.token_scope})
        else:
            behaviour = stub.script.pop(0) if stub.script else Answer(404)
        if callable(behaviour):
            behaviour = behaviour(seen)
        if isinstance(behaviour, Stall):
            stub.stopping.wait(behaviour.seconds)
            self.close_connection = True
            return
        if isinstance(behaviour, Reset):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_response(behaviour.status)
        for name, value in behaviour.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(behaviour.body)))
        self.end_headers()
        self.wfile.write(behaviour.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stub_factory: Callable[[str], Stub]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stub = stub_factory(f"http://127.0.0.1:{self.server_address[1]}")


@contextmanager
def stub_server(*script: Behaviour) -> Iterator[Stub]:
    """Serve the scripted behaviours on 127.0.0.1 until the block ends."""
    server = _Server(lambda url: Stub(url, list(script)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.stub
    finally:
        server.stub.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
