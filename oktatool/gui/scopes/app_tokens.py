"""The app's tokens in Grants & roles: listed as Okta lists them (ids, status, expiry, scopes; never a token
itself), revoked one or all, each revocation shown as its exact call first by the panel that owns this one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oktatool.core.okta.app_tokens import TOKEN_MANAGE_SCOPES, TOKEN_READ_SCOPES, AppToken, AppTokens
from oktatool.gui.models.access_models import TokenTableModel
from oktatool.gui.scopes.access_parts import table_view
from oktatool.gui.widgets.plain_text import rich_label

if TYPE_CHECKING:
    from oktatool.gui.scopes.access_parts import AccessOwner

#: what the list holds on a real org, said under it
TOKENS_NOTE = ("Okta lists an app's refresh tokens here: a client-credentials service app has none on a real org "
               "(revoke a single access token with the Console's Revoke). Calls made with a revoked token answer "
               "401 E0000011.")


class TokensPanel(QWidget):
    """List the app's tokens; revoke the selected one or all of them."""

    def __init__(self, owner: AccessOwner) -> None:
        super().__init__(owner)
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = rich_label(QLabel("<b>Tokens</b> of the app"))
        layout.addWidget(title)
        self.model = TokenTableModel(self)
        self.view = table_view(self.model, "tokenTable", "Tokens of the app")
        title.setBuddy(self.view)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        side = QVBoxLayout()
        self.list_button = QPushButton("List tokens")
        self.list_button.setObjectName("listTokens")
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setObjectName("revokeToken")
        self.revoke_button.setAccessibleName("Revoke the selected token")
        self.revoke_all_button = QPushButton("Revoke all…")
        self.revoke_all_button.setObjectName("revokeAllTokens")
        self.revoke_all_button.setAccessibleName("Revoke every token of the app")
        for button in (self.list_button, self.revoke_button, self.revoke_all_button):
            side.addWidget(button)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row, 1)
        title.setToolTip(TOKENS_NOTE)
        self.view.setToolTip(TOKENS_NOTE)
        self.list_button.clicked.connect(lambda: owner.start(self.refresh()))
        self.revoke_button.clicked.connect(lambda: owner.start(self.revoke_selected()))
        self.revoke_all_button.clicked.connect(lambda: owner.start(self.revoke_all()))
        self.view.selectionModel().selectionChanged.connect(lambda *_: owner.enable())

    def draw(self, tokens: tuple[AppToken, ...] | None) -> None:
        """Show the tokens listed for the active profile's app (None: not listed)."""
        self.model.set_tokens(tokens or ())

    def enable(self, idle: bool) -> None:
        """Enable listing when no action runs, revoking when tokens are listed."""
        listed = self.owner.part().tokens is not None
        self.list_button.setEnabled(idle)
        self.revoke_button.setEnabled(idle and self.selected() is not None)
        self.revoke_all_button.setEnabled(idle and listed and self.model.rowCount() > 0)

    def selected(self) -> AppToken | None:
        """Return the selected token, or None."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    async def refresh(self) -> bool:
        """List the app's tokens; say how many (or why not)."""
        found = await self.owner.read(lambda access: AppTokens(access).list(), TOKEN_READ_SCOPES,
                                      "Listing the app's tokens…")
        if found is None:
            return False
        self.owner.part().tokens = found
        self.draw(found)
        self.owner.say(f"Listed {len(found)} token(s) of the app.")
        return True

    async def revoke_selected(self) -> None:
        """Revoke the selected token."""
        token = self.selected()
        if token is None:
            return
        chosen: AppToken = token
        if await self.owner.change(f"Revoke the token {token.id}",
                                   lambda access: [AppTokens(access).revoke_call(chosen.id)],
                                   lambda access: AppTokens(access).revoke(chosen.id, [chosen]), TOKEN_MANAGE_SCOPES,
                                   note="Calls made with it are refused from now on."):
            await self.refresh()

    async def revoke_all(self) -> None:
        """Revoke every token of the app."""
        if await self.owner.change("Revoke every token of the app",
                                   lambda access: [AppTokens(access).revoke_call(None)],
                                   lambda access: AppTokens(access).revoke_all(), TOKEN_MANAGE_SCOPES,
                                   note="Every call made with one of them is refused from now on; the app gets "
                                        "new tokens with its key."):
            await self.refresh()
