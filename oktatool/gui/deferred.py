"""The heavy modules the start-up path leaves out of the first paint and imports in the executor afterwards.

Two steps: what the shown tab's module needs (its ``TabSpec.heavy``: the key model and ``cryptography`` for
the Keys tab, nothing for the Scopes tab) is imported before that tab is built; everything else the tabs
and executor calls use (the JOSE library, HTTP, the OS keyring) is warmed once the tab is built, so the
window is usable sooner and the first signature, network call or store access does not pay for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

#: every heavy module the tabs and executor calls use; warmed in the executor once the shown tab is built
WARM_LATER = ("cryptography", "jwcrypto.jwk", "jwcrypto.jwt", "oktatool.core.keys.key", "oktatool.core.keys.export",
              "oktatool.core.keys.library", "oktatool.core.jose.jwt", "oktatool.core.jose.verify",
              "oktatool.core.jose.assertion", "requests", "keyring")


def import_modules(names: Iterable[str]) -> tuple[str, ...]:
    """Import ``names`` (run in the executor) and return them."""
    names = tuple(names)
    for name in names:
        importlib.import_module(name)
    return names


def warm_later() -> tuple[str, ...]:
    """Import every heavy module (run in the executor) and return their names."""
    return import_modules(WARM_LATER)
