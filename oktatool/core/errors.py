"""The one error hierarchy of oktatool.

Core code raises these; the CLI prints ``error: <description>`` (and the hint) and exits with
``exit_code``; the GUI shows the same text next to the field that caused it. A description never
contains private key material, tokens or passphrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Exit status for "the operation failed" (token refused, signature invalid, network down).
EXIT_FAILED = 1
#: Exit status for "bad input or usage" (malformed key, wrong passphrase, unknown flag).
EXIT_BAD_INPUT = 2


#: how much of a value the user gave an error message repeats (input may be megabytes, or a pasted secret)
QUOTE_LIMIT = 60


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters with an ellipsis, for repeating input in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


#: what may close a sentence after its last mark: a quote or a bracket ('…wrong."', '(…running?)')
_CLOSERS = "\"')]\u201d\u2019"
#: what may open a quoted value: a quote or a bracket
_OPENERS = "\"'([\u201c\u2018"

#: the longest run of characters without a space an error keeps whole (a path, a URL); a longer one is a value
#: the user gave that a message quoted without ``shorten`` (every error is cut by OktaToolError, the backstop)
MAX_UNBROKEN = 240
_UNBROKEN = re.compile(r"\S{" + str(MAX_UNBROKEN + 1) + ",}")


def bounded(text: str) -> str:
    """Return ``text`` with every run of more than MAX_UNBROKEN non-space characters cut as ``shorten`` cuts
    (a closing quote or bracket kept), a Hint's window wording too."""
    def cut(match: re.Match[str]) -> str:
        run = match.group()
        opener = run[0] if run[0] in _OPENERS else ""
        closer = run[-1] if run[-1] in _CLOSERS else ""
        return opener + shorten(run[len(opener):len(run) - len(closer)]) + closer

    if len(text) <= MAX_UNBROKEN:
        return text
    if isinstance(text, Hint):
        return Hint(_UNBROKEN.sub(cut, str(text)), window=_UNBROKEN.sub(cut, text.window))
    return _UNBROKEN.sub(cut, text)


def end_sentence(text: str) -> str:
    """Return ``text`` ending in one full stop, unless it already ends a sentence (. ? ! or …)."""
    text = text.rstrip()
    return text if text.rstrip(_CLOSERS).endswith((".", "?", "!", "…")) else text + "."


#: initials read with a vowel sound ("an RSA key", "an HS256 token", "an SSWS token", "an X25519 key")
_VOWEL_SOUND_INITIALS = frozenset("AEFHILMNORSX")


def with_article(noun: str) -> str:
    """Return ``noun`` after "a" or "an" as it is spoken: an EC, an OKP, an RSA-2048, an oct, a P-256, a dict."""
    head = noun[:1]
    spelled_out = len(noun) > 1 and head.isupper() and not noun[1].islower()  # RSA, EC, HS256, X25519
    vowel = head in _VOWEL_SOUND_INITIALS if spelled_out else head.lower() in "aeio" or noun.startswith("un")
    return f"{'an' if vowel else 'a'} {noun}"


class Hint(str):
    """A fix worded for the command line (it names flags) that carries its wording for the window.

    It is the command-line text everywhere a plain string is expected (the CLI prints it, ``doctor --json``
    writes it); the window asks ``for_window`` and says ``window`` instead, naming its own controls.
    """

    window: str

    def __new__(cls, cli: str, *, window: str) -> Hint:
        hint = super().__new__(cls, cli)
        hint.window = window
        return hint

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, str]]:  # copy and pickle keep both wordings
        return (str(self),), {"window": self.window}


def for_window(text: str) -> str:
    """Return ``text`` as the window says it: a Hint's window wording, any other text as it is."""
    return text.window if isinstance(text, Hint) else text


def joined(parts: Iterable[str], separator: str = "") -> str:
    """Join texts as ``separator.join`` does, keeping the window wording of any Hint among them."""
    texts = list(parts)
    cli, window = separator.join(texts), separator.join(for_window(text) for text in texts)
    return cli if window == cli else Hint(cli, window=window)


class OktaToolError(Exception):
    """Base class of every error oktatool raises on purpose."""

    #: short, stable, machine-readable code (snake_case)
    code: str = "oktatool_error"
    #: the exit status the CLI uses for this family
    exit_code: int = EXIT_FAILED

    def __init__(self, description: str, *, hint: str | None = None, code: str | None = None) -> None:
        description = bounded(description)  # a value quoted whole (megabytes of input, a pasted secret) is cut
        super().__init__(description)
        self.description = description
        self.hint = bounded(hint) if hint is not None else None
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.description

    def user_message(self) -> str:
        """Return the description and, when known, the fix (a Hint's window wording kept), as shown to a person."""
        if self.hint:
            return joined([self.description, "\nhint: ", self.hint])
        return self.description


class BadInputError(OktaToolError):
    """Input the user gave cannot be used (exit 2)."""

    code = "bad_input"
    exit_code = EXIT_BAD_INPUT


class KeyMaterialError(BadInputError):
    """A key cannot be generated, parsed, converted or exported as asked."""

    code = "key_material"


class PassphraseError(KeyMaterialError):
    """An encrypted key needs a passphrase, or the one given is wrong."""

    code = "passphrase"


class ClaimError(BadInputError):
    """A JWT header or claim set is malformed or breaks a rule; ``claim`` names the member."""

    code = "claim"

    def __init__(
        self, description: str, *, claim: str | None = None, hint: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(description, hint=hint, code=code)
        self.claim = claim


class TokenFormatError(BadInputError):
    """A string is not a JWT (or JWE) that can be decoded."""

    code = "token_format"


class OrgUrlError(BadInputError):
    """An Okta org URL is malformed or points at the wrong place."""

    code = "org_url"


class VerificationError(OktaToolError):
    """A JWT did not verify: bad signature, unknown kid, alg not allowed, expired or not yet valid."""

    code = "verification_failed"


class TokenError(OktaToolError):
    """The authorization server refused to issue a token."""

    code = "token_refused"


class ApiError(OktaToolError):
    """An Okta API call answered with an error."""

    code = "api_error"


class NetworkError(OktaToolError):
    """The network failed: no route, DNS, TLS verification, timeout, reset connection."""

    code = "network"


class ConfigError(OktaToolError):
    """Settings or profiles cannot be read or written."""

    code = "config"


class SecretStoreError(OktaToolError):
    """The secret store (OS keyring or encrypted file) cannot store or return a secret."""

    code = "secret_store"


class StoreLockedError(SecretStoreError):
    """The passphrase-protected secret store is locked: the action needs its passphrase first.

    Raised before the action has done anything, so it can be run again once the store is unlocked (the
    window asks for the passphrase in place; the CLI reads it from a file or a terminal). Bad input (exit 2)
    on the command line: a passphrase is missing.
    """

    code = "store_locked"
    exit_code = EXIT_BAD_INPUT


class SandboxError(OktaToolError):
    """The local sandbox org cannot start or serve."""

    code = "sandbox"


class CancelledError(OktaToolError):
    """The user cancelled an operation while it waited (e.g. for a rate limit to reset)."""

    code = "cancelled"
