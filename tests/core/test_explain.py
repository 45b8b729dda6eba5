"""Error explanations: every error of FACTS.md §3/§4.4 is explained; unknown errors stay raw."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oktatool.core.okta.explain import explain, known_errors
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.problems import parse_problem
from oktatool.core.okta.scopes import ScopeCatalog

FACTS = Path("/work/shared/okta/FACTS.md")

#: (HTTP status, error, error_description) exactly as FACTS.md §2/§3 quotes Okta
TOKEN_ERRORS = [
    (401, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid."),
    (401, "invalid_client", "No client credentials found."),
    (401, "invalid_client", "Invalid value for 'client_id' parameter."),
    (401, "invalid_client", "Client Credentials requests to the Org Authorization Server must use the "
                            "private_key_jwt token_endpoint_auth_method."),
    (401, "invalid_client", "OAuth Integration Client Credentials requests to the Org Authorization Server must use "
                            "either private_key_jwt or client_secret_basic as the token_endpoint_auth_method."),
    (401, "invalid_client", "Only clients with 'application_type' of 'service' may use the client_credentials "
                            "'grant_type' with the Org Authorization Server."),
    (401, "invalid_client", "The issuer claim for client_assertion is not a valid client_id."),
    (401, "invalid_client", "The subject claim for client_assertion is not a valid client_id."),
    (401, "invalid_client", "The audience claim for client_assertion must be the endpoint invoked for the request."),
    (401, "invalid_client", "The client_assertion must contain the 'exp' claim as seconds since epoch."),
    (401, "invalid_client", "The client_assertion token is expired."),
    (401, "invalid_client", "The client_assertion token has an expiration too far into the future."),
    (401, "invalid_client", "The client_assertion token must be issued before the current time."),
    (401, "invalid_client", "The client_assertion token has already been used."),
    (401, "invalid_client", "The client_assertion signature is invalid."),
    (401, "invalid_client", "The parsing of the client_assertion failed."),
    (401, "invalid_client", "The client_assertion JWT kid is invalid."),
    (401, "invalid_client", "The client JWKSet is invalid."),
    (401, "invalid_client", "The client_assertion JWT signature algorithm is invalid."),
    (401, "invalid_client", "The client does not have a JWKSet configured, but the client_assertion requires one."),
    (401, "invalid_client", "The public key being used for client assertion has an invalid 'use' parameter. Valid "
                            "values for the 'use' parameter are [sig]."),
    (401, "invalid_client", "The client_assertion JWT needs to be signed using a signing key."),
    (401, "invalid_client", "The client JWKSet from jwks_uri must contain at least one key."),
    (401, "invalid_client", "All keys in the client JWKSet from jwks_uri must have a unique kid."),
    (401, "invalid_client", "Error retrieving the client JWKSet from jwks_uri."),
    (400, "invalid_request", "The client_assertion_type is invalid."),
    (401, "invalid_request", "Cannot supply multiple client credentials. Use one of the following: credentials in "
                             "the Authorization header, credentials in the post body, or a client_assertion in the "
                             "post body."),
    (400, "invalid_request", "Client credentials cannot be supplied via query parameters."),
    (400, "invalid_request", "The request contained multiple parameters with the same name."),
    (400, "invalid_request", "The token request must specify a 'grant_type'. Valid values: [client_credentials]"),
    (400, "invalid_scope", "No scopes were requested."),
    (400, "invalid_scope", "The following scopes are not allowed for this request: [okta.foo.read]."),
    (400, "invalid_scope", "Scopes are not allowed for this request."),
    (400, "invalid_scope", "Custom scopes are not allowed for this request."),
    (400, "invalid_scope", "Cannot request 'openid' scopes using client credentials."),
    (400, "invalid_scope", "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
                           "resource owner."),
    (400, "consent_required", "You are not allowed any of the requested scopes."),
    (400, "consent_required", "The following scopes require user consent and cannot be granted for the client "
                              "credentials grant type: [okta.myAccount.read]."),
    (400, "client_credentials_self_scope_requested", "The 'client_credentials' grant type may not request .self "
                                                     "scopes."),
    (400, "access_denied", "Some of the requested scopes were denied by the policy. Denied scopes: [a]."),
    (400, "access_denied", "Policy evaluation succeeded, but all the requested scopes were rejected."),
    (400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant "
                                 "types: [authorization_code]."),
    (400, "unauthorized_client", "This client cannot use a custom authorization server."),
    (400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server. "
                                    "Configured grant types: [implicit]."),
    (400, "unsupported_grant_type", "'client_credentials' grant type can only be used with a custom authorization "
                                    "server."),
    (403, "access_denied", "The request is made from outside the client's permitted network zones."),
    (400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof."),
    (429, "invalid_grant", "API call exceeded rate limit due to too many requests."),
    (500, "server_error", "The authorization server encountered an unexpected condition that prevented it from "
                          "fulfilling the request."),
    (503, "temporarily_unavailable", "The authorization server is currently unable to handle the request due to a "
                                     "temporary overloading or maintenance of the server."),
] + [(400, "invalid_dpop_proof", text) for text in (
    "The DPoP proof JWT is invalid.", "The DPoP proof JWT header is missing.",
    "Multiple DPoP proof JWT headers are not allowed.", "'typ' must be 'dpop+jwt' in the DPoP proof JWT.",
    "The DPoP proof JWT signature algorithm is invalid.", "The DPoP proof JWT cannot be parsed.",
    "The DPoP proof JWT signature is invalid.", "'htm' claim in the DPoP proof JWT is invalid.",
    "'htu' claim in the DPoP proof JWT is invalid.", "'iat' claim in the DPoP proof JWT is invalid.",
    "The DPoP proof JWT is issued in the future.", "The DPoP proof JWT is issued more than five minutes in the past.",
    "The DPoP proof JWT is expired.", "'jti' claim in the DPoP proof JWT is invalid.",
    "The DPoP proof JWT has already been used.",
    "'ath' claim in the DPoP proof does not match the presented access_token.",
    "The access_token is not bound to the provided DPoP proof.")]

RESOURCE_ERRORS = [
    ("invalid_request", "The resource request requires a DPoP proof."),
    ("invalid_request", "The resource request must use the DPoP authentication scheme when using a DPoP bound token."),
    ("invalid_token", "The presented access_token is not DPoP bound."),
    ("invalid_token", "The access token provided is not intended for Okta."),
    ("invalid_token", "The access token provided has an invalid issuer."),
    ("insufficient_scope", "The access token provided does not contain the required scopes."),
]

API_ERRORS = [
    (400, "E0000001", "Api validation failed: login"), (400, "E0000003", "The request body was not well-formed."),
    (401, "E0000004", "Authentication failed"), (403, "E0000005", "Invalid session"),
    (403, "E0000006", "You do not have permission to perform the requested action"),
    (404, "E0000007", "Not found: Resource not found: 00u1 (User)"), (401, "E0000011", "Invalid token provided"),
    (401, "E0000015", "You do not have permission to access the feature you are requesting"),
    (405, "E0000022", "The endpoint does not support the provided HTTP method"),
    (429, "E0000047", "API call exceeded rate limit due to too many requests."),
]


@pytest.mark.parametrize(("status", "error", "description"), TOKEN_ERRORS)
def test_every_token_endpoint_error_is_explained(status: int, error: str, description: str) -> None:
    body = json.dumps({"error": error, "error_description": description}).encode()
    problem = parse_problem(status, {}, body, source="token")
    assert problem.explanation is not None, description
    assert problem.explanation.what and problem.explanation.cause and problem.explanation.fix
    # our words, and the server's words kept verbatim next to them
    assert problem.explanation.what.lower() != description.lower()
    assert description in problem.message()
    assert problem.to_error().code == error


@pytest.mark.parametrize(("error", "description"), RESOURCE_ERRORS)
def test_every_resource_challenge_is_explained(error: str, description: str) -> None:
    headers = {"WWW-Authenticate": f'DPoP algs="ES256", error="{error}", error_description="{description}"'}
    problem = parse_problem(401, headers, b"")
    assert problem.error == error
    assert problem.explanation is not None
    assert description in problem.message()


@pytest.mark.parametrize(("status", "code", "summary"), API_ERRORS)
def test_every_api_error_code_is_explained(status: int, code: str, summary: str) -> None:
    body = json.dumps({"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oaeXYZ",
                       "errorCauses": [{"errorSummary": "login: required"}]}).encode()
    problem = parse_problem(status, {"X-Okta-Request-Id": "req-1"}, body)
    assert problem.explanation is not None
    assert problem.causes == ("login: required",)
    assert summary in problem.message() and "login: required" in problem.message()
    assert "req-1" in (problem.hint() or "") and "oaeXYZ" in (problem.hint() or "")


@pytest.mark.skipif(not FACTS.exists(), reason="FACTS.md is not on this machine")
def test_the_facts_token_table_is_covered() -> None:
    section = FACTS.read_text(encoding="utf-8").split("## 3.", 1)[1].split("## 4.", 1)[0]
    rows = re.findall(r"^\| [a-z_ /()0-9;A-Z]+ \| (.+?) \|$", section, flags=re.MULTILINE)
    descriptions = [part.strip() for row in rows if "error_description" not in row and "---" not in row
                    for part in row.split(" / ")]
    assert len(descriptions) > 30
    missing = [d for d in descriptions if explain("", d) is None]
    assert missing == []


def test_kid_invalid_lists_the_kids_and_says_an_app_may_hold_several() -> None:
    body = b'{"error":"invalid_client","error_description":"The client_assertion JWT kid is invalid."}'
    context = ExplainContext(client_id="0oa1", assertion_kid="k-2", key_kids=("k-1", "k-2"))
    problem = parse_problem(401, {}, body, source="token", context=context)
    text = problem.message() + (problem.hint() or "")
    assert "'k-2'" in text and "k-1, k-2" in text
    assert "several" in text and "/api/v1/apps/0oa1/credentials/jwks" in text


def test_e0000006_says_how_to_assign_an_admin_role() -> None:
    body = b'{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action"}'
    problem = parse_problem(403, {}, body, context=ExplainContext(client_id="0oa9"))
    text = problem.message() + "\n" + (problem.hint() or "")
    assert "admin role" in text
    assert "POST /oauth2/v1/clients/0oa9/roles" in text and "Admin Console" in text


def test_insufficient_scope_names_the_scope_from_the_catalog() -> None:
    catalog = ScopeCatalog.load()
    needed = catalog.required_scopes("GET", "/api/v1/groups/00g1").scopes
    headers = {"WWW-Authenticate": 'Bearer error="insufficient_scope", error_description="The access token provided '
                                   'does not contain the required scopes."'}
    context = ExplainContext(method="GET", path="/api/v1/groups/00g1", required_scopes=needed)
    problem = parse_problem(403, headers, b"", context=context)
    assert needed == ("okta.groups.read",)
    assert "okta.groups.read" in problem.message()
    assert '--scopes "okta.groups.read"' in (problem.hint() or "")


def test_the_scope_in_the_challenge_wins_over_the_catalog() -> None:
    headers = {"WWW-Authenticate": 'Bearer scope="okta.apps.read", error="insufficient_scope"'}
    problem = parse_problem(403, headers, b"", context=ExplainContext(required_scopes=("okta.users.read",)))
    assert "okta.apps.read" in problem.message() and "okta.users.read" not in problem.message()


def test_unknown_errors_are_shown_raw() -> None:
    body = b'{"error":"brand_new_error","error_description":"Something Okta added in 2030."}'
    problem = parse_problem(400, {}, body, source="token")
    assert problem.explanation is None
    assert problem.message() == ("the token request was refused: HTTP 400 Bad Request, brand_new_error: "
                                 "Something Okta added in 2030.")
    assert problem.hint() is None
    html = parse_problem(502, {}, b"<html>bad gateway</html>")
    assert html.message() == "the API call failed: HTTP 502 Bad Gateway, <html>bad gateway</html>"
    empty = parse_problem(500, {}, b"")
    assert empty.message() == "the API call failed: HTTP 500 Internal Server Error"


def test_secrets_in_an_error_body_are_redacted() -> None:
    body = b'{"error":"x","error_description":"bad client_assertion=eyJhbGciOi.abc.def"}'
    assert "eyJhbGciOi" not in parse_problem(400, {}, body).message()


def test_every_table_entry_is_reachable() -> None:
    for code, prefix in known_errors():
        assert explain(code, prefix) is not None


@given(st.integers(min_value=400, max_value=599), st.binary(max_size=300),
       st.one_of(st.none(), st.text(max_size=120)),
       st.dictionaries(st.sampled_from(["error", "error_description", "errorCode", "errorSummary", "errorCauses",
                                        "errorId"]),
                       st.one_of(st.text(max_size=40), st.integers(), st.none(),
                                 st.lists(st.dictionaries(st.just("errorSummary"), st.text(max_size=20)),
                                          max_size=2))))
def test_any_error_answer_parses_and_keeps_the_status(status: int, raw: bytes, challenge: str | None,
                                                      members: dict[str, object]) -> None:
    for body in (raw, json.dumps(members).encode()):
        headers = {"WWW-Authenticate": challenge} if challenge is not None else {}
        problem = parse_problem(status, headers, body)
        assert f"HTTP {status}" in problem.message()
        assert isinstance(problem.to_error().description, str)


def test_no_scope_granted_shows_a_grant_call_for_the_scope_that_was_asked_for() -> None:
    ctx = ExplainContext(client_id="0oa1", requested_scopes=("okta.policies.read",))
    found = explain("consent_required", "You are not allowed any of the requested scopes.", ctx)
    assert found is not None
    assert '"scopeId": "okta.policies.read"' in found.fix
    assert "/api/v1/apps/0oa1/grants" in found.fix
