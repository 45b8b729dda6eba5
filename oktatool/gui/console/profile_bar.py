"""The Console's profile bar: the org's badge (Local sandbox, preview, PRODUCTION), the org line, the pasted
token's notice with its way back, and the production write confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget

from oktatool.core.okta.orgkind import OrgKind
from oktatool.gui.widgets.tones import BADGES

if TYPE_CHECKING:
    from oktatool.core.store.settings import Profile
    from oktatool.gui.console.state import PastedToken

#: the org badge's background under white text
BADGE_COLOURS = {OrgKind.SANDBOX: BADGES["sandbox"], OrgKind.PREVIEW: BADGES["preview"],
                 OrgKind.DEVELOPER: BADGES["developer"], OrgKind.INTEGRATOR: BADGES["developer"],
                 OrgKind.TRIAL: BADGES["developer"], OrgKind.PRODUCTION: BADGES["production"]}


class ProfileBar(QWidget):
    """Which org the Console talks to, and with which Authorization."""

    #: the user asked to go back to the profile's own token
    clear_pasted_requested = Signal()
    #: the user ticked or cleared "Confirm writes to production"
    confirm_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = QLabel()
        self.badge.setObjectName("orgBadge")
        self.org_label = QLabel()
        self.confirm_box = QCheckBox("Confirm writes to production")
        self.confirm_box.setToolTip("Ask before a POST, PUT, PATCH or DELETE to a production org (saved per profile)")
        self.confirm_box.toggled.connect(self.confirm_toggled)
        self.pasted_label = QLabel()
        self.pasted_clear = QPushButton("Use the profile's token")
        self.pasted_clear.clicked.connect(self.clear_pasted_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.badge)
        row.addWidget(self.org_label, 1)
        row.addWidget(self.pasted_label)
        row.addWidget(self.pasted_clear)
        row.addWidget(self.confirm_box)
        # as tall as its tallest control, shown or not: a switch to a production org (the box) or a pasted
        # token (the button) does not move what is below
        self.setMinimumHeight(max(w.sizeHint().height() for w in (self.badge, self.confirm_box, self.pasted_clear)))
        self.show_pasted(None)

    def show_profile(self, profile: Profile, kind: OrgKind) -> None:
        """Draw the badge, the org line and the confirmation box of ``profile``."""
        self.badge.setText(f" {kind.label} ")
        self.badge.setStyleSheet(f"background: {BADGE_COLOURS[kind]}; color: white; font-weight: 600; "
                                 "border-radius: 3px; padding: 2px 6px")
        where = "built-in sandbox org" if profile.is_sandbox else profile.org_url
        self.org_label.setText(f"{profile.name}: {where}" + (" · DPoP" if profile.dpop else ""))
        self.confirm_box.blockSignals(True)
        self.confirm_box.setChecked(profile.confirm_writes)
        self.confirm_box.blockSignals(False)
        self.confirm_box.setVisible(kind is OrgKind.PRODUCTION)

    def show_pasted(self, pasted: PastedToken | None) -> None:
        """Say that calls use a pasted token (with the way back), or nothing when they use the profile's."""
        self.pasted_label.setText(f"Calls use a pasted {pasted.scheme} token" if pasted is not None else "")
        self.pasted_label.setVisible(pasted is not None)
        self.pasted_clear.setVisible(pasted is not None)

    def traces(self) -> list[str]:
        """Return the texts shown that name the profile."""
        return [self.org_label.text(), self.pasted_label.text()]
