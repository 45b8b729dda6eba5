"""A local Okta-compatible org on loopback for trying the whole flow offline."""
