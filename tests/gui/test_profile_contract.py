"""The profile contract: after a profile switch no tab shows, signs with or sends anything of the old profile.

For every tab: the real window with two profiles, "Second org" (a second sandbox org on loopback, its key in the
key library, its SSWS token stored as the admin credential) and the built-in Local sandbox. Real work on the tab
as "Second org", then a switch through the window's profile switcher (or an edit of the profile's org URL in the
Edit profiles dialog); the tab's ``profile_traces`` and every text its widgets show must hold nothing of the old
profile. With a request in flight at the switch, its answer must not appear afterwards either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from oktatool.context import AppContext
from oktatool.core.keys.key import load_key
from oktatool.core.okta.grants import admin_token_secret_name
from oktatool.core.store.settings import SANDBOX_PROFILE, Profile
from oktatool.gui.dialogs.profiles import ProfilesDialog
from oktatool.gui.jwt.key_chooser import ORG_KEYS, PROFILE
from oktatool.gui.jwt.template_panel import OKTA
from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.models.key_library_model import KeyLibraryModel
from oktatool.gui.scopes.admin_target import STORED_TOKEN
from oktatool.gui.tab_page import TabPage
from oktatool.sandbox import SandboxInfo
from tests.gui.conftest import finish

SECOND = "Second org"
KEY_NAME = "second-org-key"


class Org:
    """The window, its context and the second org the first profile talks to."""

    def __init__(self, window: MainWindow, context: AppContext, info: SandboxInfo, loop: asyncio.AbstractEventLoop):
        self.window, self.context, self.info, self.loop = window, context, info, loop
        key = load_key(info.jwk_file.read_bytes())
        grants = requests.get(f"{info.org_url}/api/v1/apps/{info.client_id}/grants", timeout=30,
                              headers={"Authorization": f"SSWS {info.ssws_token}"}).json()
        #: what only the second org's profile has: its org, app, key, grants; the tabs' own traces are added
        self.values = {info.org_url, info.client_id, key.kid or "", key.thumbprint(), *(g["id"] for g in grants)}

    def run(self, task: Any, timeout: float = 120) -> Any:
        return finish(self.loop, task, timeout)

    def settle(self) -> None:
        self.loop.run_until_complete(asyncio.sleep(0.1))


@pytest.fixture
def org(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop,
        sandbox_factory: Callable[..., SandboxInfo]) -> Iterator[Org]:
    info = sandbox_factory()
    context.key_library().save(KEY_NAME, load_key(info.jwk_file.read_bytes()))
    profile = Profile(name=SECOND, org_url=info.org_url, client_id=info.client_id, key_ref=KEY_NAME,
                      scopes=info.scopes)
    context.secret_store().set(admin_token_secret_name(profile), info.ssws_token)
    context.save_settings(context.settings.settings.with_profile(profile).with_active(SECOND))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1100, 750)
    window.show()
    window.start()
    yield Org(window, context, info, aloop)
    aloop.run_until_complete(asyncio.sleep(0.05))
    context.close()


# --- what a tab shows ------------------------------------------------------------------------------------


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts: list[str] = []

    flat = isinstance(model, QAbstractTableModel | QAbstractListModel)  # (they keep the parent argument private)

    def walk(parent: QModelIndex, depth: int) -> None:
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount() if flat else \
            model.columnCount(parent)
        for row in range(model.rowCount() if flat else model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.data(index, role)
                    if value is not None:
                        texts.append(str(value))
                if column == 0 and not flat and depth < 8:  # a tree's children
                    walk(index, depth + 1)

    walk(QModelIndex(), 0)
    return texts


def shown_texts(tab: QWidget) -> list[str]:
    """Return every text the tab's widgets hold: labels, fields, editors, choices, tab titles and table cells."""
    texts: list[str] = []
    for widget in [tab, *tab.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            texts += [widget.text(), widget.toolTip()]
        elif isinstance(widget, QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabBar):
            texts += [text for i in range(widget.count()) for text in (widget.tabText(i), widget.tabToolTip(i))]
        if isinstance(widget, QAbstractItemView) and not isinstance(widget.model(), KeyLibraryModel):
            texts += _model_texts(widget)  # (the key library lists every key it keeps, whoever uses it)
    return [text for text in texts if text]


# --- real work on each tab as the first profile -------------------------------------------------------------


def work_keys(org: Org, tab: Any, *, in_flight: bool) -> asyncio.Task[Any] | None:
    """Make a new key the profile's key through the library drawer (real key, real library)."""
    from oktatool.core.keys.key import KeySpec, generate_key

    org.context.key_library().save("alpha", generate_key(KeySpec("EC", crv="P-256")))
    tab.show_library(True)
    tab.library.refresh()
    tab.library.view.selectRow(tab.library.model.row_of("alpha"))
    tab.library.use_key_button.click()
    assert "now signs with 'alpha'" in tab.messages.text()
    org.values.update({tab.messages.text(), tab.library.profile_key.text()})
    # in flight: the key opening from the library (the secret store) while the profile changes
    return tab.library.request.start(tab.library.load_selected()) if in_flight else None


def work_jwt(org: Org, tab: Any, *, in_flight: bool) -> asyncio.Task[Any] | None:
    """Build, sign and verify the profile's client assertion with its own key and its org's keys."""
    tab.template.setCurrentText(OKTA)
    if in_flight:
        return tab.apply_template()  # reads the profile and loads its key in the executor
    org.run(tab.apply_template())
    assert "all hold" in tab.preflight.text()
    org.run(tab.sign_now())
    chooser = tab.verifier.keys
    chooser.set_source(ORG_KEYS)  # the org's signing keys (for its access tokens), then the app's own
    chooser.org_button.click()
    org.run(chooser.request.task)
    assert chooser.keys, chooser.status.text()
    chooser.set_source(PROFILE)
    org.run(chooser.request.task)
    org.run(tab.verifier.verify())
    assert tab.verifier.result_text().startswith("VERIFIED"), tab.verifier.result_text()
    return None


def work_scopes(org: Org, tab: Any, *, in_flight: bool) -> asyncio.Task[Any] | None:
    """Fetch the app's grants and roles with the stored API token, and try a token with the picked scopes."""
    org.run(tab.ready)
    access = tab.access
    access.credential.setCurrentIndex(access.credential.findData(STORED_TOKEN))
    if in_flight:
        return access.request.start(access.refresh())
    assert org.run(access.request.start(access.refresh())), access.message.text()
    assert access.grants.rowCount() > 0
    org.run(tab.try_token.request.start(tab.try_token.try_scopes()))
    assert "granted" in tab.try_token.result.text()
    return None


def work_console(org: Org, tab: Any, *, in_flight: bool) -> asyncio.Task[Any] | None:
    """Open a second request tab on the profile's own app, named after it; get a token and list users."""
    org.run(tab.loading)
    org.run(tab.tabs_restored)
    tab.editor.set_request("GET", f"/api/v1/apps/{org.info.client_id}")
    tab.rename_request_tab(0, f"App {org.info.client_id}")
    tab.new_request_tab()
    tab.editor.set_request("GET", "/api/v1/users?limit=5")
    if in_flight:
        return tab.send()
    org.run(tab.get_token())
    org.run(tab.send())
    org.settle()
    assert tab.response.request_id.text()
    return None


WORK = {"keys": work_keys, "jwt": work_jwt, "scopes": work_scopes, "console": work_console}
KEYS = [spec.key for spec in TAB_SPECS]


def switch_profile(org: Org) -> None:
    """Choose the Local sandbox in the window's profile switcher."""
    org.window.profile_combo.setCurrentText(SANDBOX_PROFILE)
    assert org.context.session.profile.name == SANDBOX_PROFILE


def edit_org_url(org: Org) -> None:
    """Point the active profile at another org in the Edit profiles dialog (as a user would, then Apply)."""
    dialog = ProfilesDialog(org.context, org.window)
    dialog.list.setCurrentRow([p.name for p in org.context.settings.settings.profiles].index(SECOND))
    dialog.org.setText("https://dev-123456.okta.com")
    assert dialog.apply(), dialog.error.text()
    dialog.close()
    org.window.reload_profiles()
    assert org.context.session.profile.org_url == "https://dev-123456.okta.com"


def facts_of(org: Org, profile: Profile) -> set[str]:
    """Return what rightly belongs to ``profile``: its app, its key and the line that names the key."""
    facts = {profile.client_id, f"{profile.name} signs with {profile.key_ref!r}."}
    if profile.key_ref:
        key = org.context.key_library().load(profile.key_ref)
        facts |= {profile.key_ref, key.kid or "", key.thumbprint()}
    return {fact for fact in facts if fact}


def left_over(org: Org, tab: Any, before: list[str]) -> tuple[list[str], list[str]]:
    """Return the tab's traces and shown values that belong to the old profile and not to the active one."""
    old = {value for value in {*org.values, *before} if value}
    old -= facts_of(org, org.context.session.profile) | set(org.context.library_names())
    traces = [trace for trace in tab.profile_traces() if any(value in trace for value in old)]
    shown = sorted({value for value in old for text in shown_texts(tab) if value in text})
    return traces, shown


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("variant", ["switch", "in flight", "org edited"])
def test_nothing_of_the_old_profile_is_left(org: Org, key: str, variant: str) -> None:
    tab = org.window.show_tab(key)
    assert isinstance(tab, TabPage)
    pending = WORK[key](org, tab, in_flight=variant == "in flight")
    org.loop.run_until_complete(asyncio.sleep(0))  # a request in flight has started, for the first profile
    before = tab.profile_traces()
    if variant != "in flight":
        assert before, "the work left nothing of the profile to look for"
        assert any(value in text for value in {*org.values, *before} for text in shown_texts(tab)), \
            "the tab showed nothing of the profile before the switch"
    if variant == "org edited":
        edit_org_url(org)
    else:
        switch_profile(org)
    if pending is not None:  # the request started for the old profile ends now, after the switch
        org.run(asyncio.gather(pending, return_exceptions=True))
    org.settle()
    traces, shown = left_over(org, tab, before)
    assert traces == [], f"the {key} tab still holds the old profile's {traces}"
    assert shown == [], f"the {key} tab still shows the old profile's {shown}"
