"""okta."""
