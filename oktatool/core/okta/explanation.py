"""An explanation of an Okta error answer, and what the caller knows to make it concrete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    """What happened, why it usually happens, and what to do about it."""

    what: str
    cause: str
    fix: str


@dataclass(frozen=True)
class ExplainContext:
    """What the caller knows about the failed request, to make explanations concrete."""

    client_id: str | None = None
    token_url: str | None = None
    assertion_kid: str | None = None
    #: every kid in the key file the assertion was signed from
    key_kids: tuple[str, ...] = ()
    method: str | None = None
    path: str | None = None
    #: scopes the endpoint needs, from the scope catalog
    required_scopes: tuple[str, ...] = ()
    #: scope named by the server's WWW-Authenticate challenge
    challenge_scope: str | None = None
    requested_scopes: tuple[str, ...] = ()
    dpop: bool = False
    #: the app lives in the Local sandbox: its settings are made in this program, not an Admin Console
    local_sandbox: bool = False


Builder = Explanation | Callable[[ExplainContext], Explanation]
