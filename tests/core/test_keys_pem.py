"""PEM, certificate and DER forms, cross-checked both ways with the openssl command line and joserfc."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey, OKPKey, RSAKey

from oktatool.core.errors import KeyMaterialError, PassphraseError
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command line")

PASSPHRASE = b"correct horse battery staple"
JOSERFC_CLASS = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}


def openssl(*args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def joserfc_thumbprint(kty: str, pem: bytes, password: bytes | None = None) -> str:
    return str(JOSERFC_CLASS[kty].import_key(pem, password=password).thumbprint())


@pytest.fixture(scope="module")
def pass_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pass") / "pass.txt"
    path.write_bytes(PASSPHRASE + b"\n")
    return path


# (name, kty, openssl arguments) — each made once per module; RSA is slow with the system openssl
OPENSSL_KEYS = {
    "genpkey-rsa": ("RSA", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    "genpkey-ec-p256": ("EC", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    "genpkey-ec-p384": ("EC", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
    "genpkey-ed25519": ("OKP", ["genpkey", "-algorithm", "ED25519"]),
    "genpkey-ed448": ("OKP", ["genpkey", "-algorithm", "ED448"]),
    "genpkey-x25519": ("OKP", ["genpkey", "-algorithm", "X25519"]),
    "genrsa-traditional": ("RSA", ["genrsa", "-traditional", "2048"]),
    "ecparam-p521": ("EC", ["ecparam", "-name", "secp521r1", "-genkey"]),
    "ecparam-secp256k1": ("EC", ["ecparam", "-name", "secp256k1", "-genkey", "-noout"]),
}


@pytest.fixture(scope="module")
def openssl_keys() -> dict[str, bytes]:
    return {name: openssl(*args) for name, (_, args) in OPENSSL_KEYS.items()}


@pytest.mark.parametrize("name", OPENSSL_KEYS)
def test_openssl_keys_import_with_joserfc_thumbprint(name: str, openssl_keys: dict[str, bytes]) -> None:
    kty = OPENSSL_KEYS[name][0]
    pem = openssl_keys[name]
    key = load_key(pem)
    assert key.is_private and key.kty == kty
    plain_pkcs8 = openssl("pkey", data=pem)  # joserfc reads PKCS#8, whatever openssl wrote first
    assert key.thumbprint() == key.kid == joserfc_thumbprint(kty, plain_pkcs8)
    spki = openssl("pkey", "-pubout", data=pem)
    public = load_key(spki)
    assert not public.is_private and public.thumbprint() == key.thumbprint()


def test_openssl_traditional_forms_are_what_we_think(openssl_keys: dict[str, bytes]) -> None:
    assert openssl_keys["genrsa-traditional"].startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert openssl_keys["ecparam-p521"].startswith(b"-----BEGIN EC PARAMETERS-----")
    assert b"-----BEGIN EC PRIVATE KEY-----" in openssl_keys["ecparam-secp256k1"]


@pytest.mark.parametrize("name", ["genpkey-rsa", "genpkey-ec-p256", "genpkey-ed25519", "genpkey-x25519"])
def test_openssl_encrypted_pkcs8_imports_with_passphrase(name: str, openssl_keys: dict[str, bytes],
                                                         pass_file: Path) -> None:
    kty = OPENSSL_KEYS[name][0]
    encrypted = openssl("pkey", "-aes256", "-passout", f"file:{pass_file}", data=openssl_keys[name])
    assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = load_key(encrypted, passphrase=PASSPHRASE)
    assert key.thumbprint() == joserfc_thumbprint(kty, encrypted, PASSPHRASE)
    with pytest.raises(PassphraseError, match="no passphrase was given") as info:
        load_key(encrypted)
    assert info.value.exit_code == 2 and "--password-file" in str(info.value.hint)
    with pytest.raises(PassphraseError, match="does not decrypt"):
        load_key(encrypted, passphrase=b"wrong")


def test_openssl_genrsa_aes256_legacy_encryption_imports(openssl_keys: dict[str, bytes], pass_file: Path) -> None:
    legacy = openssl("rsa", "-traditional", "-aes256", "-passout", f"file:{pass_file}",
                     data=openssl_keys["genrsa-traditional"])
    assert b"Proc-Type: 4,ENCRYPTED" in legacy
    key = load_key(legacy, passphrase=PASSPHRASE)
    assert key.thumbprint() == load_key(openssl_keys["genrsa-traditional"]).thumbprint()
    with pytest.raises(PassphraseError):
        load_key(legacy)
    with pytest.raises(PassphraseError):
        load_key(legacy, passphrase=b"nope")


def test_openssl_ec_sec1_encrypted_imports(openssl_keys: dict[str, bytes], pass_file: Path) -> None:
    encrypted = openssl("ec", "-aes256", "-passout", f"file:{pass_file}", data=openssl_keys["ecparam-p521"])
    expected = load_key(openssl_keys["ecparam-p521"]).thumbprint()
    assert load_key(encrypted, passphrase=PASSPHRASE).thumbprint() == expected


def test_openssl_certificate_imports_as_public_key(openssl_keys: dict[str, bytes], tmp_path: Path) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(openssl_keys["genpkey-ec-p256"])
    cert = openssl("req", "-new", "-x509", "-key", str(key_file), "-subj", "/CN=test", "-days", "2")
    key = load_key(cert)
    assert not key.is_private and key.thumbprint() == load_key(openssl_keys["genpkey-ec-p256"]).thumbprint()
    # key and certificate in one paste: the private key wins, they are the same key
    both = load_key(openssl_keys["genpkey-ec-p256"] + cert)
    assert both.is_private and both.thumbprint() == key.thumbprint()


@pytest.mark.parametrize("name", ["genpkey-rsa", "genpkey-ec-p384", "genpkey-ed448"])
def test_der_input_is_read(name: str, openssl_keys: dict[str, bytes]) -> None:
    der = openssl("pkey", "-outform", "DER", data=openssl_keys[name])
    assert load_key(der).thumbprint() == load_key(openssl_keys[name]).thumbprint()


# ---- our PEM output, checked by openssl ------------------------------------------------------------------

ASYMMETRIC = [KeySpec("RSA"), KeySpec("EC"), KeySpec("EC", crv="P-384"), KeySpec("EC", crv="P-521"),
              KeySpec("EC", crv="secp256k1"), KeySpec("OKP", crv="Ed25519"), KeySpec("OKP", crv="Ed448"),
              KeySpec("OKP", crv="X25519"), KeySpec("OKP", crv="X448")]


def pem_facts(key: Key) -> dict[str, object]:
    """Return what a PEM holds of ``key``: its JWK without alg (a PEM has no place for one; a new key has one)."""
    return {name: value for name, value in key.to_dict(private=True).items() if name != "alg"}


@pytest.fixture(scope="module")
def ours() -> dict[str, Key]:
    return {f"{s.kty}-{s.crv}": generate_key(s) for s in ASYMMETRIC}


@pytest.mark.parametrize("spec", ASYMMETRIC, ids=lambda s: f"{s.kty}-{s.crv}")
def test_our_pem_forms_parse_with_openssl(spec: KeySpec, ours: dict[str, Key], pass_file: Path) -> None:
    key = ours[f"{spec.kty}-{spec.crv}"]
    pkcs8 = key.export("pem")
    assert pkcs8.startswith("-----BEGIN PRIVATE KEY-----\n")
    spki_from_openssl = openssl("pkey", "-pubout", data=pkcs8.encode())
    assert spki_from_openssl.decode() == key.export("pem-public")
    assert key.export("pem-public").startswith("-----BEGIN PUBLIC KEY-----\n")
    openssl("pkey", "-pubin", "-noout", data=key.export("pem-public").encode())
    encrypted = key.export("pem", passphrase=PASSPHRASE)
    assert encrypted.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    decrypted = openssl("pkey", "-passin", f"file:{pass_file}", data=encrypted.encode())
    assert pem_facts(load_key(decrypted)) == pem_facts(key)
    assert pem_facts(load_key(encrypted, passphrase=PASSPHRASE)) == pem_facts(key)
    assert joserfc_thumbprint(key.kty, pkcs8.encode()) == key.thumbprint()
    for form in (pkcs8, key.export("pem-public")):
        assert load_key(form).thumbprint() == key.thumbprint()


@pytest.mark.parametrize(("spec", "label"), [(KeySpec("RSA"), "RSA PRIVATE KEY"), (KeySpec("EC"), "EC PRIVATE KEY"),
                                             (KeySpec("EC", crv="P-521"), "EC PRIVATE KEY")])
def test_traditional_pem_is_pkcs1_or_sec1(spec: KeySpec, label: str, ours: dict[str, Key]) -> None:
    key = ours[f"{spec.kty}-{spec.crv}"]
    text = key.export("pem-traditional")
    assert text.startswith(f"-----BEGIN {label}-----\n")
    openssl("pkey", "-noout", data=text.encode())
    assert pem_facts(load_key(text)) == pem_facts(key)


@pytest.mark.parametrize("crv", ["Ed25519", "Ed448", "X25519", "X448"])
def test_traditional_pem_is_refused_for_okp_naming_pem(crv: str, ours: dict[str, Key]) -> None:
    with pytest.raises(KeyMaterialError) as info:
        ours[f"OKP-{crv}"].export("pem-traditional")
    assert "use format pem" in str(info.value.hint) and info.value.exit_code == 2


@pytest.mark.parametrize("spec", ASYMMETRIC[:7], ids=lambda s: f"{s.kty}-{s.crv}")
def test_self_signed_certificate(spec: KeySpec, ours: dict[str, Key]) -> None:
    key = ours[f"{spec.kty}-{spec.crv}"]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    pem = key.export("cert", days=30, now=now)
    text = openssl("x509", "-noout", "-subject", "-enddate", data=pem.encode()).decode()
    assert f"CN = {key.kid}" in text and "Jan 31 00:00:00 2026 GMT" in text
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.not_valid_before_utc == now and cert.not_valid_after_utc == now + timedelta(days=30)
    assert load_key(pem).thumbprint() == key.thumbprint()
    assert cert.issuer == cert.subject
    cert.verify_directly_issued_by(cert)  # self-signed: its signature verifies with its own key


def test_certificate_subject_and_validity_limits(ours: dict[str, Key]) -> None:
    key = ours["RSA-None"]
    cert = x509.load_pem_x509_certificate(key.export("cert", subject="okta-service-app").encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "okta-service-app"
    with pytest.raises(KeyMaterialError, match="1 to 36500 days"):
        key.export("cert", days=0)
    with pytest.raises(KeyMaterialError, match="1 to 64 characters"):
        key.export("cert", subject="x" * 65)
    with pytest.raises(KeyMaterialError, match="cannot self-sign"):
        ours["OKP-X25519"].export("cert")
    with pytest.raises(KeyMaterialError, match="needs the private key"):
        key.public().export("cert")


def test_pem_refusals(ours: dict[str, Key]) -> None:
    secret = generate_key(KeySpec("oct"))
    for fmt in ("pem", "pem-traditional", "pem-public", "cert", "jwk-public", "jwks-public"):
        with pytest.raises(KeyMaterialError, match="shared secret"):
            secret.export(fmt)
    with pytest.raises(KeyMaterialError, match="needs the private key") as info:
        ours["EC-None"].public().export("pem")
    assert "pem-public" in str(info.value.hint)
    with pytest.raises(KeyMaterialError, match="only the pem format"):
        ours["EC-None"].export("jwk", passphrase=b"x")
    with pytest.raises(KeyMaterialError, match="unknown key format"):
        ours["EC-None"].export("p12")


def test_pasted_pem_with_crlf_indentation_and_bom_is_read(ours: dict[str, Key]) -> None:
    pem = ours["RSA-None"].export("pem")
    lines = pem.strip().split("\n")
    mangled = "\ufeff\r\n   " + "\r\n    ".join(lines[:5]) + "".join(lines[5:-1]) + "\r\n" + lines[-1] + "  \r\n"
    expected = pem_facts(ours["RSA-None"])
    assert pem_facts(load_key(mangled)) == expected
    assert pem_facts(load_key(mangled.encode("utf-8"))) == expected
    assert pem_facts(load_key(pem.encode("utf-16"))) == expected  # what Windows PowerShell redirection writes


@pytest.mark.parametrize(("kty", "args"), [
    ("OKP", ["genpkey", "-algorithm", "ED448", "-aes256", "-pass", "file:PASS"]),
    ("EC", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-aes256", "-pass", "file:PASS"]),
    ("RSA", ["genrsa", "-traditional", "-aes256", "-passout", "file:PASS", "2048"]),
])
def test_keys_encrypted_by_openssl_at_birth(kty: str, args: list[str], pass_file: Path) -> None:
    encrypted = openssl(*[a.replace("PASS", str(pass_file)) for a in args])
    plain = openssl("pkey", "-passin", f"file:{pass_file}", data=encrypted)
    key = load_key(encrypted, passphrase=PASSPHRASE)
    assert key.is_private and key.thumbprint() == joserfc_thumbprint(kty, plain)
    with pytest.raises(PassphraseError):
        load_key(encrypted, passphrase=PASSPHRASE + b"!")


@pytest.mark.parametrize(("subject", "expected"), [
    ("svc-app", [("CN", "svc-app")]),
    ("CN=svc-app", [("CN", "svc-app")]),
    ("/CN=svc-app/O=Example Corp/C=US", [("CN", "svc-app"), ("O", "Example Corp"), ("C", "US")]),
    ("CN=svc-app, O=Example\\, Inc.", [("CN", "svc-app"), ("O", "Example, Inc.")]),
    ("cn=lower", [("CN", "lower")]),
])
def test_certificate_subject_reads_openssl_forms_and_a_bare_name(subject: str, expected: list[tuple[str, str]],
                                                                  ours: dict[str, Key]) -> None:
    pem = ours["EC-None"].export("cert", subject=subject)
    cert = x509.load_pem_x509_certificate(pem.encode())
    short = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATION_NAME: "O", NameOID.COUNTRY_NAME: "C"}
    assert [(short[a.oid], a.value) for a in cert.subject] == expected
    if subject == "CN=svc-app":  # was "CN = CN=svc-app"; openssl reads it independently
        assert openssl("x509", "-noout", "-subject", data=pem.encode()).decode().strip() == "subject=CN = svc-app"


@pytest.mark.parametrize(("subject", "message"), [
    ("CN=", "not NAME=value"),
    ("/CN=a/XYZ=b", "attribute 'XYZ'"),
    ("CN=a,C=USA", "two-letter"),
    ("  ", "subject is empty"),
])
def test_a_bad_certificate_subject_is_refused_saying_why(subject: str, message: str, ours: dict[str, Key]) -> None:
    with pytest.raises(KeyMaterialError, match=message):
        ours["EC-None"].export("cert", subject=subject)


def test_a_kid_with_a_comma_is_a_common_name_not_a_subject_to_parse() -> None:
    key = generate_key(KeySpec("EC", kid="a,O=b"))
    cert = x509.load_pem_x509_certificate(key.export("cert").encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "a,O=b"
    assert not cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
