"""The history's JWT scrub reads text in linear time and redacts what the plain JWT regex redacts."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.okta.history import redact_jwts, scrub

#: the textbook pattern: right on short texts, quadratic on long runs without a dot (the oracle here)
_JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _best_of(runs: int, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        scrub(text)
        best = min(best, time.perf_counter() - started)
    return best


def test_scrubbing_repeated_eyj_grows_linearly() -> None:
    small, large = "eyJ" * (64 * 1024 // 3), "eyJ" * (256 * 1024 // 3)
    _best_of(1, small)  # warm up
    ratio = _best_of(3, large) / _best_of(3, small)
    # four times the text: about four times the time when linear, sixteen when quadratic
    assert ratio < 8, f"256 KB took {ratio:.1f} times as long as 64 KB"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="eyJ.ab-_ x%2\"=", max_size=40))
def test_it_redacts_exactly_what_the_jwt_pattern_matches(text: str) -> None:
    assert redact_jwts(text) == _JWT_PATTERN.sub("[redacted]", text)


def test_a_token_inside_text_is_redacted_and_the_rest_kept() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
    assert scrub(f"/api?x=1&q=Bearer%20x{token}.more") == "/api?x=1&q=Bearer%20x[redacted].more"
