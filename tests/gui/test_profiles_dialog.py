"""Edit profiles keeps what its form does not show, and sets the profile's authorization server."""

from __future__ import annotations

from typing import Any

from oktatool.context import AppContext
from oktatool.core.store.settings import Profile
from oktatool.gui.dialogs.profiles import ProfilesDialog

PROD = Profile(name="prod", org_url="https://acme.okta.com", client_id="0oaprod", confirm_writes=False,
               auth_server="default")


def test_apply_keeps_the_hidden_settings_and_sets_the_server(qtbot: Any, context: AppContext) -> None:
    context.save_settings(context.settings.settings.with_profile(PROD).with_active("prod"))
    dialog = ProfilesDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.list.currentItem().text() == "prod" and dialog.auth_server.text() == "default"
    dialog.scopes.setText("orders:read")
    assert dialog.apply(), dialog.error.text()
    saved = context.settings.settings.profile("prod")
    assert saved.scopes == ("orders:read",)
    assert not saved.confirm_writes and saved.auth_server == "default"  # not in the form: kept
    dialog.auth_server.setText("https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9")  # an issuer pasted: its id
    assert dialog.apply(), dialog.error.text()
    assert context.settings.settings.profile("prod").auth_server == "aus1a2b3c4d5e6f7g8h9"
    dialog.auth_server.setText("not a server")
    assert not dialog.apply() and "is not an authorization server id" in dialog.error.text()
    dialog.auth_server.setText("org")
    assert dialog.apply(), dialog.error.text()
    assert context.settings.settings.profile("prod").auth_server == ""
