"""The PySide6 window: tabs, dialogs, models and widgets over oktatool.core."""
