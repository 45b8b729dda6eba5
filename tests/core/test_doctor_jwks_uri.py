"""Doctor on an app whose keys are published at a URL: it says so, fetches the set as Okta would, and explains
Okta's three jwks_uri errors and a missing kid (the sandbox answers the token request with the same error)."""

from __future__ import annotations

from typing import Any

import pytest

from oktatool.core.keys.key import Key
from oktatool.core.okta import apps
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.doctor import run_doctor
from oktatool.core.okta.doctor_report import DoctorReport
from oktatool.core.okta.doctor_run import DoctorInput
from oktatool.core.okta.grants import AppAccess
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.jwks_uri import publish_document
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.rotation import new_app_key
from oktatool.sandbox import SandboxInfo
from tests.jwks_server import PublishedSet

SCOPE = "okta.users.read"


def _doctor(info: SandboxInfo, url: str, key: Key) -> DoctorReport:
    admin = admin_api(parse_org_url(info.org_url), AdminCredential(ssws_token=info.ssws_token), HttpOptions())
    app = apps.create_service_app(admin, "Doctor by URL", key, dpop=False, jwks_uri=url)
    access = AppAccess(admin, app.id, info.org_url)
    access.grant(SCOPE)
    access.assign_role("READ_ONLY_ADMIN")
    return run_doctor(DoctorInput(org_text=info.org_url, client_id=app.id, key=key, scopes=(SCOPE,),
                                  admin=AdminCredential(ssws_token=info.ssws_token)))


def _check(report: DoctorReport, check_id: str) -> Any:
    return next(c for c in report.checks if c.id == check_id)


def test_a_healthy_jwks_uri_app_passes_and_doctor_names_the_url(sandbox_org: SandboxInfo,
                                                                 jwks_server: PublishedSet) -> None:
    key = new_app_key()
    jwks_server.serve(publish_document([key]))
    report = _doctor(sandbox_org, jwks_server.url, key)
    assert report.ok, [(c.id, c.detail) for c in report.checks if c.status == "fail"]
    kid_check = _check(report, "jwks-kid")
    assert kid_check.status == "pass" and f"fetches its keys from {jwks_server.url}" in kid_check.detail
    assert _check(report, "token").status == "pass"


@pytest.mark.parametrize(("served", "okta_says"), [
    ("empty", "The client JWKSet from jwks_uri must contain at least one key."),
    ("twice", "All keys in the client JWKSet from jwks_uri must have a unique kid."),
    ("gone", "Error retrieving the client JWKSet from jwks_uri."),
    ("other", "The client_assertion JWT kid is invalid."),
])
def test_doctor_explains_each_jwks_uri_error(sandbox_org: SandboxInfo, jwks_server: PublishedSet, served: str,
                                            okta_says: str) -> None:
    key = new_app_key()
    jwk = publish_document([key])["keys"][0]
    jwks_server.serve({"empty": {"keys": []}, "twice": {"keys": [jwk, dict(jwk)]}, "gone": b"",
                       "other": publish_document([new_app_key()])}[served], status=404 if served == "gone" else 200)
    report = _doctor(sandbox_org, jwks_server.url, key)
    kid_check = _check(report, "jwks-kid")
    assert kid_check.status == "fail" and kid_check.detail.count(okta_says) == 1, kid_check  # once, not twice
    assert jwks_server.url in kid_check.detail and kid_check.fix
    assert _check(report, "jwks-active").status == "skip"
    assert not report.ok
