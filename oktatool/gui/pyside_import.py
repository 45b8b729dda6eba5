"""Load PySide6 and put the interpreter's own ``import`` back.

When shiboken6 loads, it replaces ``builtins.__import__`` with a hook that serves PySide's opt-in
``from __feature__ import snake_case, true_property``. After every later import the hook reads the new
module's whole source file to see whether it mentions PySide6. oktatool uses no ``__feature__``, and at
start-up the hook cost about 30 ms: some 220 modules are imported after the first paint (asyncio,
cryptography, jwcrypto, the shown tab), each read once more as text (benchmarks/startup.py measures it).

This module must not import PySide6 at its top: it has to see the import that comes before the hook.
"""

from __future__ import annotations

import builtins
import sys


def load_pyside() -> bool:
    """Import PySide6.QtCore without leaving the ``__feature__`` hook in place; return whether it was removed.

    Nothing is changed when PySide6 is already loaded (pytest-qt, an embedding host): the import seen then
    is the hook itself, and the interpreter's own is not ours to guess.
    """
    if "shiboken6" in sys.modules:
        return False
    own_import = builtins.__import__
    import PySide6.QtCore  # noqa: F401  (loads shiboken6, which installs the hook)

    builtins.__import__ = own_import
    return True
