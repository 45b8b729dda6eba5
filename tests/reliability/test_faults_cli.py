"""Faults against the sandbox, from the command line: each one gives one clear message within its bound.

Every case runs ``oktatool api GET /api/v1/users`` (or ``token``) in a subprocess against an org that
misbehaves on purpose, with ``--timeout 2``; the bound is what a person may wait for the answer (Python
start-up included). The measured times are figures for the README (printed in the test summary).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from oktatool.sandbox import Fault, SandboxInfo
from tests.conftest import CliRunner
from tests.figures import Figures
from tests.sandbox_fixtures import SandboxFactory

TIMEOUT = 2.0  # --timeout for every case


@dataclass(frozen=True)
class Case:
    name: str
    start: Callable[[SandboxFactory], SandboxInfo]
    words: tuple[str, ...]
    bound: float  # seconds, CLI start-up included
    command: tuple[str, ...] = ("api", "GET", "/api/v1/users?limit=3")
    org_url: str | None = None  # instead of the sandbox's


def _faulty(*faults: Fault, **options: object) -> Callable[[SandboxFactory], SandboxInfo]:
    return lambda factory: factory(users=3, faults=faults, **options)


CASES = [
    Case("timeout", _faulty(Fault("/api/v1/users", "delay", seconds=60)), ("did not answer in time",), TIMEOUT + 8),
    Case("reset connection", _faulty(Fault("/api/v1/users", "reset")), ("closed the connection",), 10),
    Case("500", _faulty(Fault("/api/v1/users", "status", status=500)), ("HTTP 500", "E0000009"), 10),
    # one request a minute: the second page meets a 429 whose reset (~60 s) is beyond --max-wait 5
    Case("429 with a long reset", _faulty(rate_limit=1), ("rate limit", "E0000047", "resets in"), 15,
         command=("api", "GET", "/api/v1/users?limit=2", "--all", "--max-wait", "5")),
    Case("bad TLS", _faulty(tls=True), ("could not be verified", "--ca-bundle"), 10,
         command=("token", "--scopes", "okta.users.read")),
    # .invalid never resolves (RFC 6761): no lookup reaches a real name
    Case("no DNS", _faulty(), ("does not resolve",), 15, command=("token", "--scopes", "okta.users.read"),
         org_url="https://oktatool-fault-test.invalid"),
    Case("slow body (1 byte/s)", _faulty(Fault("/api/v1/users", "slow", seconds=1.0)), ("in time",), TIMEOUT + 8),
    Case("truncated body", _faulty(Fault("/api/v1/users", "truncate")), ("cut off",), 10),
]


def _one_clear_error(result: subprocess.CompletedProcess[str], words: tuple[str, ...]) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return errors[0]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_fault_gives_one_clear_message_within_its_bound(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                                          figures: Figures, case: Case) -> None:
    info = case.start(sandbox_factory)
    org = case.org_url or info.org_url
    common = ["--org", org, "--client-id", info.client_id, "--key", str(info.key_file), "--timeout", str(TIMEOUT)]
    started = time.monotonic()
    result = run_cli(*case.command, *common, timeout=case.bound + 30)
    elapsed = time.monotonic() - started
    line = _one_clear_error(result, case.words)
    assert elapsed < case.bound, f"{case.name}: {elapsed:.1f} s (bound {case.bound} s): {line}"
    figures.add("faults (CLI)", f"{case.name}: {elapsed:.1f} s (bound {case.bound:.0f} s) — {line}")
