"""The JWT tab follows the profile's authorization server: the Okta client assertion template aims at a custom
server's token URL, its preflight holds, and that server's token endpoint (the Local sandbox, over real HTTP)
trades it for a token."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import requests

from oktatool.context import AppContext
from oktatool.core.encoding import b64url_decode
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.jwt.template_panel import OKTA
from tests.gui.conftest import finish


@pytest.fixture
def tab(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> JwtTab:
    settings = context.settings.settings
    context.save_settings(settings.with_profile(settings.profile()._replace(auth_server="default")))
    widget = JwtTab(context)
    qtbot.addWidget(widget)
    yield widget
    context.close()


def test_the_okta_template_aims_at_the_profiles_custom_server(tab: JwtTab, aloop: asyncio.AbstractEventLoop) -> None:
    tab.template.setCurrentText(OKTA)
    finish(aloop, tab.apply_template(), timeout=120)
    info = tab.context.sandbox()
    token_url = info.org_url + "/oauth2/default/v1/token"
    finish(aloop, tab.sign_now())
    assertion = tab.current_token()
    assert json.loads(b64url_decode(assertion.split(".")[1]))["aud"] == token_url
    assert "all hold" in tab.preflight.text(), tab.preflight.text()
    assert token_url in tab.template_note.text()
    answer = requests.post(token_url, data={
        "grant_type": "client_credentials", "scope": "orders:read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == "orders:read"
