"""The HTTP layer: loopback-only http, verified TLS with an extra CA, clear network errors, redaction."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from oktatool.core.errors import BadInputError, NetworkError
from oktatool.core.okta.http import (
    HttpOptions,
    check_url,
    explain_network_error,
    is_loopback_host,
    new_session,
    redact_headers,
    redact_text,
)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.9.9.9", "localhost", "LOCALHOST", "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


# app.localhost: the resolver may send the name to DNS, so plain http to it could leave this computer
@pytest.mark.parametrize("host", ["example.okta.com", "10.0.0.1", "192.168.1.1", "localhost.example.com", "::2",
                                  "app.localhost"])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback_host(host)


def test_plain_http_only_to_loopback() -> None:
    assert check_url("http://127.0.0.1:8080/oauth2/v1/token")
    assert check_url("https://dev-1.okta.com/api/v1/users")
    with pytest.raises(BadInputError) as caught:
        check_url("http://dev-1.okta.com/api/v1/users")
    assert "loopback" in caught.value.description
    assert caught.value.hint == "use https://dev-1.okta.com/api/v1/users"
    with pytest.raises(BadInputError):
        check_url("ftp://dev-1.okta.com/")


def test_redaction_hides_secret_values_but_keeps_the_scheme() -> None:
    shown = redact_headers({"Authorization": "DPoP eyJabc.def.ghi", "DPoP": "eyJproof", "Accept": "application/json"})
    assert shown == {"Authorization": "DPoP [redacted]", "DPoP": "[redacted]", "Accept": "application/json"}
    body = "grant_type=client_credentials&client_assertion=eyJ.secret.sig&scope=okta.users.read"
    assert "eyJ.secret.sig" not in redact_text(body)
    assert "scope=okta.users.read" in redact_text(body)
    assert "tok123" not in redact_text('{"access_token": "tok123", "token_type": "Bearer"}')


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve https on 127.0.0.1 with a self-signed certificate made by openssl; yield (url, cert file)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )

    class Quiet(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", cert
    finally:
        server.shutdown()
        server.server_close()


def test_tls_verifies_with_the_extra_ca_and_fails_clearly_without(tls_server: tuple[str, Path]) -> None:
    url, cert = tls_server
    answer = new_session(HttpOptions(ca_bundle=cert)).get(url, timeout=5)
    assert answer.status_code == 200 and answer.text == "ok"
    import requests

    with pytest.raises(requests.exceptions.SSLError) as caught:
        new_session().get(url, timeout=5)
    error = explain_network_error(caught.value, url)
    assert isinstance(error, NetworkError)
    assert error.code == "tls_verify_failed"
    assert "--ca-bundle" in (error.hint or "")


def test_an_unreadable_ca_bundle_is_bad_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(BadInputError) as caught:
        new_session(HttpOptions(ca_bundle=junk))
    assert "CA bundle" in caught.value.description


def test_a_host_that_does_not_resolve() -> None:
    import requests

    url = "https://nonexistent.invalid/oauth2/v1/token"
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        new_session().get(url, timeout=5)
    error = explain_network_error(caught.value, url)
    assert error.code == "dns"
    assert "nonexistent.invalid" in error.description


def test_a_refused_connection() -> None:
    import socket

    import requests

    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        new_session().get(url, timeout=5)
    assert explain_network_error(caught.value, url).code == "connection_refused"


def test_user_agent_names_oktatool() -> None:
    from oktatool import __version__

    assert new_session().headers["User-Agent"] == f"oktatool/{__version__}"
