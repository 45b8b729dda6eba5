"""`sign --secret-file` (HS256/384/512, first line, UTF-8) and `verify --key` checking the token's kid."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jwt as pyjwt
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import OctKey

from oktatool.core.jose.jwt import sign_token
from oktatool.core.keys.key import KeySpec, generate_key
from tests.conftest import CliRunner

SECRET = "ünïcode-secret-that-is-long-enough-for-hs512-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_secret_file_signs_what_pyjwt_and_joserfc_verify(run_cli: CliRunner, tmp_path: Path, alg: str) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET + "\nsecond line is ignored\n", encoding="utf-8")
    result = run_cli("sign", "--secret-file", str(secret_file), "--alg", alg, "--claims", '{"sub": "a", "n": 3.0}')
    assert result.returncode == 0 and result.stderr == "", result.stderr
    token = result.stdout.strip()
    assert pyjwt.decode(token, SECRET.encode(), algorithms=[alg]) == {"sub": "a", "n": 3.0}
    assert joserfc_jwt.decode(token, OctKey.import_key(SECRET.encode()), algorithms=[alg]).claims["sub"] == "a"
    assert json.loads(run_cli("decode", token, "--json").stdout)["header"] == {"alg": alg, "typ": "JWT"}


def test_secret_file_short_secret_warns_and_bad_input_exits_2(run_cli: CliRunner, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("secret\n")
    result = run_cli("sign", "--secret-file", str(short), "--claims", "{}")
    assert result.returncode == 0 and "warning: the secret is 6 bytes" in result.stderr
    pyjwt.decode(result.stdout.strip(), "secret", algorithms=["HS256"])
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for args, words in ((["--secret-file", str(empty)], "empty"),
                        (["--secret-file", str(short), "--alg", "RS256"], "HS256"),
                        (["--secret-file", str(tmp_path / "missing")], "missing"),
                        (["--secret-file", str(short), "--key", str(short)], "not allowed")):
        bad = run_cli("sign", *args, "--claims", "{}")
        assert bad.returncode == 2 and words in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


def test_verify_key_refuses_a_token_naming_another_kid(run_cli: CliRunner, tmp_path: Path) -> None:
    key = generate_key(KeySpec("EC", kid="mine"))
    key_file = tmp_path / "mine.json"
    key_file.write_text(key.export("jwk-public"))
    lying = sign_token({"sub": "a"}, key, header={"kid": "theirs"})
    result = run_cli("verify", lying, "--key", str(key_file))
    assert result.returncode == 1 and "theirs" in result.stderr and "mine" in result.stderr
    as_json = json.loads(run_cli("verify", lying, "--key", str(key_file), "--json").stdout)
    assert as_json["valid"] is False and as_json["reason"] == "kid_not_found"
    good = run_cli("verify", sign_token({"sub": "a"}, key), "--key", str(key_file))
    assert good.returncode == 0 and 'kid "mine"' in good.stdout


def test_verify_pem_is_tried_and_says_no_kid_was_compared(run_cli: CliRunner, tmp_path: Path) -> None:
    pem = tmp_path / "ec.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    str(pem)], check=True, capture_output=True)
    token = run_cli("sign", "--key", str(pem), "--claims", "{}", "--header", '{"kid": "registered-in-okta"}')
    result = run_cli("verify", token.stdout.strip(), "--key", str(pem))
    assert result.returncode == 0, result.stderr
    assert "registered-in-okta" not in result.stdout and 'kid "' not in result.stdout
    assert "no kid was compared: the key carries none" in result.stdout and "thumbprint" in result.stdout
