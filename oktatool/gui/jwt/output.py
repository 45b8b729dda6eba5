"""What the JWT tab does with its token: copy it as a secret, save it owner-only, hand it to the Console."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from oktatool.core.errors import OktaToolError
from oktatool.gui.tab_page import TabHost, TabPage, TakesAssertion, TakesAuthorization
from oktatool.gui.widgets.clipboard import SECRET_CLEAR_MS, copy_text
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.tones import plain_message


def copy_secret(text: str) -> str:
    """Copy ``text`` as a secret (marked for clipboard managers, cleared after 30 s); return what the user is told."""
    copy_text(text, secret=True)
    return f"Copied (cleared from the clipboard in {SECRET_CLEAR_MS // 1000} s)."


class TokenOutput:
    """The token's outputs; ``token()`` returns it and ``status(text, error=…)`` tells the user what happened."""

    def __init__(self, owner: QWidget, token: Callable[[], str], status: Callable[..., None]) -> None:
        self.owner = owner
        self.token = token
        self.status = status

    def copy(self) -> None:
        """Copy the token as a secret."""
        if self.token():
            self.status(copy_secret(self.token()))

    def ask_and_save(self) -> None:
        """Ask where to save the token (it is a credential until it expires)."""
        if not self.token():
            return
        path = ask_save_path(self.owner, "Save the token", "token.jwt")
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Write the token to ``path`` with mode 0600."""
        from oktatool.core.files import write_file

        try:
            write_file(path, (self.token() + "\n").encode("ascii"), private=True)
        except OktaToolError as exc:
            self.status(plain_message(exc), error=True)
            return False
        self.status(f"Saved {path.name} (readable only by you).")
        return True

    def console(self) -> TabPage | None:
        """Return the Console tab (built and shown), or None outside the main window."""
        window = self.owner.window()
        return window.show_page("console") if isinstance(window, TabHost) else None

    def send_to_console(self) -> bool:
        """Put the token in the Console's Authorization header (when the Console offers it)."""
        console = self.console()
        if isinstance(console, TakesAuthorization):
            console.use_authorization(self.token())
            return True
        self.status(copy_secret(self.token()) + " The Console cannot take a token yet: paste it as "
                    "'Authorization: Bearer <token>'.")
        return False

    def use_as_assertion(self) -> bool:
        """Hand the token to the Console as a client assertion, or copy it and say how to use it."""
        console = self.console()
        if isinstance(console, TakesAssertion):
            console.use_client_assertion(self.token())
            return True
        self.status(copy_secret(self.token()) + " Send it to the token URL as client_assertion, with "
                    "client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer and "
                    "grant_type client_credentials. Okta accepts each assertion once.")
        return False
