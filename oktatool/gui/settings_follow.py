"""Tie a widget's reaction to saved settings, or to a profile switch, to the widget's life."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.store.settings import Settings


def _listen(owner: QObject, listeners: list[Any], react: Callable[..., None], *, first_only: bool = False) -> None:
    """Add a weak relay to ``react`` (a method of ``owner``) to ``listeners``, removed when Qt destroys ``owner``.

    The list holds ``owner`` only weakly (no reference cycle for the collector to find off the GUI thread),
    so a closed tab is never called. ``first_only`` passes on only the first argument of each call.
    """
    method = weakref.WeakMethod(react)

    def relay(*args: Any) -> None:
        bound = method()
        if bound is not None:
            bound(*args[:1]) if first_only else bound(*args)

    def drop(*_args: object) -> None:
        if relay in listeners:
            listeners.remove(relay)

    listeners.append(relay)
    owner.destroyed.connect(drop)


def follow_settings(owner: QObject, context: AppContext, react: Callable[[Settings], None]) -> None:
    """Call ``react``, a method of ``owner``, after each ``context.save_settings`` until ``owner`` is destroyed."""
    _listen(owner, context.settings_listeners, react)


def follow_profile(owner: QObject, context: AppContext, reset: Callable[[ProfileSession], None]) -> None:
    """Call ``reset(session)``, a method of ``owner``, now and whenever the active profile's session is replaced.

    ``reset`` draws the new session from scratch: whatever the tab showed of the old profile goes.
    """
    _listen(owner, context.profile_listeners, reset, first_only=True)
    reset(context.session)
