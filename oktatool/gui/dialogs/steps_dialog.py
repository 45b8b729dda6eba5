"""The shape shared by the service-app and key-rotation dialogs: form → summary → steps table → status + Run + Close.

``StepsDialog`` builds the layout and runs a resumable ``Flow`` (``core.okta.setup``): each step shows the API
call it made and its result as it ends; a failed step is explained and the Run button becomes "Retry failed
step", which goes on from it. Subclasses build the form and say how to prepare the flow and what to report.
"""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError, end_sentence, for_window
from oktatool.gui import tasks
from oktatool.gui.dialogs.profile_watch import ProfileWatch
from oktatool.gui.models.steps_model import COL_CALLS, COL_RESULT, COL_STATUS, COL_STEP, StepsModel
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.plain_text import plain_label, rich_label
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.okta.setup import Flow, Step
    from oktatool.core.store.settings import Profile

#: the Run button's text after a step failed
RETRY_BUTTON = "Retry failed step"
#: prefix of a key choice's data naming a library key
LIBRARY = "library:"

FlowT = TypeVar("FlowT", bound="Flow")


def rows_table(model: QAbstractItemModel, name: str, title: str) -> QTableView:
    """Return a word-wrapping, row-selecting table view of ``model`` without row numbers, called ``title``."""
    table = QTableView()
    named(table, title)
    tip_elided_cells(table)
    table.setObjectName(name)
    table.setModel(model)
    table.setWordWrap(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    return table


def steps_table(model: StepsModel) -> QTableView:
    """Return a table view for a flow's steps."""
    table = rows_table(model, "stepsTable", "Steps")
    header = table.horizontalHeader()
    header.setSectionResizeMode(COL_STEP, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_CALLS, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(COL_RESULT, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(COL_CALLS, 300)
    return table


def library_key(context: AppContext, choice: str) -> Key | None:
    """Return the library key a ``LIBRARY``-prefixed choice names (with a thumbprint kid if it had none), else None."""
    if not choice.startswith(LIBRARY):
        return None
    key = context.key_library().load(choice[len(LIBRARY):])
    return key if key.kid else key.with_thumbprint_kid()


def org_of(context: AppContext, profile: Profile, http: HttpOptions) -> tuple[OrgUrl, HttpOptions]:
    """Return the org and HTTP options of ``profile`` (blocking: the sandbox may start).

    A profile for a real org may have no client id yet (New service app makes one), so only the Local
    sandbox goes through ``org_target``.
    """
    from oktatool.core.okta.orgurl import parse_org_url

    if profile.is_sandbox:
        target = context.org_target(profile, http=http)
        return target.org, target.http
    return parse_org_url(profile.org_url), http


def client_of(context: AppContext, profile: Profile) -> str:
    """Return the client id ``profile``'s app has (blocking for the Local sandbox: it may start).

    A Local sandbox profile without one acts as the sandbox's built-in service app (or its DPoP twin).
    """
    if profile.is_sandbox and not profile.client_id:
        return context.org_target(profile).client_id
    return profile.client_id


#: what an intro says of an app whose profile names no client id yet
NO_CLIENT = "no client id yet"


class StepsDialog(QDialog, Generic[FlowT]):
    """A form of choices, then the flow's steps as they run; subclasses fill in the hooks below."""

    #: status text while the flow is prepared, and while its steps run
    PREPARING = "Preparing…"
    RUNNING = "Running the steps…"
    #: said after a failed step's error and fix
    RETRY_TEXT = "Retry goes on from this step."

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.watch = ProfileWatch(self, context, self._profile_left)
        self.flow: FlowT | None = None
        self.request = tasks.LatestRequest()

    @property
    def profile(self) -> Profile:
        """Return the profile the dialog was opened for (with its new key, once rotated)."""
        return self.watch.profile

    def build(self, intro: str, form: QFormLayout, planned: list[Step], *, name: str, run_text: str,
              run_name: str, stretch: tuple[int, int] = (0, 1)) -> None:
        """Lay out ``intro``, ``form``, the summary, the ``planned`` steps and the status row.

        ``intro`` is HTML; ``{client}`` in it stands for the app's client id, named once known (the Local
        sandbox's built-in app has its id once the sandbox runs). ``name`` prefixes the summary's and status's
        object names; ``stretch`` is (form, table).
        """
        self.intro = rich_label(QLabel())
        self.intro.setObjectName(f"{name}Intro")
        self.intro.setWordWrap(True)
        self._name_client(intro)
        self.form = QWidget()
        self.form.setLayout(form)
        self.summary = plain_label(QLabel())  # names keys, kids and URLs as they are: never markup
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.model = StepsModel(planned, parent=self)
        self.table = steps_table(self.model)
        self.status = plain_label(QLabel())  # says what the org or a URL answered: never markup
        self.status.setObjectName(f"{name}Status")
        self.status.setWordWrap(True)
        self.run_text = run_text
        self.run_button = QPushButton(run_text)
        self.run_button.setObjectName(run_name)
        self.run_button.clicked.connect(self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.run_button)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.form, stretch[0])
        layout.addWidget(self.summary)
        layout.addWidget(self.table, stretch[1])
        layout.addLayout(row)

    def _name_client(self, intro: str) -> None:
        profile, running = self.profile, self.context.sandbox_running
        known = profile.client_id or (None if profile.is_sandbox else NO_CLIENT)
        if known is None and running is not None:
            known = client_of(self.context, profile)  # not blocking: the sandbox runs

        def show(client: str) -> None:
            self.intro.setText(intro.replace("{client}", html.escape(client)))

        if known is not None:
            show(known)
            return
        show("…")

        async def fill() -> None:
            try:
                show(await tasks.run_blocking(client_of, self.context, profile))
            except OktaToolError as exc:
                self.say(plain_message(exc), "error")

        tasks.spawn(fill())

    def say(self, text: str, kind: str | None = None) -> None:
        self.status.setStyleSheet(tone_style(kind) if kind else "")
        self.status.setText(text)

    def start(self) -> asyncio.Task[None] | None:
        """Run the flow, or retry from the failed step (not once the active profile is another one)."""
        if self.watch.left:
            return None
        return self.request.start(self._run())

    def _profile_left(self, text: str) -> None:
        """Another profile is active: start nothing more (steps already running finish, then say so)."""
        self.run_button.setEnabled(False)
        if not self.request.busy:
            self.say(text, "error")

    async def _prepare(self) -> FlowT:
        """Return the flow made from the form's choices (raise OktaToolError to refuse them)."""
        raise NotImplementedError

    def _summary_text(self, flow: FlowT) -> str:
        """Return the line that stands for the choices once the flow is prepared (plain text)."""
        raise NotImplementedError

    def _stop_before(self, flow: FlowT) -> str | None:
        """Return the step to stop before and ask about (None: run to the end, the default)."""
        return None

    def _paused_text(self, flow: FlowT) -> str:
        """Return what to say when the steps stopped before ``_stop_before``'s step (the question)."""
        raise NotImplementedError

    async def _after_run(self, flow: FlowT) -> None:
        """Do what follows each run of the steps, done or not (nothing by default)."""

    def _done_text(self, flow: FlowT) -> str:
        """Return what to say when every step is done."""
        raise NotImplementedError

    async def _run(self) -> None:
        self.run_button.setEnabled(False)
        try:
            if self.flow is None:
                self.say(self.PREPARING)
                self.flow = await self._prepare()
                self.form.hide()  # the choices are made: the steps get the room
                self.summary.setText(self._summary_text(self.flow))
                self.summary.show()
                self.model.set_steps(self.flow.steps)
            flow = self.flow
            loop = asyncio.get_running_loop()

            def changed(step: Step) -> None:  # on a worker thread
                loop.call_soon_threadsafe(self.model.update, StepsModel.snapshot(step))

            self.say(self.RUNNING)
            ok = await tasks.run_blocking(flow.run, changed, until=self._stop_before(flow))
            await asyncio.sleep(0)
            self.model.set_steps(flow.steps)
            self.table.resizeRowsToContents()
            await self._after_run(flow)
            if ok and self.run_button.text() == RETRY_BUTTON:  # the failed step went through
                self.run_button.setText(self.run_text)
            if ok and not flow.done:
                self.say(self._paused_text(flow), "warn")
                return
            if ok:
                self.say(self._done_text(flow), "good")
                return
            failed = flow.failed
            assert failed is not None
            hint = f" Fix: {end_sentence(for_window(failed.hint))}" if failed.hint else ""
            self.say(f"“{failed.title}” failed: {end_sentence(failed.error)}{hint} {self.RETRY_TEXT}", "error")
            self.run_button.setText(RETRY_BUTTON)
        except OktaToolError as exc:
            self.say(plain_message(exc), "error")
        finally:
            self.run_button.setEnabled((self.flow is None or not self.flow.done) and not self.watch.left)
        if self.watch.left:
            self.say(f"{self.status.text()} {self.watch.left_text}".strip(), "error")
