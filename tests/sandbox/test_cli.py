"""``oktatool sandbox``: one JSON line first, serves, stops cleanly on SIGTERM or SIGINT (Ctrl+Break on Windows)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import REPO_ROOT, CliRunner
from tests.platforms import NEW_PROCESS_GROUP, STOP_SIGNALS, posix_signals


@contextmanager
def _running(home: Path, *args: str, command: tuple[str, ...] = ("-m", "oktatool")
             ) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(home)}
    process = subprocess.Popen([sys.executable, *command, "sandbox", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, **NEW_PROCESS_GROUP)
    watchdog = threading.Timer(60, process.kill)  # nothing may hang the suite
    watchdog.start()
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.endswith("\n"), process.stderr.read() if process.stderr else ""
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        watchdog.cancel()


def _stop(process: subprocess.Popen[str], sig: int = STOP_SIGNALS[0]) -> tuple[int, str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


@pytest.mark.parametrize("sig", STOP_SIGNALS)
def test_prints_one_json_line_serves_and_stops_cleanly(isolated_home: Path, sig: int) -> None:
    with _running(isolated_home, "--users", "7") as (process, line):
        assert set(line) >= {"org_url", "token_endpoint", "client_id", "key_file", "kid", "ssws_token", "scopes"}
        assert "ca_file" not in line
        assert line["token_endpoint"] == line["org_url"] + "/oauth2/v1/token"
        assert Path(line["key_file"]).parent == isolated_home / "data" / "sandbox"
        users = requests.get(line["org_url"] + "/api/v1/users", timeout=10,
                             headers={"Authorization": f"SSWS {line['ssws_token']}"})
        assert len(users.json()) == 7
        status, out, err = _stop(process, sig)
    assert (status, out, err) == (0, "", "")


_BREAK_IS_USR1 = ("-c", "import signal, sys; signal.SIGBREAK = signal.SIGUSR1\n"
                          "from oktatool.cli import main; sys.exit(main(sys.argv[1:]))")


@posix_signals
def test_ctrl_break_stops_cleanly_where_the_os_has_it(isolated_home: Path) -> None:
    # Windows' SIGBREAK cannot be raised here; SIGUSR1 stands in for it (by default it would kill the process)
    with _running(isolated_home, "--users", "1", command=_BREAK_IS_USR1) as (process, _line):
        assert _stop(process, signal.SIGUSR1) == (0, "", "")


def test_tls_and_options(isolated_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "box"
    with _running(isolated_home, "--tls", "--dir", str(folder), "--dpop-required", "--rate-limit", "2") as (
            process, line):
        assert line["ca_file"] == str(folder / "ca.pem")
        assert line["org_url"].startswith("https://127.0.0.1:")
        assert line["dpop_required"] is True
        users_url = line["org_url"] + "/api/v1/users"
        answers = [requests.get(users_url, verify=line["ca_file"], timeout=10).status_code for _ in range(3)]
        assert answers == [401, 401, 429]
        assert _stop(process)[0] == 0


def test_a_restart_keeps_the_client_and_key(isolated_home: Path, tmp_path: Path) -> None:
    lines = []
    for _ in range(2):
        with _running(isolated_home, "--dir", str(tmp_path), "--users", "1") as (process, line):
            lines.append(line)
            assert _stop(process)[0] == 0
    assert lines[0]["client_id"] == lines[1]["client_id"]
    assert lines[0]["kid"] == lines[1]["kid"]
    assert lines[0]["ssws_token"] != lines[1]["ssws_token"]


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "70000"], "--port must be between 0 and 65535"),
    (["--users", "-1"], "--users must be between 0"),
    (["--rate-limit", "0"], "--rate-limit must be at least 1"),
])
def test_bad_options_exit_2(run_cli: CliRunner, args: list[str], message: str) -> None:
    result = run_cli("sandbox", *args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_folder_that_cannot_be_made_is_a_clear_error(run_cli: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("sandbox", "--dir", str(blocker / "box"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot create the sandbox folder {blocker / 'box'}")
    assert "hint: give a folder you can write to with --dir" in result.stderr


def test_a_busy_port_is_a_clear_error(run_cli: CliRunner, sandbox_org: Any) -> None:
    result = run_cli("sandbox", "--port", str(sandbox_org.port), timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot start the sandbox on 127.0.0.1:{sandbox_org.port}")
    assert "Traceback" not in result.stderr
