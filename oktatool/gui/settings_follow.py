"""Tie a widget's reaction to saved settings to the widget's life."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from oktatool.context import AppContext
    from oktatool.core.store.settings import Settings


def follow_settings(owner: QObject, context: AppContext, react: Callable[[Settings], None]) -> None:
    """Call ``react``, a method of ``owner``, after each ``context.save_settings`` until ``owner`` is destroyed.

    The context holds ``owner`` only weakly (no reference cycle for the collector to find off the GUI thread),
    and the listener is dropped when Qt destroys ``owner``, so a closed tab is never called.
    """
    method = weakref.WeakMethod(react)

    def relay(settings: Settings) -> None:
        bound = method()
        if bound is not None:
            bound(settings)

    def drop(*_args: object) -> None:
        if relay in context.settings_listeners:
            context.settings_listeners.remove(relay)

    context.settings_listeners.append(relay)
    owner.destroyed.connect(drop)
