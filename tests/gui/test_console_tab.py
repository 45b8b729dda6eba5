"""The Console tab against sandbox orgs over real HTTP: tokens (Bearer, DPoP with the nonce), calls, pages,
429, faults, history without secrets (the copies: test_console_copies.py)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from oktatool.context import AppContext
from oktatool.core.keys.key import load_key
from oktatool.core.okta.history import HISTORY_FILE
from oktatool.core.store.settings import Profile
from oktatool.gui.console import export
from oktatool.gui.console.tab import ConsoleTab
from oktatool.sandbox import Fault, SandboxInfo
from tests.gui.conftest import finish
from tests.platforms import assert_mode


def use_org(context: AppContext, info: SandboxInfo, *, dpop: bool = False, scopes: tuple[str, ...] = (),
            name: str = "test org") -> Profile:
    """Make ``info``'s service app the active profile (its key in the key library)."""
    key = load_key(info.jwk_file.read_bytes())
    context.key_library().save(name, key, overwrite=True)
    profile = Profile(name=name, org_url=info.org_url, client_id=info.client_id, key_ref=name,
                      scopes=scopes or info.scopes, dpop=dpop)
    settings = context.settings.settings.with_profile(profile)
    context.save_settings(settings.with_active(name))
    return profile


@pytest.fixture
def console(context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> Any:
    tab = ConsoleTab(context)
    qtbot.addWidget(tab)
    finish(aloop, tab.loading)
    yield tab
    aloop.run_until_complete(asyncio.sleep(0.05))
    context.close()


def settle(loop: asyncio.AbstractEventLoop) -> None:
    """Let queued signals (exchanges from worker threads) arrive."""
    loop.run_until_complete(asyncio.sleep(0.05))


def history_text(console: ConsoleTab, aloop: asyncio.AbstractEventLoop) -> str:
    finish(aloop, console.history_saved)
    context = console.context
    return (context.paths.data_dir / HISTORY_FILE).read_text(encoding="utf-8")


def test_local_sandbox_bearer_token_and_users(console: ConsoleTab, context: AppContext,
                                              aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, console.get_token(), timeout=120)
    settle(aloop)
    panel = console.token_panel
    finish(aloop, panel.exchange_request.task)  # the legs are formatted in the executor
    token = panel.access_token.value
    assert token and token not in panel.access_token.field.text()  # masked
    assert "okta.users.read" in panel.granted_label.text()
    assert panel.expiry.left() > 3000
    assert len(panel.leg_views) == 1 and panel.leg_views[0].proof is None
    claims = jwt.decode(panel.leg_views[0].assertion.value, RSAKey.import_key(
        json.loads(context.sandbox().jwk_file.read_text()))).claims
    assert claims["aud"].endswith("/oauth2/v1/token")
    panel.access_token.reveal_button.setChecked(True)
    assert panel.access_token.field.text() == token
    panel.access_token.reveal_button.setChecked(False)

    console.editor.set_request("GET", "/api/v1/users?limit=20")
    finish(aloop, console.send())
    view = console.response
    assert "→ 200" in view.status.text()
    assert view.rows.rowCount() == 20
    assert "profile.login" in [view.rows.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
                               for c in range(view.rows.columnCount())]
    assert view.request_id.text()
    assert "Rate limit" in view.rate.text() and "left" in view.rate.text()
    # the second Get token comes from the cache
    finish(aloop, console.get_token())
    assert "from the cache" in panel.status.text()
    text = history_text(console, aloop)
    assert token not in text and "/api/v1/users?limit=20" in text
    assert console.history_calls() == ["GET /api/v1/users"]


def test_dpop_token_with_the_nonce_round_trip(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                             aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(dpop_required=True, users=5)
    use_org(context, info, dpop=True)
    finish(aloop, console.get_token())
    settle(aloop)
    finish(aloop, console.token_panel.exchange_request.task)
    legs = console.token_panel.leg_views
    assert len(legs) == 2, console.token_panel.status.text()
    assert "nonce" in legs[0].title()
    assert legs[0].proof is not None and legs[1].proof is not None
    for leg in legs:  # each proof verifies with its own embedded key (an independent JOSE library)
        proof = leg.proof.value
        header = json.loads(__import__("base64").urlsafe_b64decode(proof.split(".")[0] + "=="))
        assert jwt.decode(proof, RSAKey.import_key(header["jwk"]) if header["jwk"]["kty"] == "RSA" else
                          __import__("joserfc.jwk", fromlist=["ECKey"]).ECKey.import_key(header["jwk"])).claims["htm"] \
            == "POST"
    assert console.token is not None and console.token.token.is_dpop
    assert console.token.facts.jkt
    assert "DPoP" in console.token_panel.kind_label.text()
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text()
    assert console.response.rows.rowCount() == 5


def test_a_query_typed_in_the_path_is_the_query_table(console: ConsoleTab, context: AppContext,
                                                       sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
                                                       qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    use_org(context, sandbox_factory(users=9))
    editor = console.editor
    editor.path.clear()
    qtbot.keyClicks(editor.path, "/api/v1/users?limit=3")
    assert editor.query.pairs() == [("limit", "3")]
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text() and console.response.rows.rowCount() == 3
    assert console.history.model.entries[-1].path.count("limit=") == 1
    qtbot.keyClicks(editor.path, "&search=profile.lastName pr")
    assert editor.query.pairs() == [("limit", "3"), ("search", "profile.lastName pr")]
    # the table writes back into the path: one query, never the path's and the table's both
    editor.query.setData(editor.query.index(0, 1), "2", Qt.ItemDataRole.EditRole)
    editor.query.remove_rows([1])
    editor.query.setData(editor.query.index(1, 0), "after", Qt.ItemDataRole.EditRole)
    editor.query.setData(editor.query.index(1, 1), "00u1 x", Qt.ItemDataRole.EditRole)
    assert editor.path.text() == "/api/v1/users?limit=2&after=00u1%20x"
    editor.query.remove_rows([0, 1])
    assert editor.path.text() == editor.full_path() == "/api/v1/users"
    editor.set_request("GET", "/api/v1/groups?q=Every")
    assert editor.query.pairs() == [("q", "Every")] and editor.full_path() == "/api/v1/groups?q=Every"


def test_ten_thousand_users_stream_into_the_table(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                                 aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=10_000)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users?limit=200")
    finish(aloop, console.fetch_all(), timeout=300)
    rows = console.response.rows
    assert rows.rowCount() == 10_000
    assert len({item["id"] for item in rows.items}) == 10_000
    assert "All 50 pages" in console.response.progress.text()
    # sort by a column, filter, CSV
    column = [".".join(c) for c in rows.columns].index("profile.login")
    console.response.proxy.sort(column)
    logins = [item["profile"]["login"] for item in rows.items]
    assert logins == sorted(logins, key=str.lower)
    csv_text = rows.csv_text()
    assert csv_text.count("\n") == 10_001


def test_a_429_shows_the_countdown(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                  aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2, rate_limit=2)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users")
    statuses = []
    for _ in range(4):
        finish(aloop, console.send())
        statuses.append(console.last_response.status if console.last_response else None)
    assert statuses[-1] == 429, statuses
    assert "resets in" in console.response.retry_countdown.text()
    assert 0 < console.response.retry_countdown.left() <= 61
    assert "E0000047" in console.response.explanation.text() or "rate" in console.response.explanation.text()
    assert history_text(console, aloop).count('"status": 429') >= 1


def test_a_429_in_the_middle_of_fetch_all_waits_for_the_reset_and_goes_on(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # two calls per window: the third page is refused; a 2-second window keeps the wait short
    info = sandbox_factory(users=7, rate_limit=2, rate_window=2)
    use_org(context, info)
    waits: list[float] = []
    show_rate_wait = console.response.show_rate_wait
    monkeypatch.setattr(console.response, "show_rate_wait", lambda until: (waits.append(until), show_rate_wait(until)))
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    finish(aloop, console.fetch_all(), timeout=60)
    assert waits, "the walk never met the rate limit"
    rows = console.response.rows
    assert rows.rowCount() == 7 and len({item["id"] for item in rows.items}) == 7
    assert "All 4 pages" in console.response.progress.text()
    assert console.response.retry_countdown.text() == ""  # the countdown stops when the walk goes on


@pytest.mark.parametrize(("fault", "expected"), [
    (Fault("/api/v1/users", "status", status=500), "500"),
    (Fault("/api/v1/users", "reset"), "closed the connection"),
])
def test_faults_are_explained_and_kept_in_history(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                                  aloop: asyncio.AbstractEventLoop, fault: Fault,
                                                  expected: str) -> None:
    info = sandbox_factory(users=2, faults=(fault,))
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    shown = console.response.status.text() + console.response.explanation.text()
    assert expected in shown
    assert "Traceback" not in shown
    assert len(console.history.model.entries) == 1


#: secrets a user can type into a call that look like nothing (no JWT, no "SSWS "): only their names give them away
TYPED_SECRETS = {"bearer": "opaque-bearer-1a2b3c", "dpop": "opaque-dpop-proof-4d5e", "session": "opaque-session-6f7a",
                 "client secret": "opaque-client-secret-8b9c", "pass code": "572913", "password": "opaque-pw-0d1e"}


def test_history_keeps_none_of_the_secrets_a_call_carried(console: ConsoleTab, context: AppContext,
                                                          sandbox_factory: Any,
                                                          aloop: asyncio.AbstractEventLoop) -> None:
    from PySide6.QtCore import Qt

    use_org(context, sandbox_factory(users=2))
    secret = TYPED_SECRETS
    body = {"profile": {"login": "kept-login@example.com"}, "sessionToken": secret["session"],
            "client_secret": secret["client secret"], "credentials": {"password": {"value": secret["password"]}}}
    for headers in ([("Authorization", f"Bearer {secret['bearer']}"), ("DPoP", secret["dpop"])], []):
        console.editor.set_request("POST", f"/api/v1/users?activate=false&passCode={secret['pass code']}",
                                   json.dumps(body), headers=[*headers, ("X-Kept", "kept-header")])
        finish(aloop, console.send())
        assert "→" in console.response.status.text(), console.response.status.text()
    text = history_text(console, aloop)
    assert [name for name, value in secret.items() if value in text] == []
    assert "kept-login@example.com" in text and "kept-header" in text and "activate=false" in text
    # nor does the panel show one, or put one back in the editor on replay
    model = console.history.model
    shown = [str(model.index(row, column).data(role)) for row in range(model.rowCount())
             for column in range(model.columnCount()) for role in (Qt.ItemDataRole.DisplayRole,
                                                                   Qt.ItemDataRole.ToolTipRole)]
    console.replay(model.entries[0])
    editor = console.editor
    replayed = [editor.full_path(), editor.body.toPlainText(), *map(str, editor.headers.pairs())]
    assert [name for name, value in secret.items() if any(value in seen for seen in (*shown, *replayed))] == []


def test_a_dead_network_and_bad_tls_give_one_message(console: ConsoleTab, context: AppContext,
                                                    sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2, tls=True)
    use_org(context, info)
    finish(aloop, console.get_token())
    assert "TLS certificate" in console.token_panel.status.text()
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    assert "TLS certificate" in console.response.status.text()
    dead = sandbox_factory(users=1)
    use_org(context, dead, name="dead org")
    _stop(dead.org_url)  # nobody answers any more: a refused connection
    finish(aloop, console.send())
    assert "refused" in console.response.status.text()
    assert len(console.history.model.entries) == 2


def _stop(org_url: str) -> None:
    import gc

    from oktatool.sandbox import Sandbox

    for obj in gc.get_objects():
        if isinstance(obj, Sandbox) and obj._info is not None and obj._info.org_url == org_url:
            obj.stop()


def test_bad_input_gets_a_message_at_the_spot(console: ConsoleTab, aloop: asyncio.AbstractEventLoop) -> None:
    console.editor.set_request("POST", "/api/v1/users", body="{not json")
    assert console.send() is None
    assert "not JSON" in console.editor.problem.text()
    console.editor.set_request("GET", "/api/v1/us\ners")
    finish(aloop, console.send(), timeout=120)
    assert "control character" in console.response.status.text()
    assert console.history.model.entries[-1].error


def test_slow_answers_can_be_cancelled(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                      aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "delay", seconds=3.0),))
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users")
    task = console.send()
    aloop.run_until_complete(asyncio.sleep(0.5))
    started = time.perf_counter()
    console.cancel()
    aloop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    assert time.perf_counter() - started < 1.0
    assert console.history.model.entries[-1].error == "cancelled"
    assert console.editor.send_button.isEnabled()
    # the cancelled call still ends in its worker thread: let it, while this test's loop is alive
    aloop.run_until_complete(asyncio.sleep(3.0))


def test_a_huge_body_and_deep_nesting_give_a_note_not_a_freeze(console: ConsoleTab, context: AppContext,
                                                               sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from oktatool.gui.console import calls as console_module

    parsed_on: list[tuple[str, int]] = []  # the thread that read each answer's body, and the body's size
    parse_body = console_module.parse_body

    def parse_and_say_where(content: bytes) -> Any:
        parsed_on.append((threading.current_thread().name, len(content)))
        return parse_body(content)

    monkeypatch.setattr(console_module, "parse_body", parse_and_say_where)
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "large", size=20_000_000, times=1),
                                            Fault("/api/v1/users", "large", size=300_000_000, times=1),
                                            Fault("/api/v1/groups", "nested", size=200_000, times=1)))
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send(), timeout=120)
    assert "→ 200" in console.response.status.text()
    assert "MB" in console.response.note.text() and "Save" in console.response.note.text()
    assert console.response.rows.rowCount() == 0
    assert len(export.json_bytes(console)) >= 19_000_000  # Save JSON writes the real bytes
    finish(aloop, console.send(), timeout=120)  # 300 MB: past the cap, refused unread, said at the spot
    assert "larger than 32 MB" in console.response.status.text()
    console.editor.set_request("GET", "/api/v1/groups")
    finish(aloop, console.send())
    assert "too deeply" in console.response.note.text()
    assert len(console.history.model.entries) == 3
    # the 20 MB body and the deep one were read (parsed, pretty-printed) in the executor, never on the GUI thread
    assert len(parsed_on) == 2 and parsed_on[0][1] >= 19_000_000, parsed_on  # the 300 MB one is never read
    assert all(name != threading.main_thread().name for name, _ in parsed_on), parsed_on


def test_writes_to_production_are_confirmed(console: ConsoleTab, context: AppContext,
                                            aloop: asyncio.AbstractEventLoop) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    prod = Profile(name="prod", org_url="https://acme.okta.com", client_id="0oa1", key_ref="none")
    context.save_settings(context.settings.settings.with_profile(prod).with_active("prod"))
    assert "PRODUCTION" in console.bar.badge.text() and not console.bar.confirm_box.isHidden()

    def answer_cancel() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                widget.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(200, answer_cancel)
    console.editor.set_request("DELETE", "/api/v1/users/00u1")
    finish(aloop, console.send())
    assert console.response.status.text() == "Not sent."
    console.bar.confirm_box.setChecked(False)  # the opt-out is saved in the profile
    assert context.settings.settings.profile("prod").confirm_writes is False


def _contrast_with_white(colour: str) -> float:
    """Return the WCAG 2 contrast ratio of white text on ``colour`` (#rrggbb)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def test_developer_and_trial_orgs_have_their_own_readable_badge(console: ConsoleTab, context: AppContext) -> None:
    from oktatool.core.okta.orgkind import OrgKind
    from oktatool.gui.console.profile_bar import BADGE_COLOURS

    assert all(_contrast_with_white(BADGE_COLOURS[kind]) >= 4.5 for kind in OrgKind)
    for url, label in (("https://dev-123456.okta.com", "Developer org"), ("https://trial-42.okta.com", "Trial org"),
                       ("https://integrator-7.okta.com", "Integrator org"),
                       ("https://x.oktapreview.com", "Preview org"),
                       ("https://acme.okta-emea.com", "PRODUCTION")):
        profile = Profile(name=label, org_url=url, client_id="0oa1", key_ref="none")
        context.save_settings(context.settings.settings.with_profile(profile).with_active(label))
        assert console.bar.badge.text().strip() == label
        assert console.bar.confirm_box.isHidden() is (label != "PRODUCTION")


def test_cross_tab_api(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                       aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=3)
    use_org(context, info)
    # request_token_with_scopes adds to what is asked
    console.token_panel.scopes.setText("okta.users.read")
    console.request_token_with_scopes(["okta.logs.read"])
    finish(aloop, console.token_request.task)
    assert console.token is not None and set(console.token.facts.granted) == {"okta.users.read", "okta.logs.read"}
    token = console.token.token.access_token
    # use_authorization: a token from elsewhere (the JWT tab) goes in the Authorization header as given
    console.forget_token()
    console.use_authorization(f"Bearer {token}")
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text() and console.response.rows.rowCount() == 3
    console.use_authorization("Bearer not-a-token")
    finish(aloop, console.send())
    assert "→ 401" in console.response.status.text() and not console.response.explanation.isHidden()
    assert "token" in console.response.explanation.text().lower()
    console.clear_authorization()
    # the System Log lookup by request id
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    finish(aloop, console.find_in_system_log())
    assert "/api/v1/logs?filter=" in console.editor.path.text()
    assert "→ 200" in console.response.status.text()
    # history: select rows for the Scopes tab, replay, delete, clear
    finish(aloop, console.history_saved)
    assert set(console.history_calls()) == {"GET /api/v1/users", "GET /api/v1/logs"}
    console.history.table.selectRow(0)
    assert console.history_calls() == ["GET /api/v1/logs"]
    console.replay(console.history.selected()[0])
    assert console.editor.path.text().startswith("/api/v1/logs")
    before = len(console.history.model.entries)
    console.history.delete(console.history.selected())
    assert len(console.history.model.entries) == before - 1
    console.history.search.setText("logs")
    assert console.history.proxy.rowCount() == 0
    console.history.clear_all()
    finish(aloop, console.history_saved)
    assert json.loads(history_text(console, aloop))["entries"] == []


def test_a_token_about_to_expire_is_renewed_and_said_so(console: ConsoleTab, context: AppContext,
                                                        sandbox_factory: Any,
                                                        aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2)
    use_org(context, info)
    finish(aloop, console.get_token())
    first = console.token.token.access_token if console.token else ""
    console.engine.client(console.session).tokens.renew_margin = 3600 + 60  # the cached token counts as expiring
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    settle(aloop)
    assert "→ 200" in console.response.status.text()
    assert console.token is not None and console.token.token.access_token != first
    assert "renewed" in console.token_panel.exchange_title.text()
    assert "about to expire" in console.response.progress.text()


def test_an_answer_and_a_page_walk_move_no_pane(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                               aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    from PySide6.QtCore import QPoint, QRect

    def where() -> QRect:
        views = console.response.views
        return QRect(views.mapTo(console, QPoint(0, 0)), views.size())

    console.resize(1100, 700)
    console.show()
    qtbot.waitExposed(console)
    settle(aloop)
    before = where()
    info = sandbox_factory(users=5)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    finish(aloop, console.send())
    assert "→ 200" in console.response.status.text() and console.response.rate.text()
    settle(aloop)
    assert where() == before, "an answer moved the response views"
    finish(aloop, console.fetch_all())
    assert "All 3 pages" in console.response.progress.text()
    settle(aloop)
    assert where() == before, "the page walk's progress line moved the response views"
    prod = Profile(name="prod", org_url="https://acme.okta.com", client_id="0oa1", key_ref="none")
    context.save_settings(context.settings.settings.with_profile(prod).with_active("prod"))
    console.use_authorization("Bearer pasted")
    settle(aloop)
    assert not console.bar.confirm_box.isHidden() and not console.bar.pasted_clear.isHidden()
    assert where() == before, "a switch to a production org, or a pasted token, moved the response views"


def test_an_answer_says_what_it_holds_and_whether_a_next_page_is_linked(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=3)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    finish(aloop, console.send())
    said = console.response.explanation
    assert said.text().startswith("2 items on this page") and 'rel="next"' in said.text()
    assert not said.isHidden() and said.styleSheet() == ""  # information, not an error colour
    console.editor.set_request("GET", "/api/v1/users?limit=200")
    finish(aloop, console.send())
    assert said.text() == "3 items: the whole list (no next page)."
    console.editor.set_request("GET", "/api/v1/users/nobody-here")
    finish(aloop, console.send())
    assert "does not exist" in said.text() and said.styleSheet() != ""


def test_fetch_all_pages_says_which_page_each_figure_belongs_to(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=7)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users?limit=2")
    finish(aloop, console.fetch_all())
    view = console.response
    walk = console.state.walk
    assert walk is not None and len(walk.pages) == 4 and walk.complete
    ids = [page.response.request_id for page in walk.pages]
    assert len(set(ids)) == 4 and all(ids)
    assert view.explanation.text().startswith("7 items in 4 pages.")  # the summary counts every page
    assert view.row_count() == 7 and len(json.loads(export.json_bytes(console))) == 7

    def agree(number: int) -> None:
        headers = dict(view.headers.pairs())
        url = walk.pages[number - 1].response.url
        assert view.status.text().startswith(f"GET {url[len(info.org_url):]} → 200")
        assert view.page.text().replace("\u00a0", " ") == f"Page {number} of 4" and not view.page.isHidden()
        assert view.request_id.text() == headers["X-Okta-Request-Id"] == ids[number - 1]
        assert f"Rate limit {headers['X-Rate-Limit-Remaining']}/" in view.rate.text()
        assert view.shown_request_id() == ids[number - 1]
        if console.page.page_body.task is not None:
            finish(aloop, console.page.page_body.task)  # the page body, parsed in the executor
        page_ids = [user["id"] for user in walk.pages[number - 1].data]
        assert [user["id"] for user in json.loads(view.text.toPlainText())] == page_ids

    view.views.setCurrentWidget(view.text)  # the Text view is filled when shown
    agree(1)  # after the walk: page 1, every figure and the JSON and Text views
    view.page.setValue(4)
    agree(4)
    view.page.setValue(3)
    agree(3)
    # the rate limit went down page by page, and each page shows its own
    remaining = [page.response.rate_limit.remaining for page in walk.pages]
    assert remaining == sorted(remaining, reverse=True) and len(set(remaining)) == 4
    # a single call afterwards has no pages to choose from
    finish(aloop, console.send())
    assert view.page.isHidden() and console.state.walk is None


def test_save_json_and_csv_write_owner_only_and_say_so(console: ConsoleTab, context: AppContext,
                                                       sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    info = sandbox_factory(users=3)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.send())
    assert console.response.rows.rowCount() == 3
    for name, action in (("answer.json", export.save_json), ("answer.csv", export.save_csv)):
        target = tmp_path / name
        target.write_text("an older file anyone could read")
        target.chmod(0o644)
        monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                            lambda *_args, target=target: (str(target), ""))
        action(console)

        async def saved(target: Path = target) -> None:
            while "Saved" not in console.response.progress.text() or str(target) not in \
                    console.response.progress.text():
                await asyncio.sleep(0.02)

        aloop.run_until_complete(asyncio.wait_for(saved(), 30))
        assert "owner only" in console.response.progress.text()
        assert_mode(target, 0o600)
        assert "older file" not in target.read_text()


def _longest_gap(aloop: asyncio.AbstractEventLoop, task: Any) -> float:
    """Return the longest time (s) between ticks of a 10 ms QTimer on the GUI thread while ``task`` runs."""
    from PySide6.QtCore import QTimer

    ticks = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        finish(aloop, task)
        aloop.run_until_complete(asyncio.sleep(0.05))  # the legs' widgets are laid out and painted
    finally:
        timer.stop()
    ticks.append(time.perf_counter())
    return max(later - earlier for earlier, later in itertools.pairwise(ticks))


def test_a_huge_token_endpoint_answer_is_formatted_off_the_gui_thread_and_cut(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from oktatool.gui.console import token_panel
    from oktatool.gui.console.token_panel import SHOWN_ANSWER

    formatted_on: list[threading.Thread] = []
    real = token_panel.exchange_texts

    def watched(exchange: Any) -> list[str]:  # the real formatter, noting the thread it runs on
        formatted_on.append(threading.current_thread())
        return real(exchange)

    monkeypatch.setattr(token_panel, "exchange_texts", watched)

    exchanges: list[Any] = []
    console.exchange_arrived.connect(lambda _session, exchange: exchanges.append(exchange))
    use_org(context, sandbox_factory(users=1))
    finish(aloop, console.get_token())
    settle(aloop)
    huge = sandbox_factory(users=1, faults=(Fault("/oauth2/v1/token", "large", size=20_000_000),))
    use_org(context, huge, name="huge answer")
    finish(aloop, console.get_token(), timeout=120)
    settle(aloop)
    small, big = exchanges[0], exchanges[-1]
    assert len(big.legs[0].response_body) > 19_000_000
    panel = console.token_panel
    # the same exchange shown again, the GUI loop measured: a small one for the baseline, then the 20 MB one
    baseline = min(_longest_gap(aloop, panel.show_exchange(small)) for _ in range(3))
    gap = _longest_gap(aloop, panel.show_exchange(big))
    assert gap < 25 * baseline, (gap, baseline)  # the baseline is at least the 10 ms tick: under 0.25 s
    assert formatted_on and threading.main_thread() not in formatted_on
    [view] = panel.leg_views
    assert len(view.sent_text) < SHOWN_ANSWER + 8192
    assert "[cut: the first 64 KiB of a 20.0 MB answer are shown" in view.sent_text
