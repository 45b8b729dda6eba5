"""The heavy modules the start-up path leaves out of the first paint and imports in the executor afterwards."""

from __future__ import annotations

import importlib

#: modules the start-up path must not load before the first paint; imported in the executor afterwards
DEFERRED_MODULES = ("cryptography", "jwcrypto.jwk", "jwcrypto.jwt", "requests", "keyring", "oktatool.core.keys.key",
                    "oktatool.core.jose.jwt")


def import_deferred() -> tuple[str, ...]:
    """Import the heavy modules (run in the executor) and return their names."""
    for name in DEFERRED_MODULES:
        importlib.import_module(name)
    return DEFERRED_MODULES
