"""The sandbox's rate limits: requests counted per bucket (a path's first three segments) in windows (a minute, as
Okta's, unless configured), refused beyond the configured limit, and the X-Rate-Limit-* headers of every answer."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

#: X-Rate-Limit-Limit shown when no limit is configured (counted, never enforced)
NOMINAL_RATE_LIMIT = 10_000
RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RateState:
    """The X-Rate-Limit-* values of one response and whether the request may proceed."""

    limit: int
    remaining: int
    reset: int
    allowed: bool

    def headers(self) -> tuple[tuple[str, str], ...]:
        """Return the rate limit headers."""
        return (("X-Rate-Limit-Limit", str(self.limit)), ("X-Rate-Limit-Remaining", str(self.remaining)),
                ("X-Rate-Limit-Reset", str(self.reset)))


class RateLimiter:
    """Count requests per bucket in windows of ``window`` seconds; refuse beyond ``limit`` when one is set."""

    def __init__(self, limit: int | None, window: int = RATE_WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, bucket: str, *, count: bool = True) -> RateState:
        """Count one request in ``bucket`` (unless ``count`` is False) and return the state."""
        ceiling = self.limit if self.limit is not None else NOMINAL_RATE_LIMIT
        now = time.time()
        with self._lock:
            start, used = self._windows.get(bucket, (now, 0))
            if now >= start + self.window:
                start, used = now, 0
            allowed = self.limit is None or used < self.limit
            if count and allowed:
                used += 1
            self._windows[bucket] = (start, used)
        return RateState(ceiling, max(0, ceiling - used), math.ceil(start + self.window), allowed)


def rate_bucket(path: str) -> str:
    """Return the rate-limit bucket of a path: its first three segments (/api/v1/users, /oauth2/v1/token)."""
    return "/".join(path.split("/")[:4])
