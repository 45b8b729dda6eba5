"""The Keys tab's certificate fields (subject, validity, alternative names, as the CLI's --subject --days --san)
and its All outputs view (Okta JWKS, private JWK and PEM together, as mkjwk shows them)."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import timedelta
from typing import Any

from cryptography import x509
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.gui.keys.tab import KeysTab
from tests.gui.conftest import finish
from tests.gui.keys.test_layout_and_messages import tab, window

__all__ = ["tab", "window"]  # the fixtures, shared with the layout tests


def _certificate(tab: KeysTab) -> x509.Certificate:
    return x509.load_pem_x509_certificate(tab.outputs.text("cert").encode())


def test_the_certificate_carries_the_subject_validity_and_alternative_names(
        tab: KeysTab, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    outputs = tab.outputs
    assert outputs.cert_fields.isHidden()
    outputs.select("cert")
    assert not outputs.cert_fields.isHidden()  # with the Certificate output only
    finish(aloop, tab.generate())
    fields = outputs.cert_fields
    fields.subject.setText("CN=svc-app,O=Example")
    fields.days.setValue(30)
    fields.sans.setText("DNS:svc.example.com, IP:10.0.0.1, email:ops@example.com")
    qtbot.mouseClick(fields.apply_button, Qt.MouseButton.LeftButton)
    finish(aloop, outputs.cert_request.task)
    cert = _certificate(tab)
    assert cert.subject.rfc4514_string() == "O=Example,CN=svc-app"
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=30)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(name.value) for name in sans] == ["svc.example.com", "10.0.0.1", "ops@example.com"]
    text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=outputs.view.toPlainText(),
                          capture_output=True, text=True, timeout=60, check=True).stdout
    assert "DNS:svc.example.com, IP Address:10.0.0.1, email:ops@example.com" in text
    assert "Made the certificate: valid 30 days" in tab.messages.message()
    # the next key's certificate keeps the fields
    finish(aloop, tab.generate())
    assert _certificate(tab).subject.rfc4514_string() == "O=Example,CN=svc-app"
    # a name the core cannot read: said in the window, the certificate left out with the reason
    fields.sans.setText("IP:999.1.1.1")
    fields.sans.returnPressed.emit()
    finish(aloop, outputs.cert_request.task)
    assert outputs.text("cert") == "" and "not an IP address" in tab.messages.message()
    assert outputs.view.note is not None and "not an IP address" in outputs.view.note.text()


def test_all_outputs_shows_the_jwks_the_private_jwk_and_the_pem_together(
        tab: KeysTab, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    finish(aloop, tab.generate())
    outputs = tab.outputs
    assert not outputs.all_shown()
    qtbot.mouseClick(outputs.all_button, Qt.MouseButton.LeftButton)
    assert outputs.all_shown() and outputs.all_view.isVisible()
    columns = outputs.all_view.columns
    shown = {fmt: column.view.toPlainText() for fmt, column in columns.items()}
    assert shown == {fmt: outputs.text(fmt) for fmt in ("jwks-public", "jwk", "pem")}
    assert "d" not in json.loads(shown["jwks-public"])["keys"][0] and "d" in json.loads(shown["jwk"])
    assert shown["pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert "keep secret" in columns["jwk"].where.text() and "paste into Okta" in columns["jwks-public"].where.text()
    # a private output copied from here is a secret, as from the single viewer, and counts as kept
    qtbot.mouseClick(columns["jwk"].copy_button, Qt.MouseButton.LeftButton)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == shown["jwk"] and bytes(mime.data("x-kde-passwordManagerHint")) == b"secret"
    assert "leaves the clipboard in 30 s" in tab.messages.message() and tab._kept
    qtbot.mouseClick(columns["jwks-public"].copy_button, Qt.MouseButton.LeftButton)
    assert not QGuiApplication.clipboard().mimeData().hasFormat("x-kde-passwordManagerHint")
    # a public key has no private parts: the columns say why
    tab.import_data(generate_key(KeySpec("EC", crv="P-256")).export("jwk-public"), "pasted")
    finish(aloop, tab.request.task)
    assert columns["jwk"].view.toPlainText() == "" and not columns["jwk"].copy_button.isEnabled()
    assert columns["jwk"].view.note is not None and "public key" in columns["jwk"].view.note.text()
    # a click in the list brings the single large viewer back with that output
    item = outputs.list.item(0)
    qtbot.mouseClick(outputs.list.viewport(), Qt.MouseButton.LeftButton, pos=outputs.list.visualItemRect(item).center())
    assert not outputs.all_shown() and not outputs.all_button.isChecked()
