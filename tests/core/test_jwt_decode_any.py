"""Any token decodes as jwt.io decodes it: a bad signature is said beside the header and payload, and input that
is not a token (binary, DER, PEM, JSON) is told what it is. Verification stays strict."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest

from oktatool.core.encoding import b64url_encode
from oktatool.core.errors import Hint, TokenFormatError, VerificationError, for_window, joined
from oktatool.core.jose.assertion import is_assertion_for, preflight_assertion
from oktatool.core.jose.input_kind import check_token_text, token_text
from oktatool.core.jose.jwt import decode_token, parse_compact, secret_key, sign_token
from oktatool.core.jose.verify import verify_with_key
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.orgurl import parse_org_url

#: jwt.io's example: HS256 with the secret "your-256-bit-secret"
JWT_IO_CLAIMS = {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}
JWT_IO_TOKEN = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0Ijox"
                "NTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
ORG = parse_org_url("https://dev-123456.okta.com")
CLIENT = "0oa1b2c3d4E5f6G7h8i9"


def test_the_jwt_io_example_is_signed_as_jwt_io_signs_it() -> None:
    key = secret_key("your-256-bit-secret")
    assert sign_token(JWT_IO_CLAIMS, key, alg="HS256", header={"typ": "JWT"}, short_secret_ok=True) == JWT_IO_TOKEN
    assert verify_with_key(JWT_IO_TOKEN, key, check_times=False, short_secret_ok=True).claims == JWT_IO_CLAIMS


def test_only_a_token_for_this_app_or_org_is_an_okta_client_assertion() -> None:
    assert not is_assertion_for(decode_token(JWT_IO_TOKEN).claims or {}, ORG, CLIENT)
    assert is_assertion_for({"iss": CLIENT, "sub": CLIENT, "aud": "https://elsewhere/token"}, ORG, CLIENT)
    assert is_assertion_for({"aud": [ORG.token_url, "x"]}, ORG, CLIENT)
    assert not is_assertion_for({"iss": CLIENT, "sub": "someone"}, ORG, CLIENT)
    assert not is_assertion_for({"iss": "", "sub": ""}, ORG, "")


@pytest.mark.parametrize(("cut", "words", "refused"), [
    (lambda t: t[:-11], "24 bytes, but an HS256 signature is 32 bytes", "bad_signature"),
    (lambda t: t[:-10], "impossible length", "bad_base64url"),
    (lambda t: t[:-1] + "d", "not canonical", "bad_base64url"),               # the last character's stray bits
    (lambda t: t.rsplit(".", 1)[0] + ".", "missing", "bad_signature"),      # header.payload.
    (lambda t: t.rsplit(".", 1)[0], "missing", "bad_signature"),            # header.payload
    (lambda t: t[:-4] + "+/==", "outside the base64url", "bad_base64url"),  # mangled into base64
])
def test_a_cut_or_mangled_signature_still_shows_header_and_payload(cut: object, words: str, refused: str) -> None:
    token = cut(JWT_IO_TOKEN)  # type: ignore[operator]
    decoded = decode_token(token)
    assert decoded.header == {"alg": "HS256", "typ": "JWT"}
    assert decoded.claims == JWT_IO_CLAIMS
    assert decoded.signature_problem is not None and words in decoded.signature_problem
    shape = decoded.to_dict()
    assert shape["claims"] == JWT_IO_CLAIMS and shape["signature_problem"] == decoded.signature_problem
    # strictness when verifying does not loosen: the right key does not make a bad signature verify; a segment
    # that is not base64url stays bad input (exit 2) as before, any other bad signature fails (exit 1)
    with pytest.raises((VerificationError, TokenFormatError)) as info:
        verify_with_key(token, secret_key("your-256-bit-secret"), check_times=False, short_secret_ok=True)
    assert info.value.code == refused
    assert isinstance(info.value, VerificationError if refused == "bad_signature" else TokenFormatError)
    assert words.split(",")[0] in info.value.description


def test_signature_lengths_are_checked_for_the_algorithms_that_fix_them() -> None:
    ec = generate_key(KeySpec("EC", crv="P-256"))
    token = sign_token({"sub": "a"}, ec)
    assert parse_compact(token).signature_problem is None
    head, payload, _signature = token.split(".")
    short = f"{head}.{payload}.{b64url_encode(b'x' * 63)}"
    assert "63 bytes, but an ES256 signature is 64 bytes" in (parse_compact(short).signature_problem or "")
    with pytest.raises(VerificationError, match="bad signature"):
        verify_with_key(short, ec)
    unsigned = b64url_encode(b'{"alg":"none"}') + f".{payload}."
    assert parse_compact(unsigned).signature_problem is None
    assert "empty signature" in (parse_compact(unsigned + "c2ln").signature_problem or "")


def test_a_good_token_has_no_signature_problem_and_a_jwe_stays_encrypted() -> None:
    assert decode_token(JWT_IO_TOKEN).signature_problem is None
    assert "signature_problem" not in decode_token(JWT_IO_TOKEN).to_dict()
    jwe = ".".join([b64url_encode(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM"}).encode()),
                    *(b64url_encode(part) for part in (b"k" * 32, b"iv", b"ct", b"tag"))])
    assert decode_token(jwe).encrypted


@pytest.fixture(scope="module")
def der_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("der")
    key, cert = folder / "key.pem", folder / "cert.der"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-subj", "/CN=t", "-days", "1", "-outform", "DER", "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    private_der = subprocess.run(["openssl", "pkey", "-in", str(key), "-outform", "DER"], check=True,
                                 capture_output=True, timeout=60).stdout
    rsa_der = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                              "-outform", "DER"], check=True, capture_output=True, timeout=60).stdout
    return {"cert": Path(cert).read_bytes(), "key": private_der, "rsa": rsa_der, "pem": key.read_bytes()}


@pytest.mark.parametrize("name", ["cert", "key", "rsa"])
def test_der_bytes_are_named_as_a_der_certificate_or_key(der_files: dict[str, bytes], name: str) -> None:
    data = der_files[name]  # 0x30 0x82 (certificate, RSA key) or 0x30 0x77 (an EC key's short length)
    with pytest.raises(TokenFormatError) as info:
        token_text(data)
    assert f"0x30 0x{data[1]:02x}" in info.value.description and "DER certificate or key" in info.value.description
    assert info.value.code == "binary_input" and info.value.exit_code == 2
    assert "Keys tab" in for_window(info.value.hint or "") and "oktatool convert" in (info.value.hint or "")
    # the same bytes pasted as text (kept byte for byte, or with the undecodable bytes replaced)
    with pytest.raises(TokenFormatError, match="DER certificate or key"):
        decode_token(data.decode("latin-1"))
    with pytest.raises(TokenFormatError, match="DER certificate or key" if data[1] > 0x80 else "binary data"):
        decode_token(data.decode("utf-8", "replace"))


def test_other_binary_and_non_utf8_text_are_told_what_they_are() -> None:
    with pytest.raises(TokenFormatError, match=r"binary data, not a token \(it starts with bytes 0x00 0x01"):
        token_text(b"\x00\x01" + os.urandom(30))
    with pytest.raises(TokenFormatError, match="not UTF-8 text") as info:
        token_text("café au lait".encode("latin-1"))
    assert info.value.code == "not_utf8"
    with pytest.raises(TokenFormatError, match="binary data"):
        decode_token("eyJhbGciOiJIUzI1NiJ9\x00\x07.e30.c2ln")
    assert token_text(b"\xef\xbb\xbf" + JWT_IO_TOKEN.encode() + b"\n").strip() == JWT_IO_TOKEN


def test_pem_and_json_are_told_what_they_are(der_files: dict[str, bytes]) -> None:
    cases = [
        (der_files["pem"].decode(), "a PEM private key, not a token", "Keys tab"),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "a PEM certificate", "Keys tab"),
        ("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----", "a PEM public key", "Keys tab"),
        (json.dumps(JWT_IO_CLAIMS, indent=2), "this is JSON, not a token", "claims editor"),
        ('{"keys": []}', "a JWK set (JWKS)", "Keys tab"),
        ('{"kty": "oct", "k": "c2VjcmV0"}', "a JWK", "Keys tab"),
        ('{"sub": ', "starts like JSON", "claims editor"),
    ]
    for text, words, window in cases:
        with pytest.raises(TokenFormatError) as info:
            decode_token(text)
        assert words in info.value.description, text
        assert window in for_window(info.value.hint or ""), text
        assert "c2VjcmV0" not in info.value.user_message() and "MIIB" not in info.value.user_message()
    check_token_text(JWT_IO_TOKEN)  # a token passes untouched


def test_a_hint_carries_both_wordings_through_copies_and_joins() -> None:
    hint = Hint("pass --key FILE", window="choose a key")
    assert hint == "pass --key FILE" and for_window(hint) == "choose a key" and for_window("plain") == "plain"
    assert for_window(copy.deepcopy(hint)) == "choose a key"
    both = joined(["fix: ", hint])
    assert both == "fix: pass --key FILE" and for_window(both) == "fix: choose a key"
    assert type(joined(["a", "b"], " ")) is str


def test_the_okta_preflight_still_flags_an_hs256_token_when_asked() -> None:
    decoded = decode_token(JWT_IO_TOKEN)
    rules = {finding.rule for finding in preflight_assertion(decoded.header, decoded.claims or {}, None, ORG,
                                                              CLIENT, 1516239022)}
    assert {"alg", "kid_missing"} <= rules


@pytest.mark.parametrize("last", [0x20, 0x85, 0xA0, 0x0A])
def test_a_der_key_whose_last_byte_reads_as_a_space_is_still_named(der_files: dict[str, bytes], last: int) -> None:
    # an EC key's DER has a short length that counts every byte: stripping a trailing "space" hid what it was
    data = der_files["key"][:-1] + bytes([last])
    assert data[1] == len(data) - 2
    with pytest.raises(TokenFormatError, match="DER certificate or key"):
        decode_token(data.decode("latin-1"))
