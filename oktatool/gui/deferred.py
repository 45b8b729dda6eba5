"""The heavy modules the start-up path leaves out of the first paint and imports in the executor afterwards.

Two groups: what the tabs work with (keys, JOSE) is imported before the shown tab is built; what is used
only inside executor calls (HTTP, the OS keyring) is warmed after the tab is ready, so the first network
call or store access does not pay for it, and the window is usable sooner.
"""

from __future__ import annotations

import importlib

#: modules the start-up path must not load before the first paint; imported before the shown tab is built
DEFERRED_MODULES = ("cryptography", "jwcrypto.jwk", "jwcrypto.jwt", "oktatool.core.keys.key", "oktatool.core.jose.jwt",
                    "oktatool.core.jose.verify")
#: modules used only inside executor calls; warmed in the executor once the shown tab is ready
WARM_LATER = ("requests", "keyring")


def import_deferred() -> tuple[str, ...]:
    """Import the modules the tabs need (run in the executor) and return their names."""
    for name in DEFERRED_MODULES:
        importlib.import_module(name)
    return DEFERRED_MODULES


def warm_later() -> tuple[str, ...]:
    """Import the modules only executor calls use (run in the executor) and return their names."""
    for name in WARM_LATER:
        importlib.import_module(name)
    return WARM_LATER
