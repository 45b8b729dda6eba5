"""Qt item models (tables and lists), each testable without a view."""
