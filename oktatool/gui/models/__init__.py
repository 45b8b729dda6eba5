"""Qt item models (tables, trees) used by the tabs; each tested without a view."""
