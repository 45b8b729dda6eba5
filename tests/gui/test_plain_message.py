"""Messages in the window start sentences properly, but never capitalise a host name or an identifier."""

from __future__ import annotations

import pytest

from oktatool.core.errors import BadInputError, NetworkError
from oktatool.gui.widgets.tones import plain_message


@pytest.mark.parametrize(("description", "expected"), [
    ("x-admin.okta.com is the Admin Console, not the API host", "x-admin.okta.com is the Admin Console"),
    ("dev-123.okta.com refused the connection", "dev-123.okta.com refused"),
    ("0oa1b2c3 is not a client id this org knows", "0oa1b2c3 is"),
    ("alg RS256 does not fit an EC P-256 key", "Alg RS256"),
    ("the passphrase is wrong", "The passphrase is wrong"),
])
def test_only_plain_words_are_capitalised(description: str, expected: str) -> None:
    assert plain_message(BadInputError(description)).startswith(expected)


def test_the_fix_follows() -> None:
    assert plain_message(NetworkError("dev-1.okta.com did not answer in time", hint="try again")) == \
        "dev-1.okta.com did not answer in time. Fix: try again."
