"""Scope names as people type them: split on commas and spaces, and warn about names no Okta API has.

A scope that is not in the catalog is still sent (Okta may know newer ones), but the user is told, with
the closest catalog names: ``okta.user.read`` is almost always a typo of ``okta.users.read``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s,]+")


def split_scopes(text: str) -> list[str]:
    """Split a scope list typed with spaces, commas or both (``"a,b c"``) into names."""
    return [name for name in _SEPARATORS.split(text) if name]


@dataclass(frozen=True)
class UnknownScope:
    """A requested scope the catalog does not hold, and the catalog names closest to it."""

    name: str
    close: tuple[str, ...]

    def describe(self) -> str:
        """Say it in one clause: ``okta.user.read is not an Okta API scope (did you mean okta.users.read?)``."""
        guess = f" (did you mean {' or '.join(self.close)}?)" if self.close else ""
        return f"{self.name} is not an Okta API scope{guess}"


def unknown_scopes(scopes: Iterable[str], known: Iterable[str] | None = None) -> tuple[UnknownScope, ...]:
    """Return the scopes in ``scopes`` that are not catalog scopes (``known``: default the shipped catalog)."""
    if known is None:
        from oktatool.core.okta.scopes import ScopeCatalog

        known = (scope.name for scope in ScopeCatalog.load().scopes)
    names = list(known)
    by_fold = {name.lower(): name for name in names}
    found = []
    for scope in dict.fromkeys(scopes):
        if scope in names:
            continue
        exact_but_case = by_fold.get(scope.lower())
        close = (exact_but_case,) if exact_but_case else \
            tuple(difflib.get_close_matches(scope, names, n=3, cutoff=0.75))
        found.append(UnknownScope(scope, close))
    return tuple(found)


def unknown_scope_warning(scopes: Iterable[str], known: Iterable[str] | None = None) -> str | None:
    """Return one warning naming every unknown scope and its close matches, or None when all are known."""
    unknown = unknown_scopes(scopes, known)
    if not unknown:
        return None
    return "; ".join(u.describe() for u in unknown) + " — it is sent as typed; `oktatool scopes QUERY` lists them"
