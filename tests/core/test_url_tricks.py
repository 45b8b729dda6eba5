"""A URL that different parsers read as different hosts is refused up front, saying what and why."""

from __future__ import annotations

import pytest

from oktatool.core.errors import BadInputError, NetworkError
from oktatool.core.okta.http import check_url, new_session
from tests.conftest import CliRunner

TRICK = "http://evil.example\\@127.0.0.1/keys"


def test_a_backslash_before_at_is_refused_naming_both_hosts() -> None:
    with pytest.raises(BadInputError) as refused:
        check_url(TRICK)
    text = refused.value.description
    assert text.startswith("refused the URL http://evil.example\\@127.0.0.1/keys: a backslash")
    assert "127.0.0.1" in text and "evil.example" in text and "redirect" not in text


def test_a_user_name_in_the_url_is_refused() -> None:
    with pytest.raises(BadInputError, match="names a user before '@'"):
        check_url("https://admin@dev-1.okta.com/oauth2/v1/keys")


def test_the_session_refusal_does_not_blame_a_redirect() -> None:
    with new_session() as session, pytest.raises(NetworkError) as refused:
        session.get("http://dev-1.okta.com/keys", timeout=1)
    assert "redirect" not in refused.value.description
    assert refused.value.hint == "use https://dev-1.okta.com"


def test_verify_with_the_trick_url_says_what_was_refused(run_cli: CliRunner) -> None:
    result = run_cli("verify", "-", "--jwks-url", TRICK, input="eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n")
    assert result.returncode == 2, result.stderr
    assert "error: refused the URL http://evil.example\\@127.0.0.1/keys" in result.stderr
    assert "redirected" not in result.stderr and "Traceback" not in result.stderr


def test_the_trick_as_an_org_url_names_both_hosts() -> None:
    from oktatool.core.errors import OrgUrlError
    from oktatool.core.okta.orgurl import parse_org_url

    with pytest.raises(OrgUrlError) as refused:
        parse_org_url("http://evil.example\\@127.0.0.1/")
    assert "127.0.0.1 to some, evil.example to others" in refused.value.description
    assert refused.value.hint and "127.0.0.1" not in refused.value.hint
