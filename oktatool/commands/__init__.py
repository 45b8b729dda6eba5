"""Handlers of the CLI subcommands: thin faces over oktatool.core (one module per area)."""
