"""The JWT tab as strict as the command line: the alg list follows the signing key, the verifier compares any kid
the key carries, and no oct key's hash is shown. Keys from openssl and joserfc; joserfc judges what is signed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from joserfc import jwt as joserfc_jwt
from joserfc.jwk import OctKey, RSAKey, import_key

from oktatool.core.keys.key import load_key
from oktatool.gui.jwt.key_chooser import PASTE
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.keys.tab import key_facts
from tests.gui.conftest import openssl
from tests.gui.test_jwt_tab import header_of, run, signed, tab, use_key

__all__ = ["tab"]

RSA_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]


def listed(tab: JwtTab) -> list[str]:
    return [tab.header.alg.itemText(i) for i in range(tab.header.alg.count())]


def paste_token(tab: JwtTab, token: str) -> None:
    tab.token.setPlainText(token)
    tab.decode_current()


def verify_with(tab: JwtTab, loop: asyncio.AbstractEventLoop, key_text: str, token: str) -> str:
    tab.verifier.keys.set_source(PASTE)
    tab.verifier.keys.paste_edit.setPlainText(key_text)
    run(loop, tab.verifier.keys.request.task)
    paste_token(tab, token)
    run(loop, tab.verifier.verify())
    return tab.verifier.result_text()


def test_the_alg_list_follows_the_key_and_a_tokens_alg_never_slips_past_it(tab: JwtTab,
                                                                         aloop: asyncio.AbstractEventLoop) -> None:
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048").decode()
    theirs = RSAKey.import_key(pem)
    rs256 = import_key(pem, "RSA", parameters={"alg": "RS256", "kid": "k1"})
    use_key(tab, aloop, json.dumps(rs256.as_dict(private=True)))
    assert listed(tab) == ["RS256"] and tab.header.alg.currentText() == "RS256"
    assert "alg RS256 only" in tab.signer.status.text()
    use_key(tab, aloop, pem)  # no alg of its own: every RSA alg
    assert listed(tab) == RSA_ALGS
    use_key(tab, aloop, json.dumps(import_key(pem, "RSA", parameters={"alg": "PS384"}).as_dict(private=True)))
    assert listed(tab) == ["PS384"] and tab.header.alg.currentText() == "PS384"
    # a pasted PS256 token does not put PS256 in the list of an RS256 key: said, and Sign signs RS256
    use_key(tab, aloop, json.dumps(rs256.as_dict(private=True)))
    paste_token(tab, joserfc_jwt.encode({"alg": "PS256"}, {"sub": "x"}, theirs, algorithms=["PS256"]))
    assert listed(tab) == ["RS256"] and tab.header.alg.currentText() == "RS256"
    status = tab.token_status.text()
    assert "PS256" in status and "its JWK says alg RS256" in status and "Sign uses RS256" in status
    token = signed(tab, aloop)
    assert header_of(token)["alg"] == "RS256"
    assert joserfc_jwt.decode(token, rs256).claims == {"sub": "x"}
    # a key whose key_ops leave out sign lists nothing, says why, and signs nothing
    use_key(tab, aloop, json.dumps(import_key(pem, "RSA", parameters={"key_ops": ["verify"]}).as_dict(private=True)))
    assert listed(tab) == []
    assert tab.sign_now() is None and tab.current_token() == token
    assert "cannot sign JWTs (its key_ops ['verify'] do not include sign)" in tab.token_status.text()


def test_the_verify_panel_refuses_a_kid_mismatch_with_a_thumbprint_kid(tab: JwtTab,
                                                                      aloop: asyncio.AbstractEventLoop) -> None:
    pem = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256").decode()
    theirs = import_key(pem, "EC")
    public = json.dumps({**theirs.as_dict(private=False), "kid": theirs.thumbprint()})
    lying = joserfc_jwt.encode({"alg": "ES256", "kid": "someone-else"}, {"a": 1}, theirs)
    assert verify_with(tab, aloop, public, lying).startswith("NOT VERIFIED [kid_not_found]")
    result = verify_with(tab, aloop, pem, lying)  # a bare PEM carries no kid: tried, and said so
    assert result.startswith("VERIFIED: ES256") and "no kid was compared: the key carries none" in result


def test_no_oct_hash_is_shown_in_the_jwt_and_keys_tabs(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    secret, other = OctKey.generate_key(256), OctKey.generate_key(256)
    pair = json.dumps({"keys": [secret.as_dict(private=True), other.as_dict(private=True)]})
    token = joserfc_jwt.encode({"alg": "HS256"}, {"a": 1}, secret)
    texts: list[Any] = [verify_with(tab, aloop, json.dumps(secret.as_dict(private=True)), token)]
    assert texts[0].startswith("VERIFIED: HS256")
    tab.verifier.keys.paste_edit.setPlainText(pair)
    run(aloop, tab.verifier.keys.request.task)
    combo = tab.verifier.keys.kid_combo
    texts += [combo.itemText(i) for i in range(combo.count())]
    assert "no kid (oct 256)" in texts
    texts.append(key_facts(load_key(json.dumps(secret.as_dict(private=True)))))
    for text in texts:
        assert "thumbprint" not in text and secret.thumbprint() not in text and other.thumbprint() not in text, text


def test_a_key_without_alg_signing_another_alg_than_oktas_warns_in_the_status(tab: JwtTab,
                                                                              aloop: asyncio.AbstractEventLoop) -> None:
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048").decode()
    use_key(tab, aloop, pem)  # a bare PEM: no alg of its own, its Okta-ready public JWK says RS256
    tab.header.alg.setCurrentText("PS256")
    token = signed(tab, aloop)
    assert header_of(token)["alg"] == "PS256"
    status = tab.token_status.text()
    assert status.startswith("Warning: ") and "says RS256" in status and "Okta refuses a PS256 token" in status
    tab.header.alg.setCurrentText("RS256")
    assert header_of(signed(tab, aloop))["alg"] == "RS256"
    assert tab.token_status.text() == "Signed with RS256."
