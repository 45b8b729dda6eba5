"""A throwaway HTTP server on 127.0.0.1 for tests that fetch over loopback (JWKS URLs, redirects)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log to stderr and answers a body in one call."""

    def read_body(self) -> bytes:
        """Read the request's body (Content-Length bytes). A handler that answers a POST reads it first: an
        answer sent while the client is still writing, followed by the close, can reset the connection
        before the client has read the answer (seen as "cut off before its end" on a loaded machine)."""
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_body(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        """Answer ``status`` with ``body`` and its Content-Length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_on_loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free 127.0.0.1 port; yield ``http://127.0.0.1:PORT``; stop and join on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def someone_connected(server: socket.socket) -> bool:
    """Say whether anyone connected to a listening socket: a finished handshake waits in its backlog until
    accepted (the socket never answers)."""
    server.setblocking(False)
    try:
        peer, _ = server.accept()
    except BlockingIOError:
        return False
    peer.close()
    return True
