"""oktatool: keys, client-assertion JWTs, scoped tokens and the Okta API, offline and on the desktop."""

__version__ = "0.1.0"
APP_NAME = "oktatool"
