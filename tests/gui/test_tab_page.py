"""The window asks a tab what it can do (TabPage and its abilities) instead of looking for methods by name."""

from __future__ import annotations

import asyncio
from typing import Any

from oktatool.context import AppContext
from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.tab_page import FilePage, PastePage, StorePage, TabPage


def test_every_tab_is_a_tab_page_and_the_menus_ask_what_it_can_do(qtbot: Any, context: AppContext,
                                                                   aloop: asyncio.AbstractEventLoop) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.start()
    pages = {spec.key: window.page(spec.key) for spec in TAB_SPECS}
    for page in pages.values():
        assert isinstance(page, TabPage)
    for key in ("keys", "jwt"):
        assert isinstance(pages[key], FilePage)
        assert isinstance(pages[key], PastePage)
        assert isinstance(pages[key], StorePage)
    assert not isinstance(pages["scopes"], FilePage)
    window.show_tab("scopes")
    window.open_action.trigger()
    assert window.statusBar().currentMessage() == "The Scopes tab has nothing to open."
    aloop.run_until_complete(asyncio.sleep(0.05))
    context.close()
