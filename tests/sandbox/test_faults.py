"""Injected faults for clients' error-handling tests: slow answers, reset connections, server errors."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from oktatool.sandbox import Fault
from tests.sandbox.client import bearer_token, ssws


def test_a_delay_makes_a_read_timeout(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "delay", seconds=2.0, times=1),))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=(5, 0.3))
    assert requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=10).status_code == 200


def test_a_reset_drops_the_connection(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "reset"),))
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=10)
    assert "reset" in str(caught.value).lower() or "aborted" in str(caught.value).lower()
    assert requests.get(info.org_url + "/api/v1/groups", headers=ssws(info), timeout=10).status_code == 200


def test_a_server_error_once_then_success(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "status", status=503, times=1),))
    token = bearer_token(info)  # the token endpoint is not affected
    headers = {"Authorization": f"Bearer {token}"}
    first = requests.get(info.org_url + "/api/v1/users", headers=headers, timeout=10)
    assert first.status_code == 503
    assert first.json()["errorCode"] == "E0000009"
    assert first.headers["X-Okta-Request-Id"]
    assert requests.get(info.org_url + "/api/v1/users", headers=headers, timeout=10).status_code == 200


def test_an_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("/api", "explode")


def test_a_slow_body_arrives_one_byte_at_a_time(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "slow", seconds=0.2, times=1),))
    started = time.monotonic()
    with requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=10, stream=True) as answer:
        first = answer.raw.read(3)
    assert len(first) == 3
    assert time.monotonic() - started >= 0.4  # three bytes, 0.2 s apart


def test_a_truncated_body_is_shorter_than_its_content_length(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "truncate", times=1),))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=10)
    assert requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=10).status_code == 200


def test_a_large_body_is_streamed_with_its_length(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "large", size=3_000_000, times=1),))
    response = requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=30)
    assert response.status_code == 200
    assert len(response.content) == int(response.headers["Content-Length"]) >= 2_900_000
    items = response.json()
    assert isinstance(items, list) and items[0]["status"] == "ACTIVE"


def test_a_deeply_nested_body(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "nested", size=100_000),))
    response = requests.get(info.org_url + "/api/v1/users", headers=ssws(info), timeout=30)
    assert response.content.startswith(b"[[[[") and len(response.content) == 200_000
