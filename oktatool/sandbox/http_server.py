"""The sandbox's HTTP(S) layer on loopback: a threading server that does the TLS handshake on each connection's
thread and can close every connection at stop, and a handler that reads a request (refusing a bad or huge body),
plays the configured faults (reset, delay, status, truncated, slow, huge or nested bodies) and hands the rest to
the sandbox to answer."""

from __future__ import annotations

import contextlib
import email.utils
import re
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Protocol

from oktatool.sandbox.messages import Request, Response, okta_error

if TYPE_CHECKING:
    from oktatool.sandbox.org import Fault, SandboxOptions

MAX_BODY_BYTES = 1024 * 1024
_STATUS_SUMMARIES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                     504: "Gateway Timeout"}
_HOST_HEADER = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


class ServedSandbox(Protocol):
    """What the HTTP layer needs of the sandbox it serves (``oktatool.sandbox.server.Sandbox``)."""

    options: SandboxOptions
    scheme: str
    default_host: str

    def handle(self, request: Request) -> Response: ...
    def take_fault(self, target: str) -> Fault | None: ...
    def stamp(self, response: Response, target: str) -> Response: ...


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "oktatool-sandbox"
    timeout = 30  # idle keep-alive connections close after this
    server: SandboxHttpServer

    def setup(self) -> None:
        """Turn Nagle's algorithm off: headers and body go out in two writes, and with delayed ACKs on the
        client a keep-alive answer would otherwise wait ~40 ms for the second one."""
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        length_text = self.headers.get("Content-Length") or "0"
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        sandbox = self.server.sandbox
        if length < 0 or length > MAX_BODY_BYTES:
            refusal = okta_error(413 if length > 0 else 400, "E0000003", "The request body was not well-formed.")
            self._send(sandbox.stamp(refusal, self.path))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        fault = sandbox.take_fault(self.path)
        if fault is not None and fault.kind == "reset":
            # SO_LINGER with a zero timeout makes close() send RST: the client sees "connection reset"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "status":
            summary = _STATUS_SUMMARIES.get(fault.status, "Internal Server Error")
            self._send(sandbox.stamp(okta_error(fault.status, "E0000009", summary), self.path))
            return
        if fault is not None and fault.kind in ("large", "large_error", "nested"):
            self._send_fault_body(fault)
            return
        host = self.headers.get("Host") or ""
        if not _HOST_HEADER.fullmatch(host):
            host = sandbox.default_host
        request = Request(method=self.command, target=self.path, headers=tuple(self.headers.items()), body=body,
                          base_url=f"{sandbox.scheme}://{host}", client_ip=self.client_address[0])
        self._send(sandbox.handle(request), fault)

    def _send(self, response: Response, fault: Fault | None = None) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if fault is not None and fault.kind == "truncate":
            self.wfile.write(response.body[:len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault is not None and fault.kind == "slow":
            for index in range(len(response.body)):  # ends when the client hangs up (a broken pipe)
                self.wfile.write(response.body[index:index + 1])
                self.wfile.flush()
                time.sleep(fault.seconds or 1.0)
        else:
            self.wfile.write(response.body)

    def _send_fault_body(self, fault: Fault) -> None:
        """Answer 200 with a huge JSON array (streamed, never held whole) or a deeply nested JSON value, or
        ``fault.status`` with a huge OAuth error (streamed)."""
        opening, closing = b"[", b"]"
        if fault.kind == "nested":
            body = b"[" * fault.size + b"]" * fault.size
            chunks: list[bytes] = [body]
            length = len(body)
        elif fault.kind == "large_error":
            opening, closing = b'{"error":"invalid_client","error_description":"', b'"}'
            item = b"Client authentication failed. "
            count = max(1, fault.size // len(item))
            length = len(opening) + count * len(item) - 1 + len(closing)  # the last space becomes the closing
            chunks = []
        else:
            item = b'{"id":"00u0000000000000000","status":"ACTIVE","profile":{"login":"bulk@example.com"}},'
            count = max(1, fault.size // len(item))
            length = 1 + count * len(item)  # "[" + items, the last comma becomes "]"
            chunks = []
        self.send_response(fault.status if fault.kind == "large_error" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Okta-Request-Id", "fault" + str(int(time.time())))
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            if chunks:
                self.wfile.write(chunks[0])
                return
            self.wfile.write(opening)
            block = item * 8192
            left = count
            while left > 0:
                n = min(left, 8192)
                data = block if n == 8192 else item * n
                if left == n:
                    data = data[:-1] + closing
                self.wfile.write(data)
                left -= n
        except OSError:
            self.close_connection = True  # the client stopped reading (a body cap): fine

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def date_time_string(self, timestamp: float | None = None) -> str:
        """Return the Date header: the org's clock, which ``clock_offset`` may set apart from ours."""
        offset = self.server.sandbox.options.clock_offset
        return email.utils.formatdate((time.time() if timestamp is None else timestamp) + offset, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: requests are recorded in the System Log, and stdout carries the JSON line."""


class SandboxHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # on Windows SO_REUSEADDR would let a second server take a port that is in use
    allow_reuse_address = sys.platform != "win32"

    def __init__(self, address: tuple[str, int], sandbox: ServedSandbox) -> None:
        self.sandbox = sandbox
        self.tls_context: ssl.SSLContext | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, SandboxHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Do the TLS handshake on the connection's own thread, then serve it; remember it for stop()."""
        connection: socket.socket = request
        if self.tls_context is not None:
            try:
                connection.settimeout(SandboxHandler.timeout)
                connection = self.tls_context.wrap_socket(connection, server_side=True)
            except (ssl.SSLError, OSError):
                return  # a client that does not trust the certificate hangs up during the handshake
        with self._connections_lock:
            self._connections.add(connection)
        try:
            SandboxHandler(connection, client_address, self)
        finally:
            with self._connections_lock:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore connections that clients drop; the sandbox keeps serving."""

    def close_connections(self) -> None:
        """Shut down every open connection so that no keep-alive thread outlives the sandbox."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

