"""The JWT commands as users script them: bare tokens on stdout, exit 0/1/2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import import_key as joserfc_import

from oktatool.core.encoding import b64url_encode
from oktatool.core.jose.jwt import sign_token
from oktatool.core.keys.key import Key, KeySpec, generate_key
from tests.conftest import CliRunner
from tests.loopback_http import QuietHandler, serve_on_loopback

CLIENT = "0oa1b2c3d4E5f6G7h8i9"


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("jwtcli")
    ec = generate_key(KeySpec("EC", kid="ec-1"))
    other = generate_key(KeySpec("EC", kid="other"))
    files = {
        "ec": folder / "ec.json", "ec_pub": folder / "ec_pub.json", "jwks": folder / "jwks.json",
        "rsa_pem": folder / "rsa.pem",
    }
    files["ec"].write_text(ec.export("jwk"))
    files["ec_pub"].write_text(ec.export("jwk-public"))
    files["jwks"].write_text(json.dumps({"keys": [other.public().to_dict(), ec.public().to_dict()]}))
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", str(files["rsa_pem"])], check=True, capture_output=True)
    return {"ec_key": ec, "other_key": other, **{k: str(v) for k, v in files.items()}}


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def _bad(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert "Traceback" not in result.stderr


def _claims(token: str, key: Key) -> dict[str, Any]:
    decoded = joserfc_jwt.decode(token, joserfc_import(key.public().to_dict()))
    return dict(decoded.claims)


def test_assertion_prints_the_bare_token(run_cli: CliRunner, material: dict[str, Any]) -> None:
    out = _ok(run_cli("assertion", "--org", "dev-123456.okta.com/", "--client-id", CLIENT, "--key", material["ec"],
                      "--lifetime", "600"))
    assert out.endswith("\n") and out.count("\n") == 1 and out.count(".") == 2
    claims = _claims(out.strip(), material["ec_key"])
    assert claims["aud"] == "https://dev-123456.okta.com/oauth2/v1/token"
    assert claims["iss"] == claims["sub"] == CLIENT
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["iat"] - time.time()) < 60


def test_assertion_with_openssl_pem_and_kid(run_cli: CliRunner, material: dict[str, Any]) -> None:
    out = _ok(run_cli("assertion", "--org", "https://dev-123456.okta.com", "--client-id", CLIENT,
                      "--key", material["rsa_pem"], "--kid", "registered-1"))
    header = json.loads(_ok(run_cli("decode", out.strip(), "--json")))["header"]
    assert header == {"alg": "RS256", "kid": "registered-1", "typ": "JWT"}


def test_assertion_refusals_exit_2(run_cli: CliRunner, material: dict[str, Any]) -> None:
    _bad(run_cli("assertion", "--org", "https://dev-123456-admin.okta.com", "--client-id", CLIENT,
                 "--key", material["ec"]), 2, "Admin Console")
    _bad(run_cli("assertion", "--org", "dev-123456.okta.com", "--client-id", CLIENT, "--key", material["ec"],
                 "--lifetime", "4000"), 2, "lifetime")
    _bad(run_cli("assertion", "--org", "dev-123456.okta.com", "--client-id", CLIENT, "--key", material["ec_pub"]),
         2, "The client_assertion signature is invalid.")


def test_sign_defaults_and_header_override(run_cli: CliRunner, material: dict[str, Any]) -> None:
    token = _ok(run_cli("sign", "--key", material["ec"], "--claims", '{"sub": "alice"}')).strip()
    decoded = json.loads(_ok(run_cli("decode", token, "--json")))
    assert decoded["header"] == {"alg": "ES256", "typ": "JWT", "kid": "ec-1"}
    assert decoded["claims"] == {"sub": "alice"}
    assert _claims(token, material["ec_key"]) == {"sub": "alice"}

    signed = run_cli("sign", "--key", material["rsa_pem"], "--alg", "PS256", "--claims", "{}",
                     "--header", '{"typ": "at+jwt", "x-env": "test"}')
    # a bare PEM signs any fitting alg; its Okta-ready public JWK says RS256, so PS256 is signed with a warning
    assert signed.returncode == 0 and signed.stderr.startswith("warning: ") and "PS256" in signed.stderr
    custom = signed.stdout.strip()
    header = json.loads(_ok(run_cli("decode", custom, "--json")))["header"]
    assert header["alg"] == "PS256" and header["typ"] == "at+jwt" and header["x-env"] == "test"


def test_sign_bad_input_exits_2(run_cli: CliRunner, material: dict[str, Any], tmp_path: Path) -> None:
    claims = tmp_path / "claims.json"
    claims.write_text('{\n  "sub": "a",\n  "exp": ,\n}')
    _bad(run_cli("sign", "--key", material["ec"], "--claims", f"@{claims}"), 2, "line 3, column 10")
    _bad(run_cli("sign", "--key", material["ec"], "--claims", "[1]"), 2, "JSON object")
    _bad(run_cli("sign", "--key", material["ec"], "--claims", "{}", "--alg", "none"), 2, "none")
    _bad(run_cli("sign", "--key", material["ec"], "--claims", "{}", "--alg", "RS256"), 2, "ES256")


def test_decode_table_and_stdin(run_cli: CliRunner, material: dict[str, Any]) -> None:
    token = sign_token({"sub": "bob", "exp": int(time.time()) + 250, "iat": int(time.time()) - 7300},
                       material["ec_key"])
    table = _ok(run_cli("decode", "-", input=token + "\n"))
    assert "Header" in table and "Claims" in table and "Signature" in table
    assert "expires in 4 min" in table and "issued 2 h ago" in table
    assert "signature not checked" in table
    expired = sign_token({"exp": 1}, material["ec_key"])
    assert "EXPIRED" in _ok(run_cli("decode", expired))


def test_decode_jwe_and_malformed(run_cli: CliRunner) -> None:
    jwe = b64url_encode(b'{"alg":"RSA-OAEP","enc":"A256GCM"}') + ".a2V5.aXY.Y3Q.dGFn"
    out = _ok(run_cli("decode", jwe))
    assert "Encrypted JWT (JWE)" in out and "RSA-OAEP" in out
    assert json.loads(_ok(run_cli("decode", jwe, "--json")))["encrypted"] is True
    _bad(run_cli("decode", "abc.def"), 2, "3 parts")
    _bad(run_cli("decode", "-", input=""), 2, "empty")
    _bad(run_cli("decode", "-", input="x" * (3 * 1024 * 1024)), 2, "kB")


def test_verify_exit_codes_and_reasons(run_cli: CliRunner, material: dict[str, Any]) -> None:
    good = sign_token({"sub": "v", "exp": int(time.time()) + 3600}, material["ec_key"])
    assert _ok(run_cli("verify", good, "--key", material["ec_pub"])).startswith("valid: ES256 signature verified")
    result = json.loads(_ok(run_cli("verify", good, "--jwks", material["jwks"], "--json")))
    assert result["valid"] is True and "ec-1" in result["key"]

    head, _, sig = good.split(".")
    tampered = f"{head}.{b64url_encode(b'{}')}.{sig}"
    _bad(run_cli("verify", tampered, "--key", material["ec_pub"]), 1, "bad signature")
    expired = sign_token({"exp": int(time.time()) - 7200}, material["ec_key"])
    _bad(run_cli("verify", expired, "--key", material["ec_pub"]), 1, "expired 2 h ago")
    early = sign_token({"nbf": int(time.time()) + 600}, material["ec_key"])
    _bad(run_cli("verify", early, "--key", material["ec_pub"]), 1, "not valid yet")

    stranger = sign_token({}, generate_key(KeySpec("EC", kid="stranger")))
    failed = run_cli("verify", stranger, "--jwks", material["jwks"], "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["reason"] == "kid_not_found"


def test_verify_bad_input_exits_2(run_cli: CliRunner, material: dict[str, Any], tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n")
    token = sign_token({}, material["ec_key"])
    result = run_cli("verify", token, "--key", str(junk))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    _bad(run_cli("verify", "a.b", "--key", material["ec_pub"]), 2, "3 parts")
    usage = run_cli("verify", token)
    assert usage.returncode == 2


@pytest.fixture
def jwks_url(material: dict[str, Any]) -> Iterator[str]:
    body = Path(material["jwks"]).read_bytes()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.send_body(200, body)

    with serve_on_loopback(Handler) as base:
        yield f"{base}/oauth2/v1/keys"


def test_verify_with_jwks_url(run_cli: CliRunner, material: dict[str, Any], jwks_url: str) -> None:
    token = sign_token({"sub": "u"}, material["other_key"])
    assert "kid \"other\"" in _ok(run_cli("verify", token, "--jwks-url", jwks_url))
    _bad(run_cli("verify", token, "--jwks-url", "http://example.com/keys"), 2, "loopback")
