"""Leeway is clock skew: 0 to a day; a negative one would fail valid tokens, a huge one overflowed."""

from __future__ import annotations

import pytest

from oktatool.core.errors import BadInputError
from oktatool.core.jose.jwt import sign_token
from oktatool.core.jose.verify import MAX_LEEWAY, verify_with_jwks, verify_with_key
from oktatool.core.keys.key import KeySpec, generate_key

NOW = 1_700_000_000


@pytest.mark.parametrize("leeway", [-1, -0.5, MAX_LEEWAY + 1, 10**400, float("nan"), float("inf"), True])
def test_leeway_outside_zero_to_a_day_is_bad_input(leeway: float) -> None:
    key = generate_key(KeySpec("EC"))
    token = sign_token({"exp": NOW + 60}, key)
    with pytest.raises(BadInputError, match="leeway"):
        verify_with_key(token, key, now=NOW, leeway=leeway)
    with pytest.raises(BadInputError, match="leeway"):
        verify_with_jwks(token, [key], now=NOW, leeway=leeway)


def test_leeway_still_forgives_skew_up_to_a_day() -> None:
    key = generate_key(KeySpec("EC"))
    token = sign_token({"exp": NOW - 100}, key)
    assert verify_with_key(token, key, now=NOW, leeway=MAX_LEEWAY).alg == "ES256"
