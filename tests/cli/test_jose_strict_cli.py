"""`sign` and `verify` as strict as each other, run as a user runs them; keys from openssl and joserfc."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import OctKey, RSAKey, import_key

from tests.conftest import CliRunner


@pytest.fixture(scope="module")
def rsa_pem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An RSA key made by openssl."""
    pem = tmp_path_factory.mktemp("strict") / "rsa.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(pem)],
                   check=True, capture_output=True, timeout=60)
    return pem


def jwk_file(folder: Path, name: str, pem: Path, **members: Any) -> Path:
    """Write the openssl key as a private JWK made by joserfc, with ``members``."""
    path = folder / name
    path.write_text(json.dumps(import_key(pem.read_text(), "RSA", parameters=members).as_dict(private=True)))
    return path


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2 and result.stdout == "", (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def test_sign_refuses_an_alg_the_keys_jwk_rules_out(run_cli: CliRunner, rsa_pem: Path, tmp_path: Path) -> None:
    rs256 = jwk_file(tmp_path, "rs256.json", rsa_pem, alg="RS256", use="sig", kid="k1")
    refused(run_cli("sign", "--key", str(rs256), "--claims", "{}", "--alg", "PS256"),
            "alg PS256", "its JWK says alg RS256", "--alg RS256", 'remove "alg"', "keygen --kty RSA --alg PS256")
    refused(run_cli("sign", "--key", str(rs256), "--claims", "{}", "--header", '{"alg": "PS256"}'), "PS256", "RS256")
    made = tmp_path / "made.json"  # keygen's own key with an alg behaves the same
    assert run_cli("keygen", "--kty", "RSA", "--alg", "RS256", "-o", str(made)).returncode == 0
    refused(run_cli("sign", "--key", str(made), "--claims", "{}", "--alg", "PS256"), "PS256", "alg RS256")
    token = run_cli("sign", "--key", str(rs256), "--claims", '{"sub": "a"}').stdout.strip()
    assert joserfc_jwt.decode(token, import_key(json.loads(rs256.read_text()))).claims == {"sub": "a"}
    public = RSAKey.import_key(rsa_pem.read_text()).as_pem(private=False)
    assert pyjwt.decode(token, public, algorithms=["RS256"]) == {"sub": "a"}


def test_sign_refuses_use_enc_and_key_ops_without_sign(run_cli: CliRunner, rsa_pem: Path, tmp_path: Path) -> None:
    enc = jwk_file(tmp_path, "enc.json", rsa_pem, use="enc")
    refused(run_cli("sign", "--key", str(enc), "--claims", "{}"), "use is enc")
    refused(run_cli("sign", "--key", str(enc), "--claims", "{}", "--alg", "RS256"), "use is enc")
    verify_only = jwk_file(tmp_path, "ops.json", rsa_pem, key_ops=["verify"])
    refused(run_cli("sign", "--key", str(verify_only), "--claims", "{}", "--alg", "RS256"),
            "key_ops", "do not include sign", 'add "sign"')
    refused(run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", str(verify_only),
                    "--kid", "k"), "do not include sign")


def test_verify_compares_a_thumbprint_kid_and_says_when_none_was_compared(run_cli: CliRunner, rsa_pem: Path,
                                                                         tmp_path: Path) -> None:
    theirs = RSAKey.import_key(rsa_pem.read_text())
    thumb = tmp_path / "thumb.json"
    thumb.write_text(json.dumps({**theirs.as_dict(private=False), "kid": theirs.thumbprint()}))
    lying = joserfc_jwt.encode({"alg": "RS256", "kid": "someone-else"}, {"a": 1}, theirs)
    result = run_cli("verify", lying, "--key", str(thumb))
    assert result.returncode == 1 and "someone-else" in result.stderr and theirs.thumbprint() in result.stderr
    as_json = json.loads(run_cli("verify", lying, "--key", str(thumb), "--json").stdout)
    assert as_json["valid"] is False and as_json["reason"] == "kid_not_found"
    honest = joserfc_jwt.encode({"alg": "RS256", "kid": theirs.thumbprint()}, {"a": 1}, theirs)
    good = json.loads(run_cli("verify", honest, "--key", str(thumb), "--json").stdout)
    assert good["valid"] is True and good["kid_compared"] is True
    pem = run_cli("verify", lying, "--key", str(rsa_pem))  # a bare PEM carries no kid: tried, and said so
    assert pem.returncode == 0 and "no kid was compared: the key carries none" in pem.stdout
    pem_json = json.loads(run_cli("verify", lying, "--key", str(rsa_pem), "--json").stdout)
    assert pem_json["kid_compared"] is False and "carries none" in pem_json["kid_note"]


def test_no_output_shows_an_oct_keys_hash(run_cli: CliRunner, tmp_path: Path) -> None:
    secret = OctKey.generate_key(256)
    no_kid, with_kid, pair = tmp_path / "oct.json", tmp_path / "oct-kid.json", tmp_path / "pair.json"
    no_kid.write_text(json.dumps(secret.as_dict(private=True)))
    with_kid.write_text(json.dumps({**secret.as_dict(private=True), "kid": "s1"}))
    other = OctKey.generate_key(256)
    pair.write_text(json.dumps({"keys": [secret.as_dict(private=True), other.as_dict(private=True)]}))
    outputs = []
    for key in (no_kid, with_kid):
        token = run_cli("sign", "--key", str(key), "--claims", "{}").stdout.strip()
        done = run_cli("verify", token, "--key", str(key))
        assert done.returncode == 0, done.stderr
        outputs += [done.stdout, run_cli("verify", token, "--key", str(key), "--json").stdout]
    outputs.append(refused(run_cli("sign", "--key", str(pair), "--claims", "{}"), "2 keys"))
    assert not any("thumbprint" in text for text in outputs), outputs
    outputs.append(refused(run_cli("thumbprint", str(no_kid)), "shared secret", "not printed"))
    for text in outputs:
        assert secret.thumbprint() not in text and other.thumbprint() not in text, text
