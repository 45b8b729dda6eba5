"""The service-app dialogs stay with the profile they were opened for and say so when another becomes active."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from oktatool.context import AppContext
from oktatool.core.store.settings import Profile
from oktatool.gui.dialogs.diagnose import DiagnoseDialog
from oktatool.gui.dialogs.export_app import ExportDialog
from oktatool.gui.dialogs.move_to_key import MoveToKeyDialog
from oktatool.gui.dialogs.rotate_key import RotateKeyDialog
from oktatool.gui.dialogs.service_app import NewServiceAppDialog

DIALOGS = {"service_app": NewServiceAppDialog, "rotate_key": RotateKeyDialog, "diagnose": DiagnoseDialog,
           "export_app": ExportDialog, "move_to_key": MoveToKeyDialog}
ORG = Profile(name="org", org_url="https://dev-123456.okta.com", client_id="0oaorg", key_ref="org key")
DEV = Profile(name="dev", org_url="https://dev-654321.okta.com", client_id="0oadev")


def _labels(dialog: QDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def _start(dialog: Any) -> Any:
    return dialog.refresh() if isinstance(dialog, ExportDialog) else dialog.start()


@pytest.fixture
def opened_for_org(context: AppContext) -> AppContext:
    context.save_settings(context.settings.settings.with_profile(ORG).with_profile(DEV).with_active("org"))
    return context


@pytest.mark.parametrize("name", list(DIALOGS))
def test_a_switch_leaves_the_dialog_on_its_profile_and_says_so(qtbot: Any, opened_for_org: AppContext,
                                                               aloop: asyncio.AbstractEventLoop, name: str) -> None:
    context = opened_for_org
    dialog = DIALOGS[name](context)
    qtbot.addWidget(dialog)
    aloop.run_until_complete(asyncio.sleep(0.05))
    context.save_settings(context.settings.settings.with_active("dev"))
    assert dialog.profile.name == "org" and dialog.watch.left
    assert "The active profile is now dev. This dialog stays with org" in _labels(dialog)
    assert _start(dialog) is None  # nothing more is started for a profile that is not the active one


@pytest.mark.parametrize("name", list(DIALOGS))
def test_pointing_the_profile_at_another_org_is_said_too(qtbot: Any, opened_for_org: AppContext,
                                                          aloop: asyncio.AbstractEventLoop, name: str) -> None:
    context = opened_for_org
    dialog = DIALOGS[name](context)
    qtbot.addWidget(dialog)
    settings = context.settings.settings
    context.save_settings(settings.with_profile(ORG._replace(org_url="https://dev-777777.okta.com")))
    assert "org now points at another org or app" in _labels(dialog) and _start(dialog) is None


def test_a_new_key_for_the_same_profile_keeps_the_dialog_going(qtbot: Any, opened_for_org: AppContext) -> None:
    """The rotation's own last step saves the profile's new key: still the profile the dialog is for."""
    context = opened_for_org
    dialog = RotateKeyDialog(context)
    qtbot.addWidget(dialog)
    context.save_settings(context.settings.settings.with_profile(ORG._replace(key_ref="org key 2")))
    assert not dialog.watch.left and dialog.profile.key_ref == "org key 2"
