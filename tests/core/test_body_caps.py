"""Answer bodies are capped and streamed: a 300 MB answer fails clearly without filling memory, and JSON
nested thousands of levels deep is explained as a bad answer (never "unexpected RecursionError")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from oktatool.core.errors import ApiError, NetworkError, TokenError
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.http import new_session
from oktatool.core.okta.tokens import ClientCredentials, TokenClient, TokenResponse
from tests.conftest import REPO_ROOT, CliRunner
from tests.loopback_http import QuietHandler, serve_on_loopback
from tests.platforms import maxrss_mb, posix_resource

HUGE = 300 * 1024 * 1024
CHUNK = b"[" + b"0," * (512 * 1024 - 1) + b"0]"  # 1 MiB
DEEP = b"[" * 100_000 + b"]" * 100_000


class HostileServer(QuietHandler):
    """Token endpoint and API answers that are far too large or nested far too deep."""

    protocol_version = "HTTP/1.0"  # close-delimited bodies: no Content-Length to refuse early

    def do_POST(self) -> None:
        self.read_body()
        if self.path == "/deep/oauth2/v1/token":
            self.send_body(200, DEEP)
        else:
            self.send_body(200, json.dumps({"access_token": "t", "token_type": "Bearer"}).encode())

    def do_GET(self) -> None:
        if self.path == "/api/v1/deep":
            self.send_body(200, DEEP)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path == "/api/v1/declared":
            self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        try:
            for _ in range(HUGE // len(CHUNK)):
                self.wfile.write(CHUNK)
        except OSError:
            pass  # the client hung up at its cap, as it should


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with serve_on_loopback(HostileServer) as url:
        yield url


def _api(url: str, **options: int) -> ApiClient:
    token = TokenResponse("t", "Bearer", 3600, "okta.users.read", 0.0)
    return ApiClient(url, new_session(), lambda: token, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/api/v1/huge", "/api/v1/declared"])
def test_a_300_mb_answer_fails_clearly_without_holding_it(hostile: str, path: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(NetworkError) as refused:
            _api(hostile).send("GET", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "body_too_large"
    assert "larger than 32 MB" in refused.value.description and "127.0.0.1" in refused.value.description
    assert refused.value.hint and "--max-body" in refused.value.hint
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_the_cap_is_configurable(hostile: str) -> None:
    with pytest.raises(NetworkError, match="larger than 512 KB"):
        _api(hostile, max_body=512 * 1024).send("GET", "/api/v1/huge")


@posix_resource
def test_the_cli_stays_small_on_a_300_mb_answer(hostile: str, tmp_path: Path) -> None:
    from oktatool.core.keys.key import KeySpec, generate_key

    key_file = tmp_path / "key.json"
    key_file.write_text(generate_key(KeySpec("EC", crv="P-256")).export("jwk"))
    # Linux keeps the peak of the process image exec replaced in ru_maxrss (the test run's, often above 250 MB):
    # its own peak is /proc's VmHWM (KiB, as ru_maxrss there); elsewhere ru_maxrss
    script = ("import resource, sys\nfrom oktatool.cli import main\nrc = main(sys.argv[1:])\n"
              "try:\n    peak = next(int(line.split()[1]) for line in open('/proc/self/status') "
              "if line.startswith('VmHWM:'))\n"
              "except OSError:\n    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "print('maxrss', peak, file=sys.stderr)\n"
              "sys.exit(rc)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", script, "api", "GET", "/api/v1/huge", "--org", hostile,
                             "--client-id", "0oa1", "--key", str(key_file), "--scopes", "okta.users.read"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1
    assert "error: the answer from 127.0.0.1" in result.stderr and "larger than 32 MB" in result.stderr
    assert "Traceback" not in result.stderr
    peak_mb = maxrss_mb(int(result.stderr.split("maxrss")[1].split()[0]))
    assert peak_mb < 250, f"peak RSS {peak_mb:.0f} MB"


def test_deeply_nested_api_json_is_a_bad_answer(hostile: str) -> None:
    answer = _api(hostile).send("GET", "/api/v1/deep")
    with pytest.raises(ApiError, match="nested too deeply") as bad:
        answer.json()
    assert bad.value.code == "bad_answer"


def test_deeply_nested_token_json_is_a_bad_answer(hostile: str) -> None:
    credentials = ClientCredentials(hostile + "/deep/oauth2/v1/token", "0oa1", lambda: "assertion")
    with pytest.raises(TokenError, match="nested too deeply") as bad:
        TokenClient(new_session()).get_token(credentials, "okta.users.read")
    assert bad.value.code == "bad_answer"


def test_a_compressed_bomb_is_capped_after_decompression(tmp_path: Path) -> None:
    import gzip

    bomb = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB on the wire

    class Bomb(QuietHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)

    with serve_on_loopback(Bomb) as url, pytest.raises(NetworkError, match="larger than 32 MB"):
        _api(url).send("GET", "/api/v1/users")


def test_the_installed_urllib3_decompresses_in_bounded_steps() -> None:
    import tomllib

    import urllib3

    major, minor = (int(part) for part in urllib3.__version__.split(".")[:2])
    assert (major, minor) >= (2, 7)
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "urllib3>=2.7,<3" in declared


def test_api_max_body_is_checked_and_used(hostile: str, tmp_path: Path, run_cli: CliRunner) -> None:
    from oktatool.core.keys.key import KeySpec, generate_key

    key_file = tmp_path / "key.json"
    key_file.write_text(generate_key(KeySpec("EC", crv="P-256")).export("jwk"))
    org = ["--org", hostile, "--client-id", "0oa1", "--key", str(key_file), "--scopes", "okta.users.read"]
    refused = run_cli("api", "GET", "/api/v1/huge", "--max-body", "0", *org)
    assert refused.returncode == 2 and "--max-body must be more than 0" in refused.stderr
    capped = run_cli("api", "GET", "/api/v1/huge", "--max-body", "0.5", *org)
    assert capped.returncode == 1 and "larger than 512 KB" in capped.stderr
