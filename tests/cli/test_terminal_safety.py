"""A token or key set from elsewhere cannot drive the terminal: control and bidi characters are shown escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oktatool.core.encoding import b64url_encode
from oktatool.core.jose.jwt import sign_token
from oktatool.core.keys.key import KeySpec, generate_key
from tests.conftest import CliRunner

#: set the window title, ring the bell, an 8-bit CSI, a right-to-left override, DEL
HOSTILE = "\x1b]0;owned\x07 \x9b2J \u202eevil\x7f"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


def _clean(text: str) -> None:
    assert not any(ch in text for ch in RAW), repr(text)


def _token(header: dict[str, object], claims: dict[str, object]) -> str:
    return f"{b64url_encode(json.dumps(header).encode())}.{b64url_encode(json.dumps(claims).encode())}.AAAA"


@pytest.mark.parametrize("as_json", [False, True])
def test_decode_shows_hostile_members_escaped(run_cli: CliRunner, as_json: bool) -> None:
    token = _token({"alg": "RS256", "kid": HOSTILE}, {"sub": HOSTILE, HOSTILE: 1})
    result = run_cli("decode", token, *(["--json"] if as_json else []))
    assert result.returncode == 0, result.stderr
    _clean(result.stdout)
    if as_json:  # escaped, but the same JSON
        decoded = json.loads(result.stdout)
        assert decoded["header"]["kid"] == HOSTILE and decoded["claims"]["sub"] == HOSTILE
    else:
        assert "\\u001b]0;owned\\u0007" in result.stdout


def test_verify_output_and_errors_show_a_hostile_kid_escaped(run_cli: CliRunner, tmp_path: Path) -> None:
    key = generate_key(KeySpec("EC", kid=HOSTILE))
    other = generate_key(KeySpec("EC", kid=HOSTILE + "2"))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key.public().to_dict()]}))
    good = run_cli("verify", sign_token({"sub": "a"}, key), "--jwks", str(jwks))
    assert good.returncode == 0, good.stderr
    _clean(good.stdout)
    no_kid = sign_token({"sub": "a"}, other, header={"kid": None})
    bad = run_cli("verify", no_kid, "--jwks", str(jwks))
    assert bad.returncode == 1 and "bad signature" in bad.stderr
    _clean(bad.stderr)
