"""A local Okta-compatible org on loopback: the org authorization server and a management API subset.

It enforces Okta's token-endpoint, DPoP and scope rules with Okta's error codes and wording, and it
verifies assertions and proofs with joserfc, never with oktatool's own JWT code.
"""

from oktatool.sandbox.org import MISCONFIGS, Fault, SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo

__all__ = ["MISCONFIGS", "Fault", "Sandbox", "SandboxInfo", "SandboxOptions"]
