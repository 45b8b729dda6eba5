"""The window speaks of its own controls: core errors whose command-line hint names a flag are shown in the
window with the window's wording (conftest's recorder fails any GUI test whose messages name a flag)."""

from __future__ import annotations

import asyncio

import pytest

from oktatool.context import AppContext
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.store.settings import Profile
from oktatool.gui.console.tab import ConsoleTab
from tests.gui.conftest import COMMAND_LINE_FLAG, finish
from tests.gui.test_console_tab import console

__all__ = ["console"]  # the fixture, shared with the Console tab tests

ORG = "https://dev-123456.okta.com"


def activate(context: AppContext, profile: Profile) -> None:
    context.save_settings(context.settings.settings.with_profile(profile).with_active(profile.name))


@pytest.mark.parametrize(("profile", "words"), [
    (Profile(name="no key", org_url=ORG, client_id="0oa1b2c3d4E5f6G7h8i9", key_ref="", scopes=("okta.users.read",)),
     "Fix: choose its key in Edit profiles…"),
    (Profile(name="no client", org_url=ORG, client_id="", key_ref="k", scopes=("okta.users.read",)),
     "Fix: set the service app's client id in Edit profiles…"),
    (Profile(name="no scopes", org_url=ORG, client_id="0oa1b2c3d4E5f6G7h8i9", key_ref="k", scopes=()),
     "Fix: pick at least one scope"),
])
def test_get_token_says_what_to_do_in_the_window(console: ConsoleTab, context: AppContext,
                                                 aloop: asyncio.AbstractEventLoop, window_speaks_of_its_own_controls:
                                                 list[str], profile: Profile, words: str) -> None:
    context.key_library().save("k", generate_key(KeySpec("EC")), overwrite=True)
    activate(context, profile)
    console.token_panel.scopes.setText("")
    finish(aloop, console.get_token())
    shown = console.token_panel.status.text()
    assert words in shown, shown
    assert not COMMAND_LINE_FLAG.search(shown)
    assert shown in window_speaks_of_its_own_controls  # the recorder saw it on its way to the screen


def test_the_recorder_catches_a_flag(window_speaks_of_its_own_controls: list[str]) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setText("pass --key FILE")
    assert window_speaks_of_its_own_controls[-1] == "pass --key FILE"
    window_speaks_of_its_own_controls.pop()  # said on purpose here; any other would fail the test at its end
    assert COMMAND_LINE_FLAG.search('e.g. --scopes "okta.users.read"') and COMMAND_LINE_FLAG.search("(--max-wait)")
    assert not COMMAND_LINE_FLAG.search("eyJ0eXAi.abc--defGH1") and not COMMAND_LINE_FLAG.search("a -- b")
