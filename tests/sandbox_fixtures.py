"""pytest plugin: in-process sandbox orgs on 127.0.0.1 for end-to-end tests.

``sandbox_org`` is a ready org (50 users, a service app with a registered key and granted scopes);
``sandbox_factory(**options)`` starts one with any ``SandboxOptions``: users, dpop_required, rate_limit,
admin_role, scopes, tls, opaque_tokens, faults=(Fault(path, "delay" | "reset" | "status", ...),).
Each yields a frozen ``SandboxInfo``: org_url, token_url, client_id, key_file (PKCS#8 PEM), jwk_file
(private JWK), kid, ssws_token, scopes, ca_file (TLS only), dpop_required, rate_limit, port, directory.
Every sandbox stops when its test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from oktatool.sandbox import Sandbox, SandboxInfo, SandboxOptions

SandboxFactory = Callable[..., SandboxInfo]


@pytest.fixture(scope="session")
def sandbox_service_key_pem() -> bytes:
    """Return one RSA-2048 private key (PKCS#8 PEM) that every sandbox of the session registers."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.fixture
def sandbox_factory(tmp_path_factory: pytest.TempPathFactory,
                    sandbox_service_key_pem: bytes) -> Iterator[SandboxFactory]:
    """Return ``start(**options) -> SandboxInfo``; every sandbox started is stopped at teardown."""
    started: list[Sandbox] = []

    def start(**options: Any) -> SandboxInfo:
        options.setdefault("service_key_pem", sandbox_service_key_pem)
        server = Sandbox(SandboxOptions(**options), tmp_path_factory.mktemp("sandbox"))
        info = server.start()
        started.append(server)
        return info

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sandbox_org(sandbox_factory: SandboxFactory) -> SandboxInfo:
    """A sandbox org over http with 50 users and a ready Bearer service app."""
    return sandbox_factory()


@pytest.fixture
def sandbox_tls(sandbox_factory: SandboxFactory) -> SandboxInfo:
    """A sandbox org over https; trust ``info.ca_file`` (e.g. ``--ca-bundle``)."""
    return sandbox_factory(tls=True)


@pytest.fixture
def sandbox_dpop(sandbox_factory: SandboxFactory) -> SandboxInfo:
    """A sandbox org whose service app requires DPoP (with the nonce round trip)."""
    return sandbox_factory(dpop_required=True)


@pytest.fixture
def sandbox_rate_limited(sandbox_factory: SandboxFactory) -> SandboxInfo:
    """A sandbox org that answers 429 after 5 requests per minute per endpoint bucket."""
    return sandbox_factory(rate_limit=5)


@pytest.fixture
def sandbox_no_role(sandbox_factory: SandboxFactory) -> SandboxInfo:
    """A sandbox org whose service app has scopes but no admin role (API calls get 403 E0000006)."""
    return sandbox_factory(admin_role=False)
