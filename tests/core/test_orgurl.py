"""Org URL normalization: what people paste becomes the one base URL `aud` is built from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oktatool.core.errors import BadInputError, OrgUrlError
from oktatool.core.okta.orgurl import OrgUrl, parse_org_url


@pytest.mark.parametrize("text", [
    "https://dev-123456.okta.com",
    "https://dev-123456.okta.com/",
    "dev-123456.okta.com",
    "dev-123456.okta.com/",
    "  HTTPS://Dev-123456.OKTA.com  ",
    "https://dev-123456.okta.com:443",
])
def test_accepted_forms_normalize_to_one_base(text: str) -> None:
    org = parse_org_url(text)
    assert org == OrgUrl("https", "dev-123456.okta.com")
    assert org.base == "https://dev-123456.okta.com"
    assert org.token_url == "https://dev-123456.okta.com/oauth2/v1/token"
    assert org.host == "dev-123456.okta.com"
    assert str(org) == org.base


def test_custom_domain_is_accepted() -> None:
    assert parse_org_url("login.example.com").token_url == "https://login.example.com/oauth2/v1/token"


def test_internationalized_custom_domain_becomes_punycode() -> None:
    assert parse_org_url("https://login.bücher.example").host == "login.xn--bcher-kva.example"


def test_loopback_keeps_http_and_port() -> None:
    org = parse_org_url("http://127.0.0.1:8765/")
    assert org.base == "http://127.0.0.1:8765"
    assert org.token_url == "http://127.0.0.1:8765/oauth2/v1/token"
    assert parse_org_url("http://localhost:9000").base == "http://localhost:9000"
    assert parse_org_url("http://[::1]:9000").base == "http://[::1]:9000"
    assert parse_org_url("https://127.0.0.1:8443").port == 8443


def test_url_joins_paths() -> None:
    org = parse_org_url("dev-1.okta.com")
    assert org.url("/api/v1/users") == "https://dev-1.okta.com/api/v1/users"
    assert org.url("api/v1/users") == "https://dev-1.okta.com/api/v1/users"


def test_plain_http_to_a_real_host_is_refused_with_the_https_url() -> None:
    with pytest.raises(OrgUrlError) as info:
        parse_org_url("http://dev-123456.okta.com")
    assert "loopback" in info.value.description
    assert info.value.hint == "use https://dev-123456.okta.com"
    assert info.value.exit_code == 2


@pytest.mark.parametrize(("text", "right"), [
    ("https://dev-123456-admin.okta.com", "dev-123456.okta.com"),
    ("acme-admin.oktapreview.com/", "acme.oktapreview.com"),
    ("https://acme-admin.okta-emea.com", "acme.okta-emea.com"),
])
def test_admin_console_host_is_refused_with_the_right_host(text: str, right: str) -> None:
    with pytest.raises(OrgUrlError) as info:
        parse_org_url(text)
    assert info.value.code == "admin_console_host"
    assert "Admin Console" in info.value.description
    assert info.value.hint is not None and f"https://{right}" in info.value.hint


@pytest.mark.parametrize("text", [
    "https://dev-1.okta.com/oauth2/default",
    "https://dev-1.okta.com/oauth2/default/v1/token",
    "https://dev-1.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9",
    "dev-1.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9/",
])
def test_custom_authorization_server_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(OrgUrlError) as info:
        parse_org_url(text)
    assert info.value.code == "custom_authorization_server"
    assert "only the org authorization server can mint access tokens with Okta API scopes" in info.value.description
    assert info.value.hint is not None and "https://dev-1.okta.com" in info.value.hint


@pytest.mark.parametrize(("text", "fragment"), [
    ("https://dev-1.okta.com/app/UserHome", "path"),
    ("https://dev-1.okta.com/oauth2/v1/token", "path"),
    ("https://dev-1.okta.com/?x=1", "query"),
    ("https://dev-1.okta.com#top", "fragment"),
    ("https://dev-1.okta.com?", "query"),
    ("", "empty"),
    ("   ", "empty"),
    ("ftp://dev-1.okta.com", "https"),
    ("https://", "host"),
    ("https://user:pw@dev-1.okta.com", "password"),
    ("https://{yourOktaDomain}", "host"),
    ("https://dev_1.okta.com", "host"),
    ("https://dev-1.okta.com:99999", "URL"),
])
def test_malformed_urls_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(OrgUrlError) as info:
        parse_org_url(text)
    assert fragment in info.value.description


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_bad_input(text: str) -> None:
    try:
        org = parse_org_url(text)
    except BadInputError:
        return
    assert org.token_url.startswith(("https://", "http://"))
    assert org.token_url.endswith("/oauth2/v1/token")
    assert parse_org_url(org.base) == org


def test_plain_http_to_a_localhost_subdomain_is_refused() -> None:
    # the resolver may ask DNS for app.localhost; only the name localhost and loopback addresses stay here
    with pytest.raises(OrgUrlError, match="loopback"):
        parse_org_url("http://app.localhost:8080")


@pytest.mark.parametrize("text", ["0oa1b2c3d4E5f6G7h8i9", "null", "okta", "https://intranet:8443", "1234"])
def test_a_single_label_host_is_refused(text: str) -> None:
    # a client id pasted into --org used to give an assertion for https://0oa.../oauth2/v1/token
    with pytest.raises(OrgUrlError, match="not a full host name"):
        parse_org_url(text)
