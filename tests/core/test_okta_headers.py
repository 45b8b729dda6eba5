"""Header parsers: Link, WWW-Authenticate, rate limits and the 429 wait (examples from FACTS.md §4 + hypothesis)."""

from __future__ import annotations

from email.utils import formatdate

from hypothesis import given
from hypothesis import strategies as st

from oktatool.core.okta.headers import (
    Challenge,
    Link,
    RateLimit,
    next_link,
    parse_link_header,
    parse_rate_limit,
    parse_www_authenticate,
    seconds_until_retry,
)

TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"
tokens = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12)
quoted_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30)
url_chars = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/?&=_-.,;%", min_size=1, max_size=40)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_okta_link_headers_give_the_next_page() -> None:
    value = ('<https://dev-1.okta.com/api/v1/logs?limit=20>; rel="self", '
             '<https://dev-1.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel="next"')
    assert next_link(value) == "https://dev-1.okta.com/api/v1/logs?limit=20&after=1627500044869_1"
    assert next_link('<https://dev-1.okta.com/api/v1/users?limit=2>; rel="self"') is None
    assert next_link(None) is None
    assert parse_link_header('<a>; rel="next prev"; title="x, y", <b>; rel=self') == (
        Link("a", ("next", "prev")), Link("b", ("self",)))


def test_malformed_link_parts_are_skipped() -> None:
    assert parse_link_header('junk, <https://x/2>; rel="next"') == (Link("https://x/2", ("next",)),)
    assert parse_link_header("<https://x/unterminated; rel=next") == ()


@given(st.lists(st.tuples(url_chars.filter(lambda u: ">" not in u), st.lists(tokens.map(str.lower), min_size=1,
                                                                             max_size=3)), max_size=5))
def test_link_round_trip(links: list[tuple[str, list[str]]]) -> None:
    value = ", ".join(f'<{url}>; rel="{" ".join(rels)}"' for url, rels in links)
    assert parse_link_header(value) == tuple(Link(url.strip(), tuple(rels)) for url, rels in links)


def test_okta_insufficient_scope_challenge() -> None:
    value = ('Bearer authorization_uri="http://dev-1.okta.com/oauth2/v1/authorize", realm="http://dev-1.okta.com", '
             'scope="okta.groups.read", error="insufficient_scope", error_description="The access token provided '
             'does not contain the required scopes.", resource="/api/v1/groups/12345"')
    (challenge,) = parse_www_authenticate(value)
    assert challenge.scheme == "Bearer"
    assert challenge.get("error") == "insufficient_scope"
    assert challenge.get("SCOPE") == "okta.groups.read"
    assert challenge.get("resource") == "/api/v1/groups/12345"
    assert challenge.get("missing") is None


def test_several_challenges_and_token68() -> None:
    value = ('DPoP algs="RS256 RS384 ES256", error="invalid_dpop_proof", error_description="\'htu\' claim in the '
             'DPoP proof JWT is invalid.", Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer realm="a\\"b"')
    dpop, basic, bearer = parse_www_authenticate(value)
    assert dpop.get("algs") == "RS256 RS384 ES256"
    assert dpop.get("error_description") == "'htu' claim in the DPoP proof JWT is invalid."
    assert basic == Challenge("Basic", (), "YWxhZGRpbjpvcGVuc2VzYW1l==")
    assert bearer.get("realm") == 'a"b'


@given(st.lists(st.tuples(tokens, st.lists(st.tuples(tokens.map(str.lower), quoted_values), max_size=4)),
                min_size=1, max_size=4))
def test_www_authenticate_round_trip(challenges: list[tuple[str, list[tuple[str, str]]]]) -> None:
    value = ", ".join(
        scheme + (" " + ", ".join(f"{name}={_quote(v)}" for name, v in params) if params else "")
        for scheme, params in challenges)
    parsed = parse_www_authenticate(value)
    assert [(c.scheme, list(c.params)) for c in parsed] == [(s, p) for s, p in challenges]


@given(st.text(max_size=200))
def test_parsers_never_raise(value: str) -> None:
    parse_www_authenticate(value)
    parse_link_header(value)
    seconds_until_retry({"X-Rate-Limit-Reset": value, "Date": value, "Retry-After": value}, 0.0)


def test_rate_limit_headers() -> None:
    headers = {"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "599", "X-Rate-Limit-Reset": "1700000060"}
    assert parse_rate_limit(headers) == RateLimit(600, 599, 1700000060)
    assert parse_rate_limit({}) == RateLimit()
    # repeated headers arrive joined with commas: the smallest value is the binding one
    assert parse_rate_limit({"X-Rate-Limit-Remaining": "10, 3", "X-Rate-Limit-Limit": "x"}) == RateLimit(None, 3)


def test_wait_uses_the_servers_clock_when_it_sends_one() -> None:
    server_now = 1_700_000_000
    headers = {"X-Rate-Limit-Reset": str(server_now + 7), "Date": formatdate(server_now, usegmt=True)}
    # the local clock is an hour fast: the wait still follows the server's Date
    assert seconds_until_retry(headers, server_now + 3600.0) == 7
    assert seconds_until_retry({"X-Rate-Limit-Reset": str(server_now + 5)}, server_now) == 5
    assert seconds_until_retry({"X-Rate-Limit-Reset": str(server_now - 5)}, server_now) == 0
    assert seconds_until_retry({"Retry-After": "3"}, 0.0) == 3
    assert seconds_until_retry({"Retry-After": formatdate(server_now + 9, usegmt=True)}, server_now) == 9
    assert seconds_until_retry({}, 0.0) is None
