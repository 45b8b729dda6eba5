"""A key keygen makes signs only the alg its Okta-ready public JWK claims; a key without alg warns (issue 20)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest

from tests.conftest import CliRunner


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and result.stderr == "", (result.stdout, result.stderr)
    return result.stdout


def _keygen(run_cli: CliRunner, folder: Path, *args: str) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """Make a key with keygen; return its private JWK, its jwks-public output and the private file."""
    private = folder / "private.json"
    _ok(run_cli("keygen", *args, "-o", str(private)))
    jwks = json.loads(_ok(run_cli("convert", str(private), "--format", "jwks-public")))
    return json.loads(private.read_text(encoding="utf-8")), jwks, private


def test_keygen_rsa_signs_only_the_alg_its_jwks_claims(run_cli: CliRunner, tmp_path: Path) -> None:
    private, jwks, path = _keygen(run_cli, tmp_path, "--kty", "RSA")
    assert private["alg"] == jwks["keys"][0]["alg"] == "RS256"
    refused = run_cli("sign", "--key", str(path), "--claims", "{}", "--alg", "PS256")
    assert refused.returncode == 2 and refused.stdout == "", refused.stderr
    assert refused.stderr.startswith("error: alg PS256 does not fit") and "its JWK says alg RS256" in refused.stderr
    token = _ok(run_cli("sign", "--key", str(path), "--claims", '{"sub": "a"}')).strip()
    okta_key = pyjwt.PyJWKSet.from_dict(jwks).keys[0]
    assert pyjwt.decode(token, okta_key, algorithms=["RS256"]) == {"sub": "a"}


def test_keygen_alg_ps256_signs_ps256_as_its_jwks_says(run_cli: CliRunner, tmp_path: Path) -> None:
    private, jwks, path = _keygen(run_cli, tmp_path, "--kty", "RSA", "--alg", "PS256")
    assert private["alg"] == jwks["keys"][0]["alg"] == "PS256"
    okta_key = pyjwt.PyJWKSet.from_dict(jwks).keys[0]
    for alg_args in (("--alg", "PS256"), ()):  # --alg PS256, or the key's own
        token = _ok(run_cli("sign", "--key", str(path), "--claims", '{"sub": "a"}', *alg_args)).strip()
        assert pyjwt.get_unverified_header(token)["alg"] == "PS256"
        assert pyjwt.decode(token, okta_key, algorithms=["PS256"]) == {"sub": "a"}
    assert run_cli("sign", "--key", str(path), "--claims", "{}", "--alg", "RS256").returncode == 2


@pytest.mark.parametrize(("args", "alg"), [
    (("--kty", "EC", "--crv", "P-384"), "ES384"),
    (("--kty", "EC", "--crv", "secp256k1"), "ES256K"),
    (("--kty", "OKP", "--crv", "Ed448"), "EdDSA"),
    (("--kty", "RSA", "--use", "enc"), "RSA-OAEP-256"),
    (("--kty", "EC", "--use", "enc"), "ECDH-ES"),
])
def test_every_made_key_carries_its_public_jwks_alg(run_cli: CliRunner, tmp_path: Path, args: tuple[str, ...],
                                                      alg: str) -> None:
    private, jwks, _path = _keygen(run_cli, tmp_path, *args)
    assert private["alg"] == jwks["keys"][0]["alg"] == alg


def test_a_key_without_alg_signs_any_fitting_alg_with_a_warning(run_cli: CliRunner, tmp_path: Path) -> None:
    pem = tmp_path / "rsa.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(pem)],
                   check=True, capture_output=True, timeout=60)
    signed = run_cli("sign", "--key", str(pem), "--claims", '{"sub": "a"}', "--alg", "PS256")
    assert signed.returncode == 0, signed.stderr
    assert signed.stderr.startswith("warning: ") and signed.stderr.count("\n") == 1
    assert "says RS256" in signed.stderr and "Okta refuses a PS256 token" in signed.stderr
    assert pyjwt.get_unverified_header(signed.stdout.strip())["alg"] == "PS256"
    _ok(run_cli("sign", "--key", str(pem), "--claims", "{}", "--alg", "RS256"))  # the alg Okta is told: no warning
    _ok(run_cli("sign", "--key", str(pem), "--claims", "{}"))
    imported = tmp_path / "imported.json"  # converted, the key stays without alg
    _ok(run_cli("convert", str(pem), "--format", "jwk", "-o", str(imported)))
    assert "alg" not in json.loads(imported.read_text(encoding="utf-8"))
    again = run_cli("sign", "--key", str(imported), "--claims", "{}", "--alg", "PS384")
    assert again.returncode == 0 and "Okta refuses a PS384 token" in again.stderr
