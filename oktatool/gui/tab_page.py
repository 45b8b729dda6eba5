"""What the window may ask of a tab's content: the TabPage Protocol, and the optional abilities beside it.

Every tab (``TAB_SPECS`` in main_window) is a TabPage. A tab that opens and saves files, pastes, or lists the
secret store's keys is also a FilePage, PastePage or StorePage; the window checks which before it calls, so a
missing method is a type error or a clear "nothing to open" line, never an AttributeError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


@runtime_checkable
class TabPage(Protocol):
    """One tab of the window."""

    def copy_current(self) -> None:
        """Copy what the tab shows as its result (Edit > Copy when no text field has the focus)."""

    async def prepare_screenshot(self) -> None:
        """Show real work against the Local sandbox for --screenshot."""

    async def self_test(self) -> str:
        """Exercise the tab's engine for --self-test; return one line saying what was done."""

    def profile_traces(self) -> list[str]:
        """Return every string the tab shows or would use that belongs to the active profile.

        Key ids and thumbprints, tokens, client ids, org URLs, grants, request ids: after a profile switch
        none of the old profile's may be left (the profile contract test asks every tab).
        """


@runtime_checkable
class FilePage(Protocol):
    """A tab that opens and saves files (File > Open, File > Save)."""

    def open_file(self) -> None:
        """Ask for a file and load it."""

    def save_file(self) -> None:
        """Ask where to save the tab's result."""


@runtime_checkable
class PastePage(Protocol):
    """A tab that takes the clipboard as input (Edit > Paste when no text field has the focus)."""

    def paste(self) -> object:
        """Take the clipboard's content."""


@runtime_checkable
class StorePage(Protocol):
    """A tab that lists what the secret store holds."""

    def store_ready(self) -> None:
        """Refill what needed the secret store, now that it is open."""


@runtime_checkable
class TakesAuthorization(Protocol):
    """A tab that sends a token it is handed (the Console: the JWT tab's token as the Authorization header)."""

    def use_authorization(self, token: str) -> None:
        """Send ``token`` with the next calls instead of the profile's own."""


@runtime_checkable
class TakesAssertion(Protocol):
    """A tab that trades a client assertion it is handed for a token."""

    def use_client_assertion(self, assertion: str) -> None:
        """Ask for a token with ``assertion``."""


@runtime_checkable
class KeepsCallHistory(Protocol):
    """A tab that remembers the API calls made (the Console), as ``METHOD PATH`` lines."""

    def history_calls(self) -> list[str]:
        """Return the calls made, newest first."""


@runtime_checkable
class TabHost(Protocol):
    """The window, as a tab sees it when it hands work to another tab."""

    def page(self, key: str) -> TabPage:
        """Build the tab ``key`` if needed and return it."""

    def show_page(self, key: str) -> TabPage:
        """Show the tab ``key`` (built if needed) and return it."""


def tab_page(content: QWidget | None) -> TabPage | None:
    """Return ``content`` as a TabPage (None while the tab is not built)."""
    return content if isinstance(content, TabPage) else None
