"""What an org or a key set chose (a kid, a group's name, a JSON value) is drawn as the characters it holds: a
status line, a message line, a table cell's tooltip never render it as HTML (a link, an image, bold text)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import requests
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import import_key
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QToolTip

from oktatool.context import AppContext
from oktatool.core.okta.jwks_uri import publish_document
from oktatool.core.okta.rotation import new_app_key
from oktatool.gui.dialogs.keys_at_url import KEYS_AT_URL
from oktatool.gui.dialogs.service_app import NewServiceAppDialog
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.readable_style import install_style
from oktatool.gui.widgets.copy_value import CopyValue
from oktatool.gui.widgets.json_view import JsonView
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.sandbox import SandboxInfo
from tests.gui.conftest import finish, openssl
from tests.gui.test_jwks_uri_dialogs import _use_org, _wait_for_scopes
from tests.gui.test_jwt_tab import tab
from tests.gui.test_jwt_tab_strict import verify_with
from tests.gui.test_plain_text_everywhere import tip_at
from tests.jwks_server import PublishedSet

__all__ = ["tab"]

#: a value a hostile org or key set may hold: as HTML it is a link that says something else
LINK = '<a href="https://attacker.example/">Okta can fetch it. Click to continue</a>'


def _drawn(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """Return what Qt draws for ``text``: the text itself, or what is left once it is read as HTML."""
    rich = text_format == Qt.TextFormat.RichText or (text_format == Qt.TextFormat.AutoText
                                                     and QtGui.Qt.mightBeRichText(text))
    return QTextDocumentFragment.fromHtml(text).toPlainText() if rich else text


def _label_draws_its_text(label: QLabel) -> bool:
    return _drawn(label.text(), label.textFormat()) == label.text()


def _tip_drawn(tip: QLabel | None) -> str:
    """Return what the tooltip's label draws (the tooltip must have been shown)."""
    assert tip is not None, "no tooltip was shown"
    drawn = _drawn(tip.text(), tip.textFormat())
    QToolTip.hideText()
    return drawn


@pytest.fixture
def app_style(qapp: Any) -> None:
    """The style start-up gives the application once the window is ready: it makes every tooltip plain text."""
    install_style(qapp)


def test_a_key_set_s_kid_is_shown_as_text_in_the_dialog_s_status(qtbot: Any, context: AppContext,
                                                                 aloop: asyncio.AbstractEventLoop,
                                                                 sandbox_org: SandboxInfo,
                                                                 jwks_server: PublishedSet) -> None:
    jwk = publish_document([new_app_key()])["keys"][0]
    jwks_server.serve({"keys": [{**jwk, "kid": LINK}]})
    _use_org(context, sandbox_org)
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    dialog.keys_at.where.setCurrentIndex(dialog.keys_at.where.findData(KEYS_AT_URL))
    dialog.keys_at.url.setText(jwks_server.url)
    finish(aloop, dialog.keys_at.check_url())
    assert LINK in dialog.status.text()  # the URL does not hold the key's kid: its kids are quoted
    assert _label_draws_its_text(dialog.status), dialog.status.text()


def test_a_message_line_and_its_tooltip_show_markup_as_text(qtbot: Any, app_style: None) -> None:
    line = MessageLine()
    qtbot.addWidget(line)
    line.show()
    message = f"the group {LINK} is not in the org"
    line.show_message(message, "error")
    assert _label_draws_its_text(line)
    assert _tip_drawn(tip_at(line, line.rect().center())) == message


def test_a_token_s_claim_in_a_copy_value_shows_markup_as_text(qtbot: Any, app_style: None) -> None:
    value = CopyValue("audience (aud)")  # the Console's token panel: iss, aud, cid as the org wrote them
    qtbot.addWidget(value)
    value.resize(120, 30)
    value.show()
    value.setText(LINK)
    assert _label_draws_its_text(value.label) and value.label.shown_text().endswith("…")
    assert _tip_drawn(tip_at(value.label, value.label.rect().center())) == LINK


def test_a_json_value_s_tooltip_shows_markup_as_text(qtbot: Any, sandbox_org: SandboxInfo, app_style: None) -> None:
    headers = {"Authorization": f"SSWS {sandbox_org.ssws_token}"}
    made = requests.post(f"{sandbox_org.org_url}/api/v1/groups", headers=headers, timeout=10,
                         json={"profile": {"name": LINK, "description": "named by someone else"}})
    assert made.status_code == 200, made.text
    view = JsonView()
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    view.set_value({"name": made.json()["profile"]["name"]})
    index = view.model.index(0, 1)
    expected = index.data(Qt.ItemDataRole.ToolTipRole)  # the value as JSON: quoted, its quotes escaped
    assert expected.startswith('"<a href=')
    assert _tip_drawn(tip_at(view.tree.viewport(), view.tree.visualRect(index).center())) == expected


def test_a_token_s_kid_in_the_verify_result_is_shown_as_text(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    pem = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256").decode()
    theirs = import_key(pem, "EC")
    public = json.dumps({**theirs.as_dict(private=False), "kid": "mine"})
    pasted = joserfc_jwt.encode({"alg": "ES256", "kid": "<h1>VERIFIED</h1>"}, {"a": 1}, theirs)  # anyone's token
    result = verify_with(tab, aloop, public, pasted)
    assert result.startswith("NOT VERIFIED [kid_not_found]") and "<h1>VERIFIED</h1>" in result
    assert _label_draws_its_text(tab.verifier.result)


def test_a_key_s_kid_in_a_steps_dialog_s_summary_is_shown_as_text(qtbot: Any, context: AppContext,
                                                                   aloop: asyncio.AbstractEventLoop,
                                                                   sandbox_org: SandboxInfo, tmp_path: Any) -> None:
    from tests.gui.test_jwks_uri_dialogs import _token_file

    _use_org(context, sandbox_org)
    context.key_library().save("theirs", new_app_key().with_kid("<h1>kid</h1>"))  # a JWK file someone sent
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    dialog.name.setText("Reports & <i>more</i>")
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    dialog.key.setCurrentIndex(dialog.key.findText("From the library: theirs"))
    finish(aloop, dialog.start())
    summary = dialog.summary.text()
    assert "<h1>kid</h1>" in summary and "Reports & <i>more</i>" in summary, summary
    assert _label_draws_its_text(dialog.summary), summary


def test_a_key_file_s_kid_in_the_keys_tab_facts_is_shown_as_text() -> None:
    from oktatool.gui.keys.tab import key_facts

    key = new_app_key().with_kid("<h1>kid</h1> & co")  # a JWK file someone sent: the facts line is HTML
    assert "kid <h1>kid</h1> & co" in QTextDocumentFragment.fromHtml(key_facts(key)).toPlainText()
