"""Garbage on the JWT commands' arguments: one `error:` line (and a hint), exit 2, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oktatool.core.encoding import b64url_encode
from oktatool.core.jose.jwt import sign_token
from oktatool.core.keys.key import KeySpec, generate_key
from tests.conftest import REPO_ROOT, CliRunner


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("badinput") / "ec.json"
    path.write_text(generate_key(KeySpec("EC", kid="ec-1")).export("jwk"))
    return str(path)


def _token(header: bytes, payload: bytes) -> str:
    return f"{b64url_encode(header)}.{b64url_encode(payload)}.AAAA"


def _refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and words in result.stderr, result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("claims", "words"), [
    ('{"exp": NaN}', "NaN"),
    ('{"exp": 1e999}', "too large"),
    ('{"sub": "a", "sub": "b"}', "twice"),
    ('{"sub": "\\ud800"}', "lone surrogate"),
    ('{"exp": 1' + "0" * 5000 + "}", "digits"),
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_sign_refuses_claims_json_that_is_not_strict(run_cli: CliRunner, key_file: str, tmp_path: Path,
                                                     claims: str, words: str) -> None:
    claims_file = tmp_path / "claims.json"
    claims_file.write_text(claims)
    _refused(run_cli("sign", "--key", key_file, "--claims", f"@{claims_file}"), words)


def test_sign_and_assertion_refuse_a_kid_that_is_not_utf8(run_cli: CliRunner, key_file: str) -> None:
    not_utf8 = "a\udcff"  # subprocess passes it to argv as the byte 0xff
    _refused(run_cli("sign", "--key", key_file, "--claims", "{}", "--kid", not_utf8), "UTF-8")
    _refused(run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", key_file,
                     "--kid", not_utf8), "UTF-8")


def test_decode_refuses_a_header_with_a_lone_surrogate(run_cli: CliRunner) -> None:
    token = _token(b'{"alg": "RS256", "kid": "\\ud800"}', b"{}")
    _refused(run_cli("decode", token, "--json"), "lone surrogate")


def test_decode_shows_a_time_claim_too_large_for_a_date(run_cli: CliRunner) -> None:
    token = _token(b'{"alg": "RS256"}', b'{"exp": 1' + b"0" * 400 + b"}")
    result = run_cli("decode", token, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["times"]["exp"]["iso"] is None
    assert run_cli("decode", token).returncode == 0


@pytest.mark.parametrize("leeway", ["-1", "86401", "1" + "0" * 400])
def test_verify_refuses_a_negative_or_huge_leeway(run_cli: CliRunner, key_file: str, leeway: str) -> None:
    key = generate_key(KeySpec("EC", kid="ec-1"))
    token = sign_token({"sub": "a"}, key)
    _refused(run_cli("verify", token, "--key", key_file, "--leeway", leeway), "leeway")


def test_a_huge_argument_is_not_repeated_in_the_error(run_cli: CliRunner, key_file: str) -> None:
    huge = "A" * 100_000  # near the largest single argument Linux passes (128 kB)
    for args in (["assertion", "--org", huge, "--client-id", "0oa1", "--key", key_file],
                 ["assertion", "--org", "dev-1.okta.com", "--client-id", huge, "--key", key_file],
                 ["sign", "--key", key_file, "--claims", "{}", "--alg", huge],
                 ["verify", "x.y.z", "--jwks-url", huge],
                 ["scopes", "--for", "GET /" + huge]):
        result = run_cli(*args)
        _refused(result, "")
        assert len(result.stderr) < 600, args[:3]


def test_binary_or_empty_stdin_is_refused_by_decode_and_verify(run_cli: CliRunner, key_file: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for args in (["decode"], ["verify", "--key", key_file]):
        binary = subprocess.run([sys.executable, "-m", "oktatool", *args], input=b"\xff\xfe\x00 binary",
                                capture_output=True, env=env, timeout=60)
        assert binary.returncode == 2 and binary.stderr.startswith(b"error: ") and b"binary data" in binary.stderr
        for empty in ("", "  \n"):
            _refused(run_cli(*args, input=empty), "empty")


def test_verify_with_an_encrypted_private_key_says_how_to_get_the_public_key(run_cli: CliRunner,
                                                                             tmp_path: Path) -> None:
    key = generate_key(KeySpec("EC", kid="ec-1"))
    encrypted = tmp_path / "key.pem"
    encrypted.write_text(key.export("pem", passphrase=b"secret-passphrase"))
    result = run_cli("verify", sign_token({"sub": "a"}, key), "--key", str(encrypted))
    _refused(result, "encrypted private key")
    assert "--format pem-public" in result.stderr  # verify itself has no --password-file


def test_sign_refuses_an_empty_alg_instead_of_choosing_one(run_cli: CliRunner, key_file: str) -> None:
    _refused(run_cli("sign", "--key", key_file, "--claims", "{}", "--alg", ""), "alg asked for is empty")
    _refused(run_cli("sign", "--key", key_file, "--claims", "{}", "--header", '{"alg": ""}'), "empty")


def test_decode_shows_a_token_with_a_cut_signature_and_verify_still_refuses_it(run_cli: CliRunner,
                                                                                key_file: str) -> None:
    key = generate_key(KeySpec("EC", kid="ec-1"))
    Path(key_file).write_text(key.export("jwk"))
    cut = sign_token({"sub": "alice"}, key)[:-8]
    shown = run_cli("decode", "-", "--json", input=cut)
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["header"]["kid"] == "ec-1" and document["claims"] == {"sub": "alice"}
    assert "cut or changed in copying" in document["signature_problem"]
    text = run_cli("decode", "-", input=cut)
    assert text.returncode == 0 and "alice" in text.stdout and "BAD SIGNATURE" in text.stdout
    refused = run_cli("verify", "-", "--key", key_file, input=cut)
    assert refused.returncode in (1, 2) and refused.stderr.startswith("error: "), refused.stderr
    assert "VALID" not in refused.stdout


def test_decode_names_der_and_pem_input(run_cli: CliRunner) -> None:
    der = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                          "-outform", "DER"], check=True, capture_output=True, timeout=60).stdout
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-m", "oktatool", "decode"], input=der, capture_output=True, env=env,
                          timeout=60)
    assert done.returncode == 2 and b"0x30 0x82" in done.stderr and b"DER certificate or key" in done.stderr
    pem = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    _refused(run_cli("decode", "-", input=pem), "a PEM private key, not a token")
