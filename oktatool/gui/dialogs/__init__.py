"""Dialogs opened from the profile bar and the menus (profiles, service-app set-up, key rotation, diagnose)."""
