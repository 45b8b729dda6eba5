"""The JWT tab through its controls: templates, key sources, header, claims form and JSON, token, decoder, verifier."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import JWKRegistry
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication

from oktatool.context import AppContext
from oktatool.core.encoding import b64url_decode, b64url_encode
from oktatool.core.keys.key import Key, KeySpec, generate_key
from oktatool.core.store.settings import Profile
from oktatool.gui.jwt.key_chooser import FILE, JWKS_URL, ORG_KEYS, PASTE, SECRET
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.jwt.template_panel import BLANK, DPOP, OKTA
from tests.gui.conftest import finish, openssl
from tests.platforms import assert_mode


@pytest.fixture
def tab(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> JwtTab:
    widget = JwtTab(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 750)
    widget.show()
    yield widget
    context.close()


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def run(loop: asyncio.AbstractEventLoop, task: Any) -> Any:
    return finish(loop, task)


def use_key(tab: JwtTab, loop: asyncio.AbstractEventLoop, text: str) -> None:
    """Paste a key into the signing key chooser and wait for it to load."""
    tab.signer.set_source(PASTE)
    tab.signer.paste_edit.setPlainText(text)
    run(loop, tab.signer.request.task)


def signed(tab: JwtTab, loop: asyncio.AbstractEventLoop) -> str:
    """Sign now and return the token."""
    run(loop, tab.sign_now())
    return tab.current_token()


def claims_of(token: str) -> dict[str, Any]:
    return json.loads(b64url_decode(token.split(".")[1]))


def header_of(token: str) -> dict[str, Any]:
    return json.loads(b64url_decode(token.split(".")[0]))


def test_okta_template_signs_an_assertion_the_sandbox_key_verifies(tab: JwtTab, qtbot: Any,
                                                                  aloop: asyncio.AbstractEventLoop) -> None:
    tab.template.setCurrentText(OKTA)
    click(qtbot, tab.apply_button)
    run(aloop, tab.template_request.task)
    info = tab.context.sandbox()
    token = signed(tab, aloop)
    claims = claims_of(token)
    assert claims["iss"] == claims["sub"] == info.client_id
    assert claims["aud"] == info.token_url
    assert 295 <= claims["exp"] - claims["iat"] <= 300 and len(claims["jti"]) >= 32
    assert header_of(token) == {"alg": "RS256", "typ": "JWT", "kid": info.kid}
    public = JWKRegistry.import_key(json.loads(info.jwk_file.read_text()))
    assert joserfc_jwt.decode(token, public).claims["jti"] == claims["jti"]
    assert "all hold" in tab.preflight.text()
    # a wrong aud: Okta's exact words beside the aud field, with the fix
    tab.claims.aud.setFocus()
    tab.claims.aud.selectAll()
    qtbot.keyClicks(tab.claims.aud, "https://example.com/token")
    note = tab.claims.notes["aud"]
    assert not note.isHidden()
    assert "The audience claim for client_assertion must be the endpoint invoked for the request." in note.text()
    assert info.token_url in note.text()
    tab.claims.iss.setText("")
    tab.claims.iss.textEdited.emit("")
    assert "not a valid client_id" in tab.claims.notes["iss"].text()
    # the Okta key facts are said
    assert "Okta accepts it for a client assertion" in tab.signer.status.text()


def test_self_test_and_screenshot_hooks(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    line = aloop.run_until_complete(asyncio.wait_for(tab.self_test(), 60))
    assert "signed, decoded and verified" in line
    assert tab.verifier.result_text().startswith("VERIFIED: RS256")


ALG_KEYS = {
    "RS256": ("RSA", 2048, None), "RS384": ("RSA", 2048, None), "RS512": ("RSA", 2048, None),
    "PS256": ("RSA", 2048, None), "PS384": ("RSA", 2048, None), "PS512": ("RSA", 2048, None),
    "ES256": ("EC", None, "P-256"), "ES384": ("EC", None, "P-384"), "ES512": ("EC", None, "P-521"),
    "ES256K": ("EC", None, "secp256k1"), "EdDSA": ("OKP", None, "Ed25519"),
}


@pytest.fixture(scope="module")
def alg_keys() -> dict[str, Key]:
    """One key made for each alg: a new key signs only the alg its public JWK names."""
    return {alg: generate_key(KeySpec(kty, size=size, crv=crv, alg=alg, kid=f"k-{alg}"))
            for alg, (kty, size, crv) in ALG_KEYS.items()}


@pytest.mark.parametrize("alg", list(ALG_KEYS))
def test_every_alg_round_trips_with_joserfc_and_pyjwt(tab: JwtTab, aloop: asyncio.AbstractEventLoop,
                                                      alg_keys: dict[str, Key], alg: str) -> None:
    key = alg_keys[alg]
    use_key(tab, aloop, key.export("jwk"))
    algs = [tab.header.alg.itemText(i) for i in range(tab.header.alg.count())]
    assert alg in algs and all(a != "HS256" for a in algs)  # filtered to the key
    tab.header.alg.setCurrentText(alg)
    assert tab.header.kid.text() == key.kid
    tab.claims.raw.setPlainText('{"sub": "alice", "n": 3.0, "big": 123456789012345678901234567890}')
    token = signed(tab, aloop)
    public_jwk = key.public().to_dict()
    assert joserfc_jwt.decode(token, JWKRegistry.import_key(public_jwk), algorithms=[alg]).claims["sub"] == "alice"
    assert b'"n":3.0' in b64url_decode(token.split(".")[1])
    if alg != "EdDSA" or hasattr(pyjwt.algorithms, "OKPAlgorithm"):
        pyjwt_key = pyjwt.PyJWK(public_jwk, algorithm=alg)
        assert pyjwt.decode(token, pyjwt_key, algorithms=[alg])["big"] == 123456789012345678901234567890
    # and a token PyJWT signs is decoded here and verified with the key the user chose
    foreign = pyjwt.encode({"sub": "bob", "exp": int(time.time()) + 60}, pyjwt.PyJWK(key.to_dict(private=True),
                                                                                    algorithm=alg),
                           algorithm=alg, headers={"kid": key.kid})
    tab.token.setPlainText(foreign)
    tab.decode_current()
    assert tab.claims.sub.text() == "bob"
    tab.verifier.keys.set_source(PASTE)
    # the bare public key: its JWK names the one alg the key was made for
    tab.verifier.keys.paste_edit.setPlainText(json.dumps(public_jwk))
    run(aloop, tab.verifier.keys.request.task)
    run(aloop, tab.verifier.verify())
    assert tab.verifier.result_text().startswith(f"VERIFIED: {alg}"), tab.verifier.result_text()


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_typed_secret_signs_hmac_and_short_secret_warns(tab: JwtTab, qtbot: Any, aloop: asyncio.AbstractEventLoop,
                                                        alg: str) -> None:
    tab.signer.set_source(SECRET)
    qtbot.keyClicks(tab.signer.secret_edit, "secret")
    assert [tab.header.alg.itemText(i) for i in range(tab.header.alg.count())] == ["HS256", "HS384", "HS512"]
    tab.header.alg.setCurrentText(alg)
    token = signed(tab, aloop)
    assert "Warning" in tab.token_status.text() and "6 bytes" in tab.token_status.text()
    assert pyjwt.decode(token, "secret", algorithms=[alg]) == {}
    assert "does not accept a shared secret" in tab.signer.status.text()
    long_secret = b64url_encode(os.urandom(64))
    tab.signer.secret_encoding.setCurrentText("base64url")
    tab.signer.secret_edit.setText(long_secret)
    token = signed(tab, aloop)
    assert "Warning" not in tab.token_status.text()
    assert pyjwt.decode(token, b64url_decode(long_secret), algorithms=[alg]) == {}
    tab.signer.secret_edit.setText("not base64!")
    assert "base64url" in tab.signer.status.text()


def test_form_and_json_stay_in_sync_both_ways(tab: JwtTab, qtbot: Any) -> None:
    qtbot.keyClicks(tab.claims.iss, "https://issuer")
    qtbot.keyClicks(tab.claims.aud, "api://a, api://b")
    tab.claims.aud_list.setChecked(True)
    click(qtbot, tab.claims.times["exp"].presets["+1 h"])
    click(qtbot, tab.claims.times["iat"].presets["now"])
    click(qtbot, tab.claims.regenerate)
    parsed = json.loads(tab.claims.raw.toPlainText())
    assert parsed["iss"] == "https://issuer" and parsed["aud"] == ["api://a", "api://b"]
    assert abs(parsed["exp"] - time.time() - 3600) < 5 and abs(parsed["iat"] - time.time()) < 5
    assert len(parsed["jti"]) >= 32
    assert "expires in 1 h" in tab.claims.times["exp"].words.text()
    click(qtbot, tab.claims.times["exp"].presets["+5 min"])
    assert tab.claims.times["exp"].words.text().endswith("expires in 5 min")
    tab.claims.times["exp"].enabled.setChecked(False)
    assert "exp" not in json.loads(tab.claims.raw.toPlainText())
    # JSON -> form: exact numbers, other claims into the table
    tab.claims.raw.setPlainText('{"sub": "x", "aud": "one", "ratio": 3.0, "big": 98765432109876543210987654321,'
                                ' "nbf": 1700000000}')
    assert tab.claims.sub.text() == "x" and tab.claims.aud.text() == "one" and not tab.claims.aud_list.isChecked()
    assert tab.claims.times["nbf"].enabled.isChecked()
    assert tab.claims.times["nbf"].picker.dateTime().toSecsSinceEpoch() == 1700000000
    model = tab.claims.others
    assert [(model.index(r, 0).data(), model.index(r, 1).data(), model.index(r, 2).data())
            for r in range(model.rowCount())] == [("ratio", "3.0", "number"),
                                                  ("big", "98765432109876543210987654321", "integer")]
    # table -> JSON, and a bad JSON value is refused with a message at the spot
    assert model.setData(model.index(0, 1), '{"a": [1, 2.50]}')
    assert '"ratio": {\n    "a": [\n      1,\n      2.50' in tab.claims.raw.toPlainText()
    assert not model.setData(model.index(0, 1), "{bad")
    assert "line 1, column 2" in tab.claims.notes["other"].text()
    click(qtbot, tab.claims.add_claim)
    assert model.rowCount() == 3
    tab.claims.table.setCurrentIndex(model.index(2, 0))
    click(qtbot, tab.claims.remove_claim)
    assert model.rowCount() == 2
    # UTC pickers show the same instant
    tab.claims.zone.setCurrentText("UTC")
    assert tab.claims.times["nbf"].picker.dateTime().toSecsSinceEpoch() == 1700000000
    assert tab.claims.times["nbf"].picker.dateTime().toString("HH:mm") == "22:13"


def test_bad_json_is_shown_at_its_line_and_column_and_the_token_stays(tab: JwtTab, aloop: asyncio.AbstractEventLoop
                                                                       ) -> None:
    use_key(tab, aloop, generate_key(KeySpec("EC", kid="e")).export("jwk"))
    tab.claims.raw.setPlainText('{"sub": "a"}')
    token = signed(tab, aloop)
    for text, words in (('{\n  "sub": "a",\n  "exp": ,\n}', "line 3, column 10"),
                        ('{"a": "x\x00y"}', "NUL"),
                        ("[" * 10_000 + "]" * 10_000, "ested more than 64"),
                        ('{"a": 1, "a": 2}', "twice"),
                        ("[1]", "JSON object")):
        tab.claims.raw.setPlainText(text)
        assert words in tab.claims.json_error.text(), (text[:20], tab.claims.json_error.text())
        assert tab.sign() is None and tab.current_token() == token
        assert "Fix the claims JSON" in tab.token_status.text()
    tab.claims.raw.setPlainText('{\n  "sub": "a",\n  "exp": ,\n}')
    tab.claims.json_error.linkActivated.emit("#error")  # the user clicks the message
    assert tab.claims.raw.textCursor().position() == len('{\n  "sub": "a",\n  "exp": ')


def test_pasted_token_is_decoded_and_never_resigned(tab: JwtTab, qtbot: Any, aloop: asyncio.AbstractEventLoop
                                                    ) -> None:
    key = generate_key(KeySpec("EC", kid="signer"))
    use_key(tab, aloop, key.export("jwk"))
    other = generate_key(KeySpec("EC", kid="theirs"))
    from oktatool.core.jose.jwt import sign_token

    pasted = sign_token({"sub": "pasted", "scp": ["okta.users.read"], "cid": "0oa1",
                         "exp": int(time.time()) - 120}, other)
    mime = QMimeData()
    mime.setText(pasted)
    QGuiApplication.clipboard().setMimeData(mime)
    tab.paste()
    assert tab.current_token() == pasted and tab.claims.sub.text() == "pasted"
    assert "EXPIRED" in tab.verifier.badges.text()
    rows = tab.verifier.members()
    assert ("claims", "cid", "0oa1") in rows
    tooltip = tab.verifier.model.index([r[1] for r in rows].index("scp"), 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Okta" in tooltip and "scopes" in tooltip
    exp_row = [r[1] for r in rows].index("exp")
    assert "expired 2 min ago" in tab.verifier.model.index(exp_row, 3).data()
    # editing the claims does not re-sign the pasted token
    qtbot.keyClicks(tab.claims.sub, "-edited")
    qtbot.wait(300)
    assert tab.current_token() == pasted and "Press Sign" in tab.token_status.text()
    # verifying with the signing key (another kid) fails, naming the kid; nothing says verified
    tab.verifier.keys.set_source(PASTE)
    tab.verifier.keys.paste_edit.setPlainText(key.export("jwk-public"))
    run(aloop, tab.verifier.keys.request.task)
    run(aloop, tab.verifier.verify())
    assert "NOT VERIFIED [kid_not_found]" in tab.verifier.result_text()
    tab.verifier.keys.paste_edit.setPlainText(json.dumps({"keys": [key.public().to_dict(),
                                                                   other.public().to_dict()]}))
    run(aloop, tab.verifier.keys.request.task)
    assert not tab.verifier.keys.kid_row.isHidden()
    run(aloop, tab.verifier.verify())
    assert "NOT VERIFIED [expired]" in tab.verifier.result_text()
    tab.verifier.leeway.setValue(600)
    tab.verifier.audience.setText("api://x")
    run(aloop, tab.verifier.verify())
    assert "[audience_mismatch]" in tab.verifier.result_text()
    tab.verifier.audience.setText("")
    run(aloop, tab.verifier.verify())
    assert tab.verifier.result_text().startswith('VERIFIED: ES256 signature checked with kid "theirs"')
    # Sign asks for it: now the editor's claims are signed with the signing key
    token = signed(tab, aloop)
    assert token != pasted and claims_of(token)["sub"] == "pasted-edited" and header_of(token)["kid"] == "theirs"
    assert "The signing key's kid is signer" in tab.header.notes["kid"].text()
    assert joserfc_jwt.decode(token, JWKRegistry.import_key(key.public().to_dict())).claims["sub"] == "pasted-edited"


def test_garbage_gets_a_message_never_a_crash(tab: JwtTab, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setText("x" * (10 * 1024 * 1024))
    tab.token.insertFromMimeData(mime)
    assert tab.current_token() == "" and "Refused a paste of 10,485,760 characters" in tab.token_status.text()
    binary = tmp_path / "blob.bin"
    binary.write_bytes(os.urandom(4096) + b"\xff\xfe")
    tab.open_path(binary)
    assert "binary data, not a token" in tab.token_status.text()
    full = pyjwt.encode({"a": 1}, "k" * 32, algorithm="HS256")
    for half, words in ((full[: len(full) // 2], "signature is missing"),
                        ("eyJhbGciOiJIUzI1NiJ9.e30", "signature is missing"), ("abc.def.ghi", "header"),
                        ("\x00\x01.\x02.\x03", "binary data")):
        tab.token.setPlainText(half)
        tab.decode_current()
        assert words in tab.verifier.badges.text() or words in tab.token_status.text(), (half, tab.token_status.text())
    jwe = b64url_encode(b'{"alg":"RSA-OAEP","enc":"A256GCM"}') + ".a2V5.aXY.Y3Q.dGFn"
    tab.token.setPlainText(jwe)
    tab.decode_current()
    assert "ENCRYPTED (JWE)" in tab.verifier.badges.text()
    huge_key = tmp_path / "huge.pem"
    huge_key.write_bytes(b"-" * (2 * 1024 * 1024))
    task = tab.signer.open_file(str(huge_key))
    if task is None:
        task = tab.signer.request.task
    asyncio.get_event_loop().run_until_complete(asyncio.wait_for(asyncio.shield(task), 30))
    assert "at most" in tab.signer.status.text()


def test_file_source_header_extras_and_dpop_template(tab: JwtTab, qtbot: Any, aloop: asyncio.AbstractEventLoop,
                                                     tmp_path: Path) -> None:
    pem = tmp_path / "rsa.pem"
    pem.write_bytes(openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"))
    tab.signer.set_source(FILE)
    run(aloop, tab.signer.open_file(str(pem)))
    assert tab.header.alg.currentText() == "RS256"
    tab.header.kid.setText("registered")
    qtbot.keyClicks(tab.header.extra, '{"cty": "JWT", ')
    assert "line 1" in tab.header.notes["extra"].text()
    qtbot.keyClicks(tab.header.extra, '"x": 1.50}')
    assert tab.header.notes["extra"].text() == ""
    tab.header.typ.setText("at+jwt")
    token = signed(tab, aloop)
    assert header_of(token) == {"alg": "RS256", "typ": "at+jwt", "kid": "registered", "cty": "JWT", "x": 1.5}
    assert b'"x":1.50' in b64url_decode(token.split(".")[0])
    # DPoP proof: an EC key for the proof, htu normalised, ath from the access token
    tab.signer.set_source(SECRET)
    tab.template.setCurrentText(DPOP)
    assert tab.dpop_row.isVisible()
    tab.htm.setCurrentText("POST")
    tab.htu.setText("https://Example.okta.com:443/oauth2/v1/token?x=1#f")
    tab.access_token.setText("access-token-value")
    run(aloop, tab.apply_template())
    token = signed(tab, aloop)
    header, claims = header_of(token), claims_of(token)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256" and header["jwk"]["kty"] == "EC"
    assert claims["htm"] == "POST" and claims["htu"] == "https://example.okta.com/oauth2/v1/token"
    from oktatool.core.jose.dpop import ath_for

    assert claims["ath"] == ath_for("access-token-value")
    assert joserfc_jwt.decode(token, JWKRegistry.import_key(header["jwk"])).claims["jti"] == claims["jti"]
    tab.template.setCurrentText(BLANK)
    tab.apply_template()
    assert tab.claims.claims == {} and tab.header.extra.text() == ""


def test_verify_with_the_org_keys_and_a_jwks_url(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    info = tab.context.sandbox()
    tab.verifier.keys.set_source(ORG_KEYS)
    run(aloop, tab.verifier.keys.load())
    assert tab.verifier.keys.keys, tab.verifier.keys.status.text()
    assert f"({info.org_url}/oauth2/v1/keys)" in tab.verifier.keys.status.text()  # said, not typed for the user
    tab.verifier.keys.set_source(JWKS_URL)
    tab.verifier.keys.url_edit.setText(f"{info.org_url}/no-such-path")
    run(aloop, tab.verifier.keys.load())
    assert tab.verifier.keys.keys == [] and "HTTP 404" in tab.verifier.keys.status.text()
    tab.token.setPlainText("")
    tab.decode_current()
    assert tab.verifier.verify() is None and "Paste, open or sign" in tab.verifier.result_text()


def test_output_copy_save_and_console_fallbacks(tab: JwtTab, qtbot: Any, aloop: asyncio.AbstractEventLoop,
                                                tmp_path: Path) -> None:
    use_key(tab, aloop, generate_key(KeySpec("EC", kid="e")).export("jwk"))
    token = signed(tab, aloop)
    assert tab.size_label.text() == f"{len(token):,} characters"
    click(qtbot, tab.copy_button)
    assert QGuiApplication.clipboard().text() == token
    target = tmp_path / "token.jwt"
    assert tab.save_to(target)
    assert target.read_text() == token + "\n"
    assert_mode(target, 0o600)
    assert tab.send_to_console() is False and "Authorization: Bearer" in tab.token_status.text()
    assert tab.use_as_assertion() is False and "client_assertion_type" in tab.token_status.text()

    class Console:
        def __init__(self) -> None:
            self.got: list[tuple[str, str]] = []

        def use_authorization(self, value: str) -> None:
            self.got.append(("authorization", value))

        def use_client_assertion(self, value: str) -> None:
            self.got.append(("assertion", value))

    console = Console()
    tab.output.console = lambda: console  # type: ignore[method-assign]
    assert tab.send_to_console() and tab.use_as_assertion()
    assert console.got == [("authorization", token), ("assertion", token)]


def test_drop_and_open_a_token_file_and_live_badges(tab: JwtTab, tmp_path: Path) -> None:
    from tests.gui.test_keys_tab import drop

    token = pyjwt.encode({"sub": "dropped", "nbf": int(time.time()) + 90}, "k" * 32, algorithm="HS256")
    path = tmp_path / "token.jwt"
    path.write_text(token + "\n")
    mime = QMimeData()
    from PySide6.QtCore import QUrl

    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop(tab, mime)  # type: ignore[arg-type]
    assert tab.current_token() == token and tab.claims.sub.text() == "dropped"
    assert "NOT YET VALID" in tab.verifier.badges.text()
    text = QMimeData()
    text.setText(pyjwt.encode({"sub": "as text"}, "k" * 32, algorithm="HS256"))
    drop(tab, text)  # type: ignore[arg-type]
    assert tab.claims.sub.text() == "as text" and "NOT YET VALID" not in tab.verifier.badges.text()
    tab.open_path(tmp_path / "missing.jwt")
    assert "Cannot read missing.jwt" in tab.token_status.text()


def test_library_source_jwks_kid_chooser_and_expected_issuer(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.gui.jwt.key_chooser import EVERY_KEY, LIBRARY

    first = generate_key(KeySpec("EC", kid="first"))
    second = generate_key(KeySpec("RSA", size=2048, kid="second"))
    tab.context.key_library().save("mine", second)
    tab.signer.set_source(LIBRARY)
    run(aloop, tab.signer.request.task)
    assert tab.signer.library.currentText() == "mine" and tab.header.kid.text() == "second"
    assert tab.header.alg.currentText() == "RS256"
    # a JWKS with two keys: the kid chooser picks the signer, the header follows
    use_key(tab, aloop, json.dumps({"keys": [first.to_dict(private=True), second.to_dict(private=True)]}))
    assert not tab.signer.kid_row.isHidden() and tab.signer.kid_combo.count() == 2
    tab.signer.kid_combo.setCurrentIndex(1)
    assert tab.header.kid.text() == "second" and tab.header.alg.currentText().startswith(("RS", "PS"))
    tab.signer.kid_combo.setCurrentIndex(0)
    assert tab.header.kid.text() == "first" and tab.header.alg.currentText() == "ES256"
    tab.claims.raw.setPlainText('{"iss": "https://issuer.example"}')
    token = signed(tab, aloop)
    assert header_of(token)["kid"] == "first"
    # verify with the same set: every key that fits (the kid picks), then the expected issuer
    tab.verifier.keys.set_source(PASTE)
    tab.verifier.keys.paste_edit.setPlainText(json.dumps({"keys": [first.public().to_dict(),
                                                                   second.public().to_dict()]}))
    run(aloop, tab.verifier.keys.request.task)
    assert tab.verifier.keys.kid_combo.currentText() == EVERY_KEY
    tab.verifier.issuer.setText("https://other.example")
    run(aloop, tab.verifier.verify())
    assert "[issuer_mismatch]" in tab.verifier.result_text()
    tab.verifier.issuer.setText("https://issuer.example")
    run(aloop, tab.verifier.verify())
    assert tab.verifier.result_text().startswith('VERIFIED: ES256 signature checked with kid "first"')
    assert "iss https://issuer.example" in tab.verifier.result_text()
    # the verifier's kid chooser narrowed to the other key refuses the token by kid
    tab.verifier.keys.kid_combo.setCurrentIndex(2)
    run(aloop, tab.verifier.verify())
    assert "[kid_not_found]" in tab.verifier.result_text()


def test_a_profile_switch_drops_the_old_profiles_key_assertion_and_token(tab: JwtTab,
                                                                        aloop: asyncio.AbstractEventLoop) -> None:
    tab.template.setCurrentText(OKTA)
    run(aloop, tab.apply_template())
    assert "all hold" in tab.preflight.text()
    assert signed(tab, aloop) in tab.profile_traces()
    context = tab.context
    production = Profile(name="Production", org_url="https://dev-123456.okta.com", client_id="0oaprod")
    context.save_settings(context.settings.settings.with_profile(production).with_active("Production"))
    # before any Apply or Load: nothing to sign with, nothing of the sandbox left
    assert "cleared" in tab.token_status.text()
    assert tab.preflight.text() == "" and "now Production: press Apply" in tab.template_note.text()
    assert tab.current_token() == "" and tab.claims.claims == {} and tab.profile_traces() == []
    assert tab.signer.selected_key() is None and tab.sign() is None
    context.save_settings(context.settings.settings.with_active(context.settings.settings.profiles[0].name))
    run(aloop, tab.apply_template())
    assert "all hold" in tab.preflight.text()


def test_picking_scopes_keeps_the_loaded_key(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    """Scopes are picks, not the app: a new session for the same app and key keeps what was loaded."""
    tab.template.setCurrentText(OKTA)
    run(aloop, tab.apply_template())
    token = signed(tab, aloop)
    context = tab.context
    settings = context.settings.settings
    context.save_settings(settings.with_profile(settings.profile()._replace(scopes=("okta.apps.read",))))
    assert tab.signer.selected_key() is not None and tab.current_token() == token
    assert "all hold" in tab.preflight.text()


def test_the_token_is_coloured_by_part(tab: JwtTab) -> None:
    tab.token.setPlainText("aaaa.bbbbbb.cc")
    tab.decode_current()
    formats = tab.token.document().firstBlock().layout().formats()
    spans = sorted((f.start, f.length, f.format.foreground().color().name()) for f in formats)
    assert [(s, n) for s, n, _ in spans] == [(0, 4), (5, 6), (12, 2)]
    assert len({colour for _, _, colour in spans}) == 3


#: jwt.io's example token: HS256 with the secret "your-256-bit-secret"
JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
          "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def shown_okta_notes(tab: JwtTab) -> list[str]:
    notes = {**tab.claims.notes, **tab.header.notes, "key": tab.key_note}
    return [label.text() for label in notes.values() if not label.isHidden() and "Okta" in label.text()]


def paste_text(tab: JwtTab, text: str) -> None:
    mime = QMimeData()
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    tab.paste()


def test_the_jwt_io_token_is_decoded_without_okta_errors(tab: JwtTab, qtbot: Any,
                                                         aloop: asyncio.AbstractEventLoop) -> None:
    tab.template.setCurrentText(OKTA)
    click(qtbot, tab.apply_button)
    run(aloop, tab.template_request.task)
    assert "all hold" in tab.preflight.text()
    paste_text(tab, JWT_IO)
    assert tab.claims.sub.text() == "1234567890"
    # the list holds only what the sandbox's RS256 key signs; the token's HS256 is named, not listed
    assert tab.header.alg.currentText() == "RS256" and "The token's alg does not fit" in tab.token_status.text()
    assert "HS256" in tab.token_status.text()
    assert shown_okta_notes(tab) == [] and "Okta would refuse" not in tab.preflight.text()
    assert tab.template.currentText() == BLANK and "not a client assertion" in tab.template_note.text()
    assert "BAD SIGNATURE" not in tab.verifier.badges.text() and "signature not checked" in tab.verifier.badges.text()
    tab.clock.timeout.emit()  # the live checks stay neutral too
    assert shown_okta_notes(tab) == []


def test_an_assertion_for_the_active_profile_still_gets_okta_checks(tab: JwtTab, aloop: asyncio.AbstractEventLoop
                                                                    ) -> None:
    info = tab.context.sandbox()
    now = int(time.time())
    pasted = pyjwt.encode({"iss": info.client_id, "sub": info.client_id, "aud": info.token_url, "iat": now,
                           "exp": now + 300, "jti": "a" * 32}, "k" * 32, algorithm="HS256")
    paste_text(tab, pasted)
    assert tab.template.currentText() == OKTA and info.client_id in tab.template_note.text()
    notes = shown_okta_notes(tab)
    assert any("signature algorithm is invalid" in note for note in notes), notes
    assert any("kid is invalid" in note for note in notes), notes
    assert "Okta would refuse" in tab.preflight.text()


def test_a_cut_signature_still_shows_header_and_payload(tab: JwtTab) -> None:
    paste_text(tab, JWT_IO[:-11])
    assert tab.claims.sub.text() == "1234567890" and tab.header.alg.currentText() == "HS256"
    assert ("claims", "name", "John Doe") in tab.verifier.members()
    assert "BAD SIGNATURE: the signature is 24 bytes, but an HS256 signature is 32 bytes" in tab.verifier.badges.text()
    assert "the signature is bad" in tab.token_status.text()
    paste_text(tab, JWT_IO[:-1] + "d")
    assert ("claims", "name", "John Doe") in tab.verifier.members() and "canonical" in tab.verifier.badges.text()


def test_a_binary_paste_or_file_is_told_what_it_is(tab: JwtTab, tmp_path: Path) -> None:
    der = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-outform", "DER")
    for pasted in (der.decode("latin-1"), der.decode("utf-8", "replace")):
        paste_text(tab, pasted)
        status = tab.token_status.text()
        assert "binary data, not a token" in status and "DER certificate or key" in status, status
        assert "Keys tab" in status and "spaces" not in status
    (tmp_path / "key.der").write_bytes(der)
    tab.open_path(tmp_path / "key.der")
    assert "0x30 0x82" in tab.token_status.text() and "Keys tab" in tab.token_status.text()
    paste_text(tab, openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256").decode())
    assert "This is a PEM private key, not a token" in tab.token_status.text()
    paste_text(tab, '{"sub": "alice",\n "exp": 1}')
    assert "This is JSON, not a token" in tab.token_status.text() and "claims editor" in tab.token_status.text()
