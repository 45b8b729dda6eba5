"""A local Okta-compatible org on loopback: the org authorization server and a management API subset.

It enforces Okta's token-endpoint, DPoP and scope rules with Okta's error codes and wording, and it
verifies assertions and proofs with joserfc, never with oktatool's own JWT code. The names below load
on first use (PEP 562), so reading a kept org file (``oktatool.sandbox.kept``) at start-up does not
import joserfc and cryptography.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oktatool.sandbox.org import MISCONFIGS, Fault, SandboxOptions
    from oktatool.sandbox.server import Sandbox, SandboxInfo

__all__ = ["MISCONFIGS", "Fault", "Sandbox", "SandboxInfo", "SandboxOptions"]


def __getattr__(name: str) -> Any:
    if name in ("MISCONFIGS", "Fault", "SandboxOptions"):
        from oktatool.sandbox import org

        return getattr(org, name)
    if name in ("Sandbox", "SandboxInfo"):
        from oktatool.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
