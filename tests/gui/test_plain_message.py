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


@pytest.mark.parametrize(("description", "hint", "expected"), [
    ("127.0.0.1:9 refused the connection", "is the server (or sandbox) running?",
     "127.0.0.1:9 refused the connection. Fix: is the server (or sandbox) running?"),
    ("did you mean okta.users.read?", None, "Did you mean okta.users.read?"),
    ("the key is wrong!", "use the one Okta holds.", "The key is wrong! Fix: use the one Okta holds."),
    ('Okta said "invalid_client."', "check (the client id?)",
     'Okta said "invalid_client." Fix: check (the client id?)'),
    ("more follows…", "wait", "More follows… Fix: wait."),
])
def test_a_sentence_that_ends_itself_gets_no_second_mark(description: str, hint: str | None, expected: str) -> None:
    assert plain_message(NetworkError(description, hint=hint)) == expected


def test_a_real_refused_connection_reads_as_one_question() -> None:
    import socket

    import requests

    from oktatool.core.okta.http import explain_network_error, new_session

    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        new_session().get(url, timeout=5)
    message = plain_message(explain_network_error(caught.value, url))
    assert message.endswith("running?") and "?." not in message
