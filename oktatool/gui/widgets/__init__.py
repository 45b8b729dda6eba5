"""Reusable widgets: JSON editor with highlighting, output panes, dialogs."""
