"""SandboxInfo is printed in logs and test reports: its repr must not carry the SSWS token."""

from __future__ import annotations

from oktatool.sandbox.server import SandboxInfo


def test_the_ssws_token_is_kept_out_of_the_repr(sandbox_org: SandboxInfo) -> None:
    assert sandbox_org.ssws_token.startswith("00")
    assert sandbox_org.ssws_token not in repr(sandbox_org) and sandbox_org.client_id in repr(sandbox_org)
    assert sandbox_org.to_json()["ssws_token"] == sandbox_org.ssws_token  # `oktatool sandbox` still prints it
