"""The PySide6 window: tabs, dialogs, models and widgets over oktatool.core."""

import sys


def _pin_singletons() -> None:
    """Keep None, True and False alive under PySide6 6.12 on CPython 3.11.

    Shiboken 6.12 returns None (void methods) and sometimes True/False without taking a new reference;
    on 3.12+ these objects are immortal so nothing happens, but on 3.11 each call drops a reference it
    never took, and after some thousand widget calls the interpreter aborts ("none_dealloc" or
    "bool_dealloc"). Adding a reference count no run can use up makes them immortal here too.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


_pin_singletons()
