"""Keep a dialog on the profile it was opened for, and say so when another one becomes active.

The service-app dialogs (set-up, rotation, diagnosis, export) show and act on one profile: its org, app and
key. If the active profile changes while one is open (another profile, or this one pointed at another org
or app in Edit profiles…), the dialog does not quietly switch to it: what it shows stays labelled with the
profile it was opened for, it starts nothing more, and a line says to open it again for the new profile.
A new key for the same profile (the rotation's own last step) is the same profile: the dialog goes on.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from oktatool.gui.settings_follow import follow_profile

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.store.settings import Profile


def same_profile(a: Profile, b: Profile) -> bool:
    """Return True when ``b`` is still the profile ``a`` names: same name, org and service app."""
    return (a.name, a.org_url, a.client_id) == (b.name, b.org_url, b.client_id)


class ProfileWatch(QObject):
    """The session a dialog was opened for; ``left`` turns True (and ``on_left`` is told why) once it is not."""

    def __init__(self, dialog: QWidget, context: AppContext, on_left: Callable[[str], None]) -> None:
        super().__init__(dialog)
        self.session: ProfileSession = context.session
        self.left = False
        #: what the dialog says once the active profile is another one
        self.left_text = ""
        self._on_left = weakref.WeakMethod(on_left)  # a method of the dialog: no cycle through the watch
        follow_profile(self, context, self._follow)

    @property
    def profile(self) -> Profile:
        """Return the profile the dialog works on."""
        return self.session.profile

    def _follow(self, session: ProfileSession) -> None:
        if session is self.session or self.left:
            return
        if same_profile(self.session.profile, session.profile):
            self.session = session
            return
        self.left = True
        opened_for, now = self.session.profile.name, session.profile.name
        text = (f"The active profile is now {now}. This dialog stays with {opened_for}: close it and open it "
                f"again for {now}." if now != opened_for else
                f"{opened_for} now points at another org or app. This dialog stays with what it was opened "
                "for: close it and open it again.")
        self.left_text = text
        react = self._on_left()
        if react is not None:
            react(text)
