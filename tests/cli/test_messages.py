"""Command-line messages: one line and a hint for usage errors, grammar, every problem listed, and hints
that fit what was typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from oktatool.core.errors import with_article
from tests.conftest import CliRunner


def _one_error(stderr: str) -> tuple[str, str]:
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: "), stderr
    return lines[0], lines[1]


@pytest.mark.parametrize(("args", "error", "hint"), [
    (("keygen",), "error: oktatool keygen needs --kty", "--kty takes one of: RSA, EC, OKP, oct"),
    (("api", "GET"), "error: oktatool api needs PATH", "PATH: e.g. /api/v1/users"),
    (("convert",), "error: oktatool convert needs --format", "--format takes one of: jwk,"),
    (("sign", "--key", "k.json"), "error: oktatool sign needs --claims", "give --claims"),
])
def test_a_missing_argument_is_one_line_and_a_hint(run_cli: CliRunner, args: tuple[str, ...], error: str,
                                                    hint: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    first, second = _one_error(result.stderr)
    assert first == error and hint in second and "usage:" not in result.stderr


def test_an_unknown_choice_is_one_line_too(run_cli: CliRunner) -> None:
    result = run_cli("keygen", "--kty", "DSA")
    assert result.returncode == 2
    first, second = _one_error(result.stderr)
    assert "invalid choice: 'DSA'" in first and "oktatool keygen --help" in second


@pytest.mark.parametrize(("noun", "expected"), [
    ("OKP Ed25519", "an OKP Ed25519"), ("EC P-256", "an EC P-256"), ("RSA-2048", "an RSA-2048"),
    ("oct 256-bit", "an oct 256-bit"), ("P-256", "a P-256"), ("dict", "a dict"), ("int", "an int"),
    ("Bearer", "a Bearer"), ("DPoP", "a DPoP"), ("secp256k1", "a secp256k1"), ("HS256", "an HS256"),
])
def test_articles_follow_how_the_word_is_said(noun: str, expected: str) -> None:
    assert with_article(noun) == expected


def test_grammar_in_key_errors(run_cli: CliRunner, tmp_path: Path) -> None:
    result = run_cli("keygen", "--kty", "EC", "--alg", "RS256")
    assert "does not fit an EC P-256 key" in result.stderr
    key = tmp_path / "okp.json"
    assert run_cli("keygen", "--kty", "OKP", "-o", str(key)).returncode == 0
    result = run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", str(key))
    assert "an OKP Ed25519 key cannot make an assertion" in result.stderr
    assert " a OKP" not in result.stderr


def test_every_assertion_problem_is_listed(run_cli: CliRunner, tmp_path: Path) -> None:
    public = tmp_path / "okp.pub.json"
    assert run_cli("keygen", "--kty", "OKP", "--format", "jwk-public", "-o", str(public)).returncode == 0
    result = run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", str(public))
    assert result.returncode == 2
    assert "more problem" not in result.stderr
    assert "error: 3 problems:" in result.stderr
    for problem in ("1. the key is public only", "2. an OKP Ed25519 key cannot make an assertion",
                    "3. alg 'EdDSA' is not one Okta accepts"):
        assert problem in result.stderr
    hint = result.stderr.split("hint: ", 1)[1]
    assert "give the private key" in hint and "use an RSA key" in hint
