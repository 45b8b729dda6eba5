"""The deadline keeper: one thread expires every request's deadline in time, the soonest first."""

from __future__ import annotations

import socket
import time

from oktatool.core.okta.deadline import RequestDeadline


def _wait_for(condition: object, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def test_a_sooner_deadline_added_later_expires_first_and_shuts_its_socket() -> None:
    later = RequestDeadline(30)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        sooner = RequestDeadline(0.2)  # the keeper waits for `later`: it must be woken for this one
        sooner.watch(ours)
        ours.settimeout(10)
        started = time.monotonic()
        assert ours.recv(1) == b""  # shut down under the blocked read, at the deadline
        assert 0.1 < time.monotonic() - started < 5
        assert sooner.expired and not later.expired
    sooner.done()
    later.done()


def test_a_deadline_done_in_time_never_expires() -> None:
    deadline = RequestDeadline(0.1)
    deadline.done()
    soon = RequestDeadline(0.3)
    assert _wait_for(lambda: soon.expired, 5)  # the keeper ran past the first one's time
    assert not deadline.expired
