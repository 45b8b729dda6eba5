"""The Console's core: recorded token exchanges (Bearer, DPoP nonce legs), history without secrets, snippets that
run as pasted, org kinds and the per-profile write confirmation."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from oktatool.core.keys.key import load_key
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.exchange import RecordingTokenClient, TokenExchange, decode_jws, token_facts
from oktatool.core.okta.history import HistoryEntry, HistoryStore, scrub
from oktatool.core.okta.http import HttpOptions, new_session
from oktatool.core.okta.orgkind import OrgKind, classify_org, needs_confirmation
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.snippets import SnippetRequest, curl_command, powershell_command, python_snippet
from oktatool.core.store.settings import Profile, Settings, settings_from_dict, settings_to_dict
from tests.platforms import assert_mode
from tests.powershell_syntax import invoke_rest_method
from tests.powershell_syntax import run as run_powershell
from tests.recorded_curl import http_answer, needs_curl_and_bash, run_recorded


def recording_client(info: Any, *, dpop: bool = False) -> tuple[OktaClient, list[TokenExchange]]:
    key = load_key(info.jwk_file.read_bytes())
    seen: list[TokenExchange] = []
    recorder = RecordingTokenClient(new_session(HttpOptions(ca_bundle=info.ca_file)), listener=seen.append)
    client = OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key, scopes=info.scopes, dpop=dpop),
                        token_client=recorder)
    assert client.tokens is recorder and client.nonces is recorder.nonces and client.session is recorder.session
    return client, seen


def test_a_bearer_fetch_is_one_recorded_leg(sandbox_org: Any) -> None:
    client, seen = recording_client(sandbox_org)
    token = client.token()
    assert len(seen) == 1 and len(seen[0].legs) == 1
    leg = seen[0].legs[0]
    assert leg.status == 200 and leg.proof is None
    decoded = decode_jws(leg.assertion)
    assert decoded is not None and decoded.claims["aud"] == sandbox_org.token_url
    assert decoded.claims["iss"] == sandbox_org.client_id
    assert "client_credentials" in dict(leg.request.form)["grant_type"]
    assert leg.request_line.startswith("POST /oauth2/v1/token HTTP/1.1")
    facts = token_facts(token, seen[0].asked)
    assert facts.client_id == sandbox_org.client_id and facts.jkt is None and not facts.downscoped
    client.token()  # from the cache: nothing recorded
    assert len(seen) == 1
    assert token.access_token not in repr(seen[0]) and leg.assertion not in repr(seen[0])


def test_the_dpop_nonce_round_trip_is_two_legs(sandbox_dpop: Any) -> None:
    client, seen = recording_client(sandbox_dpop, dpop=True)
    token = client.token()
    exchange = seen[0]
    assert [leg.status for leg in exchange.legs] == [400, 200]
    assert exchange.nonce_round_trip and exchange.legs[0].is_nonce_challenge
    first, second = (decode_jws(leg.proof) for leg in exchange.legs)
    assert first is not None and second is not None
    assert "nonce" not in first.claims and second.claims["nonce"] == exchange.legs[0].response_header("DPoP-Nonce")
    assert decode_jws(exchange.legs[0].assertion).claims["jti"] != decode_jws(exchange.legs[1].assertion).claims["jti"]
    facts = token_facts(token, exchange.asked)
    assert facts.jkt == client.dpop.thumbprint if client.dpop else False


def test_downscoping_is_called_out() -> None:
    from oktatool.core.okta.tokens import TokenResponse

    token = TokenResponse("opaque-token", "Bearer", 3600, "okta.users.read okta.logs.read", 1000.0)
    facts = token_facts(token, ("okta.users.read", "okta.apps.manage"))
    assert facts.downscoped == ("okta.apps.manage",) and facts.unasked == ("okta.logs.read",)
    assert not facts.decoded and facts.expires_at == 4600.0


def test_a_refused_fetch_is_still_shown(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=1, scopes=("okta.users.read",))
    client, seen = recording_client(info)
    with pytest.raises(Exception, match="scope"):
        client.token(("okta.apps.manage",))
    assert seen and seen[-1].error and seen[-1].legs[-1].status == 400


def test_a_renewal_is_reported_as_such(sandbox_org: Any) -> None:
    client, seen = recording_client(sandbox_org)
    client.tokens.renew_margin = 3600 + 60  # every cached token is "about to expire"
    client.token()
    client.token()
    assert len(seen) == 2
    assert seen[1].reason.startswith("renewed")


SECRET_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


#: secrets the value scrub cannot see (no JWT, no "SSWS "): only their names say what they are
OPAQUE = {"bearer": "opaque-bearer-0a1b2c", "dpop": "opaque-dpop-proof-3d4e", "session": "opaque-session-5f6a",
          "form secret": "opaque-form-secret-7b8c", "pass code": "836215", "admin": "opaque-admin-credential",
          "cookie": "opaque-session-cookie", "recovery": "opaque-recovery-9d0e"}


def test_history_keeps_no_secret(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    entry = HistoryEntry.safe(
        time=1.0, profile="p", method="post",
        path=f"/api/v1/users?activate=true&token={SECRET_JWT}&passCode={OPAQUE['pass code']}",
        status=200, duration_ms=12.3, request_id="req1",
        body=json.dumps({"credentials": {"password": {"value": "hunter2hunter2"}}, "note": SECRET_JWT,
                         "sessionToken": OPAQUE["session"]}),
        headers=[("Authorization", f"Bearer {OPAQUE['bearer']}"), ("DPoP", OPAQUE["dpop"]),
                 ("X-Note", f"Bearer {SECRET_JWT}"), ("X-Api", "SSWS 00anothersecret"),
                 ("authorization", OPAQUE["admin"]), ("Cookie", f"sid={OPAQUE['cookie']}")])
    store.add(entry)
    form = HistoryEntry.safe(time=2.0, profile="p", method="POST", path="/oauth2/v1/token", status=200,
                             duration_ms=1.0, body=f"grant_type=client_credentials&client_secret="
                             f"{OPAQUE['form secret']}&recoveryToken={OPAQUE['recovery']}")
    store.add(form)
    text = (tmp_path / "console-history.json").read_text()
    assert [s for s in (SECRET_JWT, "hunter2hunter2", "00anothersecret", *OPAQUE.values()) if s in text] == []
    assert "activate=true" in text and "grant_type=client_credentials" in text
    assert_mode(tmp_path / "console-history.json", 0o600)
    loaded = store.load()
    assert loaded[0].call == "POST /api/v1/users" and loaded[0].request_id == "req1"
    assert not any(secret in repr(loaded) for secret in OPAQUE.values())
    assert scrub("nothing secret here") == "nothing secret here"


#: Okta's one-time secrets and others named like them; each value looks like nothing (no JWT, no SSWS)
ONE_TIME = {"sessionToken": "opaque-session-1", "passCode": "483920", "stateToken": "opaque-state-2",
            "recoveryToken": "opaque-recovery-3", "activationToken": "opaque-activation-4",
            "client_secret": "opaque-client-5", "newPassword": "opaque-password-6",
            "client_assertion": "opaque-assertion-7", "SAMLAssertion": "opaque-assertion-8"}


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_history_redacts_a_member_parameter_or_header_by_its_name(tmp_path: Path, name: str) -> None:
    value = ONE_TIME[name]
    store = HistoryStore(tmp_path)
    cases = {
        "body": {"body": json.dumps({"factor": {"profile": {name: value}}, "kept": "visible-1"})},
        "nested list": {"body": json.dumps({"items": [{name.upper(): value}], "kept": "visible-1"})},
        "form body": {"body": f"kept=visible-1&{name}={value}"},
        "query": {"path": f"/api/v1/authn/factors?kept=visible-1&{name.lower()}={value}#frag"},
        "header": {"headers": [(f"X-{name}", value), ("X-Kept", "visible-1")]},
    }
    for where, given in cases.items():
        fields: dict[str, Any] = {"path": "/api/v1/authn", **given}
        store.add(HistoryEntry.safe(time=1.0, profile="p", method="POST", status=200, duration_ms=1.0, **fields))
        text = (tmp_path / "console-history.json").read_text()
        assert value not in text, where
        assert "visible-1" in text, where
        loaded = store.load()[-1]
        assert value not in repr(loaded), where


def test_history_keeps_members_whose_names_only_contain_a_secret_word(tmp_path: Path) -> None:
    entry = HistoryEntry.safe(time=1.0, profile="p", method="POST", path="/api/v1/users?tokenLifetime=5",
                              status=200, duration_ms=1.0, body=json.dumps({"codeName": "kept-2", "login": "a@b"}))
    assert "tokenLifetime=5" in entry.path and "kept-2" in entry.body and "a@b" in entry.body


def test_history_survives_a_damaged_file_and_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "console-history.json").write_text("{not json")
    store = HistoryStore(tmp_path, limit=3)
    assert store.load() == []
    for n in range(5):
        store.add(HistoryEntry.safe(time=n, profile="p", method="GET", path=f"/api/v1/users/{n}", status=200,
                                    duration_ms=1))
    assert [e.path for e in store.load()] == ["/api/v1/users/2", "/api/v1/users/3", "/api/v1/users/4"]
    assert store.load()[0].matches(["users/2", "get"]) and not store.load()[0].matches(["groups"])


@needs_curl_and_bash
@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_copy_as_curl_runs_as_pasted_and_no_secret_is_on_curls_command_line(sandbox_tls: Any, tmp_path: Path,
                                                                            shell: str) -> None:
    client, _ = recording_client(sandbox_tls)
    token = client.token()
    request = SnippetRequest("GET", sandbox_tls.org_url + "/api/v1/users?limit=3", token.scheme,
                             (("Authorization", "Bearer leaked"), ("X-Custom", "it's $fine")),
                             ca_bundle=str(sandbox_tls.ca_file))
    command = curl_command(request)
    assert token.access_token not in command and "leaked" not in command
    assert "$OKTA_ACCESS_TOKEN" in command and "Authorization" in command
    ran = run_recorded(command, {"OKTA_ACCESS_TOKEN": token.access_token}, tmp_path / "get", shell)
    assert ran.result.returncode == 0 and ran.shell_errors() == [], ran.result.stderr
    status, body = http_answer(ran.result.stdout)
    assert status == 200 and len(json.loads(body)) == 3
    ran.assert_never_on_a_command_line(token.access_token, "Authorization", "X-Custom")
    # a body with a password, as POST /api/v1/users takes it: through the pipe too, byte for byte
    password = "Zażółć 'gęślą' $jaźń 1!"
    login = f"pipe-{shell}@example.com"
    user = {"profile": {"login": login, "email": login, "firstName": "P", "lastName": "Q"},
            "credentials": {"password": {"value": password}}}
    create = SnippetRequest("POST", sandbox_tls.org_url + "/api/v1/users?activate=true", token.scheme, body=user,
                            ca_bundle=str(sandbox_tls.ca_file))
    assert create.holds_secret() and not request.holds_secret()
    manage = client.token(("okta.users.manage",)).access_token
    ran = run_recorded(curl_command(create), {"OKTA_ACCESS_TOKEN": manage}, tmp_path / "post", shell)
    status, body = http_answer(ran.result.stdout)
    assert status == 200, body
    assert json.loads(body)["profile"]["login"] == login and ran.shell_errors() == []
    ran.assert_never_on_a_command_line(manage, password, json.dumps(password)[1:-1], login)


@needs_curl_and_bash
@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_dpop_copy_as_curl_keeps_the_proof_off_the_command_line(sandbox_dpop: Any, tmp_path: Path, shell: str) -> None:
    client, _ = recording_client(sandbox_dpop, dpop=True)
    token = client.token()
    url = sandbox_dpop.org_url + "/api/v1/users?limit=2"
    assert client.api(sandbox_dpop.scopes).send("GET", url).ok  # the server's nonce for API calls
    assert client.dpop is not None
    proof = client.dpop.proof("GET", url, nonce=client.nonces.get(url), access_token=token.access_token)
    command = curl_command(SnippetRequest("GET", url, "DPoP"), dpop_proof=proof)
    assert "every call needs a new proof" in command and token.access_token not in command
    ran = run_recorded(command, {"OKTA_ACCESS_TOKEN": token.access_token}, tmp_path, shell)
    status, body = http_answer(ran.result.stdout)
    assert status == 200 and len(json.loads(body)) == 2 and ran.shell_errors() == [], body + ran.result.stderr
    ran.assert_never_on_a_command_line(token.access_token, proof, "DPoP")


def test_copy_as_powershell_runs_as_pasted(sandbox_org: Any) -> None:
    client, _ = recording_client(sandbox_org)
    token = client.token()
    request = SnippetRequest("GET", sandbox_org.org_url + "/api/v1/users?limit=3", token.scheme,
                             (("Authorization", "Bearer leaked"), ("X-Custom", "it's $fine")))
    command = powershell_command(request)
    assert token.access_token not in command and "leaked" not in command
    (call,) = run_powershell(command, {"OKTA_ACCESS_TOKEN": token.access_token}).calls
    assert call["Headers"]["X-Custom"] == "it's $fine"
    answer = invoke_rest_method(call)
    assert answer.status_code == 200 and len(answer.json()) == 3
    body = SnippetRequest("POST", sandbox_org.org_url + "/api/v1/groups", token.scheme,
                          body={"profile": {"name": "Zespół 李 'q' $x", "description": "`n"}})
    (call,) = run_powershell(powershell_command(body), {"OKTA_ACCESS_TOKEN": client.token(
        ("okta.groups.manage",)).access_token}).calls
    made = invoke_rest_method(call)
    assert made.status_code == 200, made.text
    assert made.json()["profile"] == {"name": "Zespół 李 'q' $x", "description": "`n"}


def test_python_snippet_runs_as_pasted(sandbox_org: Any) -> None:
    client, _ = recording_client(sandbox_org)
    token = client.token()
    code = python_snippet(SnippetRequest("GET", sandbox_org.org_url + "/api/v1/users?limit=2", token.scheme))
    assert token.access_token not in code
    import sys

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "OKTA_ACCESS_TOKEN": token.access_token}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ")


@pytest.mark.parametrize(("url", "headers", "body", "secret"), [
    ("/api/v1/users", (("X-Custom", "1"),), {"profile": {"name": "password"}}, False),
    ("/api/v1/users", (), {"credentials": {"password": {"value": "x"}}}, True),
    ("/api/v1/users", (), [{"profile": {"recoveryToken": "abc"}}], True),
    ("/api/v1/authn?sessionToken=abc", (), None, True),
    ("/api/v1/users", (("X-Api-Token", "abc"),), None, True),
    ("/api/v1/users", (("X-Forwarded", "SSWS 00abc"),), None, True),
    ("/api/v1/users", (("Authorization", "SSWS 00abc"),), None, False),  # never copied: the variable stands in
])
def test_a_request_says_whether_it_holds_a_secret(url: str, headers: tuple[tuple[str, str], ...], body: Any,
                                                   secret: bool) -> None:
    assert SnippetRequest("POST", "https://dev-1.okta.com" + url, headers=headers, body=body).holds_secret() is secret


def test_dpop_snippets_say_a_proof_is_needed_per_call() -> None:
    request = SnippetRequest("POST", "https://dev-1.okta.com/api/v1/groups", "DPoP", body={"profile": {"name": "x"}})
    command = curl_command(request, dpop_proof="eyJ.proof.sig")
    assert "every call needs a new proof" in command and '"DPoP: $OKTA_DPOP_PROOF"' in command
    assert '"Authorization: DPoP $OKTA_ACCESS_TOKEN"' in command and "--data-binary @<(printf" in command
    assert "OKTA_DPOP_PROOF" in python_snippet(request)


@pytest.mark.parametrize(("url", "kind"), [
    ("http://127.0.0.1:8080", OrgKind.SANDBOX), ("https://localhost", OrgKind.SANDBOX),
    ("https://dev-1.oktapreview.com", OrgKind.PREVIEW), ("https://acme.okta.com", OrgKind.PRODUCTION),
    ("https://login.acme.com", OrgKind.PRODUCTION), ("acme.okta-emea.com", OrgKind.PRODUCTION),
    ("https://oktapreview.com.evil.example", OrgKind.PRODUCTION),
    ("https://dev-123456.okta.com", OrgKind.DEVELOPER), ("integrator-7654321.okta.com", OrgKind.INTEGRATOR),
    ("https://TRIAL-1234567.okta.com/", OrgKind.TRIAL), ("https://acme.oktapreview.com", OrgKind.PREVIEW),
    ("https://dev-portal.okta.com", OrgKind.PRODUCTION), ("https://dev-123456.okta-emea.com", OrgKind.PRODUCTION),
    ("https://dev-123456.okta.com.evil.example", OrgKind.PRODUCTION),
])
def test_org_kinds(url: str, kind: OrgKind) -> None:
    assert classify_org(url) is kind


def test_writes_to_production_are_confirmed_unless_turned_off() -> None:
    assert needs_confirmation(OrgKind.PRODUCTION, "delete", confirm_writes=True)
    assert not needs_confirmation(OrgKind.PRODUCTION, "GET", confirm_writes=True)
    assert not needs_confirmation(OrgKind.PREVIEW, "POST", confirm_writes=True)
    assert not needs_confirmation(OrgKind.DEVELOPER, "DELETE", confirm_writes=True)
    assert not needs_confirmation(OrgKind.TRIAL, "PUT", confirm_writes=True)
    assert not needs_confirmation(OrgKind.PRODUCTION, "PUT", confirm_writes=False)


def test_the_profile_opt_out_is_saved_and_defaults_safely() -> None:
    assert Profile(name="x").confirm_writes is True
    raw = settings_to_dict(Settings(profiles=(Profile(name="prod", org_url="https://a.okta.com",
                                                      confirm_writes=False),), active_profile="prod"))
    assert settings_from_dict(raw).profile("prod").confirm_writes is False
    del raw["profiles"][0]["confirm_writes"]
    assert settings_from_dict(raw).profile("prod").confirm_writes is True
    raw["profiles"][0]["confirm_writes"] = "no"
    assert settings_from_dict(raw).profile("prod").confirm_writes is True
