"""The JWT tab's token side read back (a part of JwtTab in its own module): a token typed, pasted, dropped or
opened from a file is decoded into the editor and is never re-signed unless the user presses Sign.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QWidget

from oktatool.core.errors import OktaToolError
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel

    from oktatool.core.jose.assertion import Finding
    from oktatool.gui import tasks
    from oktatool.gui.jwt.claims_panel import ClaimsPanel
    from oktatool.gui.jwt.header_panel import HeaderPanel
    from oktatool.gui.jwt.template_panel import TemplatePanel
    from oktatool.gui.jwt.token_view import TokenView
    from oktatool.gui.jwt.verify_panel import VerifyPanel


class DecodingPart:
    """Token -> editor: decode the token shown, pasted, dropped or opened, and fill the editor from it."""

    header: HeaderPanel
    claims: ClaimsPanel
    templates: TemplatePanel
    verifier: VerifyPanel
    token: TokenView
    size_label: QLabel
    sign_request: tasks.LatestRequest
    sign_timer: QTimer
    decode_timer: QTimer
    tracking: bool
    _setting_token: bool

    if TYPE_CHECKING:
        def _status(self, text: str, *, error: bool = False) -> None: ...
        def _update_buttons(self) -> None: ...
        def _run_preflight(self) -> list[Finding]: ...

    def _token_edited(self) -> None:
        self._update_buttons()
        if self._setting_token:
            return
        self.sign_request.cancel()
        self.sign_timer.stop()
        self.decode_timer.start()

    def decode_current(self) -> None:
        """Decode the token text into the editor (it is not re-signed)."""
        self.decode_timer.stop()
        text = self.token.toPlainText()
        if not text.strip():
            self.verifier.show_decoded("", None)
            self._status("")
            return
        self.tracking = False
        self._show_decoded(text, fill_editor=True)

    def _show_decoded(self, token: str, *, fill_editor: bool) -> None:
        from oktatool.core.jose.claims import parse_exact_object
        from oktatool.core.jose.jwt import decode_token, parse_compact

        try:
            decoded = decode_token(token)
        except OktaToolError as exc:
            self.verifier.show_decoded("", None, plain_message(exc))
            self._status(plain_message(exc), error=True)
            return
        self.verifier.show_decoded(token.strip(), decoded)
        self._update_size(token)
        if not fill_editor:
            return
        if decoded.encrypted:
            self._status("An encrypted JWT (JWE): only its header can be shown.", error=True)
            return
        alg_problem = self.header.set_header(dict(decoded.header))
        claims: dict[str, Any] | None = None
        try:  # re-read the payload exactly, so 3.0 and big integers show as the token has them
            payload = parse_compact(token).payload.decode("utf-8")
            claims = parse_exact_object(payload, what="the claims")
        except (OktaToolError, UnicodeDecodeError):
            claims = None
        self.claims.blockSignals(True)
        self.claims.set_claims(claims or {})
        self.claims.blockSignals(False)
        self.templates.judge_token(decoded.claims)
        self._run_preflight()
        if decoded.signature_problem:
            self._status(f"Decoded into the editor, but the signature is bad: {decoded.signature_problem}. It can "
                         "never verify; copy the token again, or press Sign to sign the editor's claims.", error=True)
            return
        if alg_problem:
            self._status(f"Decoded into the editor; not re-signed. {alg_problem}")
            return
        self._status("Decoded into the editor; not re-signed. Verify it below, or press Sign to sign the "
                     "editor's claims with your key.")

    def _update_size(self, token: str) -> None:
        text = token.strip()
        self.size_label.setText(f"{len(text):,} characters" if text else "")

    def paste(self) -> None:
        """Decode the JWT on the clipboard."""
        self.token.clear()
        self.token.paste()
        self.decode_current()

    def open_file(self) -> None:
        """Ask for a file holding a JWT and decode it."""
        assert isinstance(self, QWidget)
        path, _ = QFileDialog.getOpenFileName(self, "Open a JWT", str(Path.home()), "All files (*)")
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        """Decode the JWT in ``path`` (refusing big or binary files with a message)."""
        from oktatool.core.jose.input_kind import token_text
        from oktatool.core.jose.jwt import MAX_TOKEN_CHARS

        try:
            size = path.stat().st_size
            if size > MAX_TOKEN_CHARS:
                self._status(f"{path.name} is {size:,} bytes: too big to be a JWT.", error=True)
                return
            text = token_text(path.read_bytes())
        except OSError as exc:
            self._status(f"Cannot read {path.name}: {exc.strerror}.", error=True)
            return
        except OktaToolError as exc:
            self.verifier.show_decoded("", None, plain_message(exc))
            self._status(f"{path.name}: {plain_message(exc)}", error=True)
            return
        self.token.setPlainText(text.strip())
        self.decode_current()
