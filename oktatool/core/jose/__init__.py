"""jose."""
