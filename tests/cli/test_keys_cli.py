"""The keygen, convert and thumbprint commands, run as a user runs them (a subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from joserfc.jwk import JWKRegistry

from tests.conftest import FIXTURES, CliRunner
from tests.platforms import assert_mode

RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "Traceback" not in stderr
    assert all(line.startswith("hint: ") for line in lines[1:])
    return stderr


@pytest.fixture
def pass_file(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_bytes(b"s3cret phrase\r\nsecond line ignored\n")
    return path


def test_keygen_ec_jwks_public_is_okta_ready(run_cli: CliRunner) -> None:
    done = run_cli("keygen", "--kty", "EC", "--crv", "P-256", "--format", "jwks-public")
    assert done.returncode == 0, done.stderr
    jwks = json.loads(done.stdout)
    (jwk,) = jwks["keys"]
    assert list(jwk) == ["kty", "crv", "x", "y", "use", "alg", "kid"]
    assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("EC", "P-256", "sig", "ES256")
    assert "d" not in jwk
    assert jwk["kid"] == JWKRegistry.import_key(jwk).thumbprint()


def test_keygen_rsa_jwks_public_defaults_to_rs256(run_cli: CliRunner) -> None:
    jwk = json.loads(run_cli("keygen", "--kty", "RSA", "--format", "jwks-public").stdout)["keys"][0]
    assert (jwk["use"], jwk["alg"]) == ("sig", "RS256") and set(jwk) == {"kty", "n", "e", "use", "alg", "kid"}
    enc = json.loads(run_cli("keygen", "--kty", "RSA", "--use", "enc", "--format", "jwks-public").stdout)["keys"][0]
    assert (enc["use"], enc["alg"]) == ("enc", "RSA-OAEP-256")


def test_keygen_writes_private_jwk_by_default(run_cli: CliRunner) -> None:
    done = run_cli("keygen", "--kty", "OKP")
    jwk = json.loads(done.stdout)
    assert jwk["crv"] == "Ed25519" and "d" in jwk
    assert jwk["kid"] == JWKRegistry.import_key(jwk).thumbprint()
    # the private JWK says the alg its Okta-ready public JWK claims (so it cannot sign another); no use is added
    assert "use" not in jwk and jwk["alg"] == "EdDSA"


def test_keygen_output_file_modes(run_cli: CliRunner, tmp_path: Path) -> None:
    private = tmp_path / "key.json"
    done = run_cli("keygen", "--kty", "oct", "--size", "512", "--alg", "HS512", "--kid", "hs", "-o", str(private))
    assert done.returncode == 0 and done.stdout == ""
    assert_mode(private, 0o600)
    assert json.loads(private.read_text())["alg"] == "HS512"
    public = tmp_path / "pub.pem"
    assert run_cli("keygen", "--kty", "EC", "--format", "pem-public", "-o", str(public)).returncode == 0
    assert_mode(public, 0o644)
    public_jwk = tmp_path / "pub.json"
    assert run_cli("convert", str(public), "--format", "jwk", "-o", str(public_jwk)).returncode == 0
    assert_mode(public_jwk, 0o644)  # a public key's JWK is not secret
    private.chmod(0o644)  # an existing file is tightened when private material is written into it
    assert run_cli("keygen", "--kty", "EC", "-o", str(private)).returncode == 0
    assert_mode(private, 0o600)


@pytest.mark.parametrize(("args", "message"), [
    (["--kty", "RSA", "--size", "1024"], "shorter than 2048 bits are refused"),
    (["--kty", "EC", "--crv", "P-256", "--alg", "ES384"], "algs that fit: ES256"),
    (["--kty", "OKP", "--format", "pem-traditional"], "use format pem"),
    (["--kty", "oct", "--size", "256", "--alg", "HS512"], "at least 512 bits"),
    (["--kty", "EC", "--format", "jwk", "--password-file", "PASS"], "encrypts only --format pem"),
    (["--kty", "EC", "--format", "pem", "--password-file", "/nonexistent/pass"], "cannot read the passphrase file"),
])
def test_keygen_refusals_exit_2(run_cli: CliRunner, pass_file: Path, args: list[str], message: str) -> None:
    done = run_cli("keygen", *[str(pass_file) if a == "PASS" else a for a in args])
    assert done.returncode == 2 and done.stdout == ""
    assert message in one_error_line(done.stderr)


def test_keygen_encrypted_pem_opens_with_openssl(run_cli: CliRunner, pass_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "key.pem"
    done = run_cli("keygen", "--kty", "RSA", "--format", "pem", "--password-file", str(pass_file), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    if shutil.which("openssl"):
        first_line = tmp_path / "openssl-pass"
        first_line.write_text("s3cret phrase")
        subprocess.run(["openssl", "pkey", "-in", str(out), "-passin", f"file:{first_line}", "-noout"], check=True,
                       capture_output=True, timeout=60)


def test_thumbprint_prints_the_bare_value(run_cli: CliRunner) -> None:
    done = run_cli("thumbprint", str(FIXTURES / "rfc7638_example.json"))
    assert (done.returncode, done.stdout, done.stderr) == (0, RFC7638_THUMBPRINT + "\n", "")
    piped = run_cli("thumbprint", input=(FIXTURES / "rfc7638_example.json").read_text().replace("\n", "\r\n"))
    assert piped.stdout == RFC7638_THUMBPRINT + "\n"


def test_convert_encrypted_input_and_output(run_cli: CliRunner, pass_file: Path, tmp_path: Path) -> None:
    encrypted = tmp_path / "enc.pem"
    run_cli("keygen", "--kty", "EC", "--crv", "P-384", "--format", "pem", "--password-file", str(pass_file),
            "-o", str(encrypted))
    missing = run_cli("convert", str(encrypted), "--format", "jwk")
    assert missing.returncode == 2 and "no passphrase was given" in one_error_line(missing.stderr)
    assert "--password-file" in missing.stderr
    wrong_file = tmp_path / "wrong.txt"
    wrong_file.write_text("not it\n")
    wrong = run_cli("convert", str(encrypted), "--format", "jwk", "--password-file", str(wrong_file))
    assert wrong.returncode == 2 and "does not decrypt" in one_error_line(wrong.stderr)
    assert "not it" not in wrong.stderr
    plain = run_cli("convert", str(encrypted), "--format", "jwk", "--password-file", str(pass_file))
    assert plain.returncode == 0 and json.loads(plain.stdout)["crv"] == "P-384"
    again = run_cli("convert", "-", "--format", "pem", "--out-password-file", str(pass_file), input=plain.stdout)
    assert again.stdout.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    thumb = run_cli("thumbprint", "--password-file", str(pass_file), input=again.stdout)
    assert thumb.stdout.strip() == json.loads(plain.stdout)["kid"]


def test_convert_picks_from_jwks_and_names_kids(run_cli: CliRunner, tmp_path: Path) -> None:
    keys = [json.loads(run_cli("keygen", "--kty", "EC", "--kid", kid).stdout) for kid in ("one", "two")]
    jwks = tmp_path / "set.json"
    jwks.write_text(json.dumps({"keys": keys}))
    ambiguous = run_cli("convert", str(jwks), "--format", "pem-public")
    assert ambiguous.returncode == 2
    assert "one (EC P-256)" in one_error_line(ambiguous.stderr) and "two (EC P-256)" in ambiguous.stderr
    picked = run_cli("convert", str(jwks), "--kid", "two", "--format", "jwk-public")
    # the public JWK is the one Okta's "Add key" takes: use and alg filled in
    expected = {k: v for k, v in keys[1].items() if k != "d"} | {"use": "sig", "alg": "ES256"}
    assert json.loads(picked.stdout) == expected


def test_convert_sets_or_recomputes_kid(run_cli: CliRunner) -> None:
    jwk = run_cli("keygen", "--kty", "OKP", "--kid", "old").stdout
    renamed = json.loads(run_cli("convert", "--kid", "new", "--format", "jwks-public", input=jwk).stdout)
    assert renamed["keys"][0]["kid"] == "new" and renamed["keys"][0]["alg"] == "EdDSA"
    recomputed = json.loads(run_cli("convert", "--recompute-kid", "--format", "jwk", input=jwk).stdout)
    assert recomputed["kid"] == JWKRegistry.import_key(recomputed).thumbprint()


def test_convert_to_certificate(run_cli: CliRunner) -> None:
    jwk = run_cli("keygen", "--kty", "EC", "--kid", "svc-key").stdout
    cert = run_cli("convert", "--format", "cert", "--days", "10", input=jwk).stdout
    assert cert.startswith("-----BEGIN CERTIFICATE-----")
    if shutil.which("openssl"):
        subject = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=cert, capture_output=True,
                                 text=True, timeout=60, check=True).stdout
        assert "CN = svc-key" in subject


def test_convert_bad_input_exits_2(run_cli: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    done = run_cli("convert", str(binary), "--format", "jwk")
    assert done.returncode == 2 and "binary data" in one_error_line(done.stderr)
    missing = run_cli("convert", str(tmp_path / "nope.pem"), "--format", "jwk")
    assert missing.returncode == 2 and "not found" in one_error_line(missing.stderr)
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"A" * (10 * 1024 * 1024))
    big = run_cli("thumbprint", str(huge))
    assert big.returncode == 2 and "MB" in one_error_line(big.stderr)


def test_keygen_kid_modes_and_certificate(run_cli: CliRunner) -> None:
    assert "kid" not in json.loads(run_cli("keygen", "--kty", "EC", "--kid-mode", "none").stdout)
    random_jwk = json.loads(run_cli("keygen", "--kty", "EC", "--kid-mode", "random").stdout)
    assert len(random_jwk["kid"]) >= 22 and random_jwk["kid"] != JWKRegistry.import_key(random_jwk).thumbprint()
    cert = run_cli("keygen", "--kty", "OKP", "--crv", "Ed448", "--format", "cert", "--subject", "svc", "--days", "7")
    assert cert.returncode == 0 and cert.stdout.startswith("-----BEGIN CERTIFICATE-----")
    if shutil.which("openssl"):
        text = subprocess.run(["openssl", "x509", "-noout", "-subject", "-text"], input=cert.stdout,
                              capture_output=True, text=True, timeout=60, check=True).stdout
        assert "CN = svc" in text and "ED448" in text


def test_keygen_oct_gets_a_random_kid_by_default(run_cli: CliRunner) -> None:
    made = json.loads(run_cli("keygen", "--kty", "oct").stdout)
    assert made["kid"] != JWKRegistry.import_key(made).thumbprint()
    asked = json.loads(run_cli("keygen", "--kty", "oct", "--kid-mode", "thumbprint").stdout)
    assert asked["kid"] == JWKRegistry.import_key(asked).thumbprint()
    ec = json.loads(run_cli("keygen", "--kty", "EC").stdout)
    assert ec["kid"] == JWKRegistry.import_key(ec).thumbprint()


def test_keygen_cert_subject_is_not_doubled(run_cli: CliRunner) -> None:
    done = run_cli("keygen", "--kty", "EC", "--format", "cert", "--subject", "CN=svc-app")
    assert done.returncode == 0
    subject = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=done.stdout, capture_output=True,
                             text=True, check=True).stdout.strip()
    assert subject == "subject=CN = svc-app"


def test_certificate_subject_validity_and_alternative_names(run_cli: CliRunner) -> None:
    from datetime import timedelta

    from cryptography import x509

    done = run_cli("keygen", "--kty", "RSA", "--format", "cert", "--subject", "CN=svc-app,O=Example", "--days",
                   "730", "--san", "DNS:svc.example.com", "--san", "IP:10.0.0.1,email:ops@example.com",
                   "--san", "spiffe://example.org/svc")
    assert done.returncode == 0, done.stderr
    cert = x509.load_pem_x509_certificate(done.stdout.encode())
    assert cert.subject.rfc4514_string() == "O=Example,CN=svc-app"
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=730)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(name.value) for name in sans] == ["svc.example.com", "10.0.0.1", "ops@example.com",
                                                  "spiffe://example.org/svc"]
    text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=done.stdout, capture_output=True, text=True,
                          timeout=60, check=True).stdout
    assert "DNS:svc.example.com, IP Address:10.0.0.1, email:ops@example.com, URI:spiffe://example.org/svc" in text
    jwk = run_cli("keygen", "--kty", "EC").stdout
    converted = run_cli("convert", "--format", "cert", "--san", "localhost", input=jwk)
    assert "DNS:localhost" in subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"],
                                             input=converted.stdout, capture_output=True, text=True, timeout=60,
                                             check=True).stdout
    bad = run_cli("keygen", "--kty", "EC", "--format", "cert", "--san", "IP:999.1.1.1")
    assert bad.returncode == 2 and "not an IP address" in one_error_line(bad.stderr)
    bad = run_cli("keygen", "--kty", "EC", "--format", "cert", "--san", "DNS:no spaces!")
    assert bad.returncode == 2
