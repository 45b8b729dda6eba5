"""What the CLI prints when it fails never holds a passphrase, a private key member or a token's signature."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from oktatool.core.jose.jwt import sign_token
from oktatool.core.keys.key import KeySpec, generate_key
from tests.conftest import CliRunner


def _failed_quietly(result: subprocess.CompletedProcess[str], *secrets: str) -> None:
    assert result.returncode in (1, 2), result.stderr
    assert result.stderr.startswith("error: ")
    for secret in secrets:
        assert secret not in result.stderr and secret not in result.stdout


def test_a_wrong_passphrase_file_is_not_repeated(run_cli: CliRunner, tmp_path: Path) -> None:
    key = generate_key(KeySpec("EC", kid="ec-1"))
    (tmp_path / "key.pem").write_text(key.export("pem", passphrase=b"right-passphrase-123"))
    (tmp_path / "wrong.txt").write_text("wrong-passphrase-456\n")
    private_d = key.to_dict(private=True)["d"]
    for command in (["sign", "--claims", "{}"], ["assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1"]):
        result = run_cli(*command, "--key", str(tmp_path / "key.pem"), "--password-file", str(tmp_path / "wrong.txt"))
        _failed_quietly(result, "right-passphrase-123", "wrong-passphrase-456", private_d)


def test_a_failed_verify_does_not_print_the_signature(run_cli: CliRunner, tmp_path: Path) -> None:
    key = generate_key(KeySpec("EC", kid="ec-1"))
    other = generate_key(KeySpec("EC", kid="ec-1"))
    (tmp_path / "other.json").write_text(other.export("jwk-public"))
    token = sign_token({"sub": "a"}, key)
    signature = token.rsplit(".", 1)[1]
    _failed_quietly(run_cli("verify", token, "--key", str(tmp_path / "other.json")), signature)
    result = run_cli("verify", token, "--key", str(tmp_path / "other.json"), "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["reason"] == "bad_signature"
    assert signature not in result.stdout
