"""A server cannot send oktatool to plain http off this computer by redirecting (JWKS URLs follow redirects)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from oktatool.core.errors import NetworkError
from oktatool.core.jose.verify import fetch_jwks
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


def _this_computers_address() -> str | None:
    """Return an IPv4 address of this computer that is not loopback, or None."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("203.0.113.1", 9))  # the source address of the default route: a UDP connect sends nothing
        found.add(probe.getsockname()[0])
    return next((a for a in sorted(found) if not ipaddress.ip_address(a).is_loopback), None)


@pytest.fixture
def tls_redirector(tmp_path: Path, server: str) -> Iterator[tuple[str, Path, str | None]]:
    """Serve https on loopback (and on this computer's address): /down redirects to the plain-http JWKS on
    loopback, /in to the https JWKS on loopback; yield (the loopback base, the cert, the other base or None)."""
    address = _this_computers_address()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    names = "IP:127.0.0.1" + (f",IP:{address}" if address else "")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", f"subjectAltName={names}"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    targets: dict[str, str] = {"/down": f"{server}/jwks"}

    class _Redirector(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/jwks":
                self.send_body(200, JWKS)
                return
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()

    servers = [ThreadingHTTPServer((host, 0), _Redirector) for host in ["127.0.0.1", *([address] if address else [])]]
    for httpd in servers:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threads = [threading.Thread(target=httpd.serve_forever, daemon=True) for httpd in servers]
    for thread in threads:
        thread.start()
    bases = [f"https://{httpd.server_address[0]}:{httpd.server_address[1]}" for httpd in servers]
    targets["/in"] = f"{bases[0]}/jwks"
    try:
        yield bases[0], cert, bases[1] if address else None
    finally:
        for httpd, thread in zip(servers, threads, strict=True):
            httpd.shutdown()
            httpd.server_close()
            thread.join()


def test_a_redirect_from_https_to_plain_http_is_refused_even_on_loopback(
        tls_redirector: tuple[str, Path, str | None]) -> None:
    base, cert, _other = tls_redirector
    with pytest.raises(NetworkError) as caught:
        fetch_jwks(f"{base}/down", timeout=5, ca_bundle=str(cert))
    assert caught.value.code == "redirect_refused"
    assert "from https to plain http" in caught.value.description


def test_a_redirect_from_another_computer_to_loopback_is_refused(tls_redirector: tuple[str, Path, str | None]) -> None:
    _base, cert, other = tls_redirector
    if other is None:
        pytest.skip("this computer has no address but loopback")
    with pytest.raises(NetworkError) as caught:
        fetch_jwks(f"{other}/in", timeout=5, ca_bundle=str(cert))
    assert caught.value.code == "redirect_refused"
    assert "to this one (loopback)" in caught.value.description


def test_an_https_redirect_within_loopback_is_followed(tls_redirector: tuple[str, Path, str | None]) -> None:
    base, cert, _other = tls_redirector
    keys = fetch_jwks(f"{base}/in", timeout=5, ca_bundle=str(cert))
    assert [k.kid for k in keys] == ["ec-1"]
