"""Qt face of oktatool: the window and its tabs (imports core, never the other way)."""
