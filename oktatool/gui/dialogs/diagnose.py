"""Diagnose: run every doctor check for the active profile and show pass, warn, fail or skip, with the fix."""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.gui import tasks
from oktatool.gui.dialogs.profile_watch import ProfileWatch
from oktatool.gui.dialogs.steps_dialog import rows_table
from oktatool.gui.models.checks_model import COL_DETAIL, COL_FIX, COL_STATUS, COL_TITLE, ChecksModel, ProblemsFilter
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.okta.doctor_report import Check, DoctorReport
    from oktatool.core.store.settings import Profile


class DiagnoseDialog(QDialog):
    """The doctor's checks for the active profile, as they end, in a table."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.watch = ProfileWatch(self, context, self._profile_left)
        self.setWindowTitle(f"Diagnose — {self.profile.name}")
        self.resize(1000, 560)
        where = ("the built-in sandbox org and its service app" if self.profile.is_sandbox and not
                 self.profile.client_id else
                 f"the built-in sandbox org, client {self.profile.client_id}" if self.profile.is_sandbox else
                 f"{self.profile.org_url}, client {self.profile.client_id or '(none)'}")
        intro = rich_label(QLabel(f"Checks every cause of the common service-app problems for "
                       f"<b>{html.escape(self.profile.name)}</b> ({html.escape(where)})."))
        intro.setWordWrap(True)
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox, allow_none=True)
        if not self.profile.is_sandbox:  # run at once without one; the user adds it and runs again
            self.admin.source.setCurrentIndex(self.admin.source.findData("none"))
        form = QFormLayout()
        form.addRow("Admin credential", self.admin)
        self.model = ChecksModel(self)
        self.proxy = ProblemsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = rows_table(self.proxy, "checksTable", "Checks")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_FIX, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_TITLE, 250)
        self.table.setColumnWidth(COL_FIX, 220)
        self.problems_only = QCheckBox("Problems only")
        self.problems_only.toggled.connect(self.proxy.set_problems_only)
        self.summary = QLabel()
        self.summary.setObjectName("doctorSummary")
        self.summary.setWordWrap(True)
        self.run_button = QPushButton("Run checks")
        self.run_button.setObjectName("runChecks")
        self.run_button.clicked.connect(self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.problems_only)
        row.addWidget(self.summary, 1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.request = tasks.LatestRequest()
        self.report: DoctorReport | None = None

    @property
    def profile(self) -> Profile:
        """Return the profile the dialog was opened for (with its new key, once rotated)."""
        return self.watch.profile

    def start(self) -> asyncio.Task[None] | None:
        """Run the checks (again); the newest run wins. Not once the active profile is another one."""
        if self.watch.left:
            return None
        return self.request.start(self._run(self.request.generation + 1))

    def _profile_left(self, text: str) -> None:
        """Another profile is active: the checks shown stay those of this one; no new run."""
        self.run_button.setEnabled(False)
        if not self.request.busy:
            self.summary.setStyleSheet(tone_style("error"))
            self.summary.setText(text)

    async def _run(self, generation: int) -> None:
        from oktatool.core.okta.doctor import run_doctor

        self.model.clear()
        self.table.setColumnHidden(COL_FIX, True)
        self.report = None
        self.run_button.setEnabled(False)
        self.summary.setStyleSheet("")
        self.summary.setText("Running the checks…")
        loop = asyncio.get_running_loop()
        choice = self.admin.choice()

        def seen(check: Check) -> None:  # on a worker thread: hand the row to the GUI thread
            loop.call_soon_threadsafe(self._add, generation, check)

        def work() -> DoctorReport:
            admin = load_admin_credential(self.context, choice)
            return run_doctor(self.context.doctor_input(self.profile, admin=admin), seen)

        try:
            report = await with_unlocked_store(self, self.context, work)
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.summary.setStyleSheet(tone_style("error"))
                self.summary.setText(plain_message(exc))
            return
        finally:
            if self.request.is_current(generation):
                self.run_button.setEnabled(not self.watch.left)
        await asyncio.sleep(0)  # let the rows queued by the worker land first
        if not self.request.is_current(generation):
            return
        self.report = report
        self._summarize()
        if self.watch.left:
            self.summary.setText(f"{self.summary.text()}. {self.watch.left_text}")

    def _add(self, generation: int, check: Check) -> None:
        if self.request.is_current(generation):
            self.model.add(check)
            # the Fix column earns its room only once a check needs a fix
            self.table.setColumnHidden(COL_FIX, not any(c.status in ("fail", "warn") for c in self.model.checks()))
            self.table.resizeRowsToContents()

    def _summarize(self) -> None:
        counts = self.model.counts()
        parts = [f"{counts[s]} {s}" for s in ("pass", "warn", "fail", "skip") if counts[s]]
        if counts["fail"]:
            failed = next(c for c in self.model.checks() if c.status == "fail")
            self.summary.setStyleSheet(tone_style("error", bold=True))
            self.summary.setText(f"{', '.join(parts)} — start with “{failed.title}”")
        else:
            self.summary.setStyleSheet(tone_style("good", bold=True))
            self.summary.setText(("Every check passed" if counts["pass"] == sum(counts.values()) else
                                  "No check failed") + f" ({', '.join(parts)})")
