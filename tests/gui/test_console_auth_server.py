"""The Console's authorization server against the Local sandbox over real HTTP: the servers listed, the choice
saved in the profile, the server's scopes offered, a token from `default` decoded and verified against its own
keys, and Send refusing to carry it to the Okta API."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet

from oktatool.context import AppContext
from oktatool.core.okta.authserver import auth_server
from oktatool.gui.console.tab import ConsoleTab
from oktatool.sandbox.authservers import ORDERS_SERVER_ID
from tests.gui.conftest import finish
from tests.gui.test_console_tab import console, use_org

__all__ = ["console"]  # the fixture, shared with the Console tab tests


def _choose(console: ConsoleTab, aloop: asyncio.AbstractEventLoop, server_id: str) -> None:
    bar = console.auth_server.bar
    bar.combo.setEditText(server_id)
    bar.combo.lineEdit().returnPressed.emit()
    finish(aloop, console.auth_server.listing.task, timeout=120)


def test_servers_are_listed_and_the_choice_is_kept_in_the_profile(console: ConsoleTab, context: AppContext,
                                                                  aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, console.auth_server.listing.task, timeout=120)
    combo = console.auth_server.bar.combo
    ids = [combo.itemData(i) for i in range(combo.count())]
    assert ids == ["", "default", ORDERS_SERVER_ID]
    _choose(console, aloop, ORDERS_SERVER_ID)
    assert context.settings.settings.profile().auth_server == ORDERS_SERVER_ID
    status = console.auth_server.bar.status.text()
    assert "orders:read orders:write reports:read" in status
    assert console.token_panel.asked_scopes() == ("orders:read",)  # the list follows the server
    console.auth_server.choose("bad id!")
    assert "is not an authorization server id" in console.auth_server.bar.status.text()
    _choose(console, aloop, "org")
    assert context.settings.settings.profile().auth_server == ""


def test_a_token_checked_against_another_server_is_flagged(console: ConsoleTab, context: AppContext,
                                                           aloop: asyncio.AbstractEventLoop) -> None:
    _choose(console, aloop, "default")
    finish(aloop, console.get_token(), timeout=120)
    outcome = console.state.token
    assert outcome is not None and outcome.server is not None
    # the same token shown as if the org server had issued it: neither its iss nor its aud is the org's
    console.token_panel.show_outcome(replace(outcome, server=auth_server(outcome.server.org)))
    check = console.token_panel.server_check.text()
    assert check.startswith("Not the org authorization server's") and "aud is api://default" in check


def test_a_default_token_is_verified_and_never_sent_to_okta(console: ConsoleTab, context: AppContext,
                                                            aloop: asyncio.AbstractEventLoop) -> None:
    _choose(console, aloop, "default")
    finish(aloop, console.get_token(), timeout=120)
    aloop.run_until_complete(asyncio.sleep(0.05))
    panel = console.token_panel
    finish(aloop, panel.exchange_request.task)
    token = panel.access_token.value
    assert token, panel.status.text()
    base = context.sandbox().org_url
    assert panel.leg_views[0].sent_text.startswith("POST /oauth2/default/v1/token")
    keys = KeySet.import_key_set(json.loads(_get(base + "/oauth2/default/v1/keys")))
    claims = jwt.decode(token, keys).claims  # signed by the default server's key, checked by joserfc
    assert claims["iss"] == base + "/oauth2/default" and claims["aud"] == "api://default"

    # the pane checks the decoded iss and aud against the chosen server, and decodes the token on demand
    assert panel.iss_label.text() == base + "/oauth2/default" and panel.aud_label.text() == "api://default"
    assert panel.server_check.text().startswith("iss and aud are the custom authorization server default's")
    panel.decode_button.setChecked(True)
    assert '"aud": "api://default"' in panel.decoded.toPlainText()

    finish(aloop, console.auth_server.verify(), timeout=60)
    assert console.auth_server.bar.status.text().startswith("Verified"), console.auth_server.bar.status.text()

    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send(), timeout=60)
    assert "not for the Okta API" in console.response.status.text()


def test_a_real_orgs_servers_are_listed_only_when_the_list_opens(console: ConsoleTab, context: AppContext,
                                                                 sandbox_factory: Any,
                                                                 aloop: asyncio.AbstractEventLoop) -> None:
    org = sandbox_factory(users=2)  # its app is not granted okta.authorizationServers.read
    use_org(context, org)
    aloop.run_until_complete(asyncio.sleep(0.05))
    assert console.auth_server.listed is None  # no token request on the org's behalf yet
    assert _token_events(org) == []
    console.auth_server.bar.combo.showPopup()
    finish(aloop, console.auth_server.listing.task, timeout=60)
    console.auth_server.bar.combo.hidePopup()
    assert "not granted okta.authorizationServers.read" in console.auth_server.bar.status.text()
    assert [event["outcome"]["result"] for event in _token_events(org)] == ["FAILURE"]


def _token_events(org: Any) -> list[dict[str, Any]]:
    import requests

    events = requests.get(org.org_url + "/api/v1/logs", headers={"Authorization": f"SSWS {org.ssws_token}"},
                          timeout=10).json()
    return [event for event in events if event["eventType"] == "app.oauth2.token.grant.access_token"]


def _get(url: str) -> str:
    import requests

    return requests.get(url, timeout=10).text
