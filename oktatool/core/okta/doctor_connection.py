"""The checks that need no admin credential: the org URL, its TLS, metadata and clock, and our key's type.

The org URL and key checks need no network either, so they are said even when the org cannot be reached.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from oktatool.core.encoding import loads_answer
from oktatool.core.errors import Hint, OktaToolError
from oktatool.core.okta.doctor_report import FAIL, PASS, SKIP, WARN
from oktatool.core.okta.doctor_run import DoctorRun

if TYPE_CHECKING:
    from oktatool.core.okta.orgurl import OrgUrl

#: a clock this far off makes assertions expired or "too far into the future", and DPoP iat refused
SKEW_FAIL_SECONDS = 300
SKEW_WARN_SECONDS = 60


class ConnectionChecks(DoctorRun):
    """The org URL, TLS, metadata, clock and key checks of a diagnosis."""

    def check_org_url(self) -> bool:
        from oktatool.core.errors import OrgUrlError
        from oktatool.core.okta.orgurl import parse_org_url

        try:
            self.org = parse_org_url(self.given.org_text)
        except OrgUrlError as exc:
            self.add("org-url", FAIL, exc.description, exc.hint or "")
            return False
        server = self.server
        self.add("org-url", PASS, f"{self.org.base}: tokens come from {server.label} {server.token_url}")
        return True

    def trust(self) -> str:
        ca = self.http.ca_bundle
        return "the system trust store" + (f" and the CA bundle {ca}" if ca is not None else "")

    def check_tls(self) -> bool:
        import requests

        from oktatool.core.okta.http import explain_network_error, new_session

        assert self.org is not None
        url = self.org.url("/.well-known/oauth-authorization-server")
        try:
            session = new_session(self.http)
            self.sent_at = time.time()
            self.metadata_response = session.get(url, timeout=self.http.timeout, allow_redirects=False)
        except OktaToolError as exc:
            self.add("tls", FAIL, exc.description, exc.hint or "")
            return False
        except requests.RequestException as exc:
            error = explain_network_error(exc, url)
            detail = error.description
            if error.code in ("tls_verify_failed", "tls_failed"):
                detail += f" against {self.trust()}"
            self.add("tls", FAIL, detail, error.hint or "check the org URL, your network or proxy")
            return False
        if self.org.scheme == "http":
            self.add("tls", PASS, f"{self.org.netloc} answered over plain http (this computer only: no TLS)")
        else:
            self.add("tls", PASS, f"{self.org.netloc} answered; its certificate verified against {self.trust()}")
        return True

    def check_metadata(self) -> None:
        assert self.org is not None and self.metadata_response is not None
        self.add("metadata", *metadata_check(self.org, self.metadata_response.status_code,
                                             self.metadata_response.content))

    def check_clock(self) -> None:
        assert self.metadata_response is not None
        date = self.metadata_response.headers.get("Date")
        if not date:
            self.add("clock", WARN, "the org sent no Date header; the clock cannot be compared")
            return
        try:
            server = parsedate_to_datetime(date).timestamp() + 0.5  # the header drops the fraction of a second
        except (TypeError, ValueError):
            self.add("clock", WARN, f"the org's Date header {date!r} cannot be read")
            return
        local = (self.sent_at + time.time()) / 2
        skew = server - local
        side = "behind" if skew > 0 else "ahead of"
        detail = f"this computer's clock is {abs(skew):.0f} s {side} the org's"
        fix = ("set the clock right (turn on network time: timedatectl set-ntp true, or Windows Settings > Time > "
               "Sync now); a skewed clock makes assertions \"expired\" or \"too far into the future\" and DPoP "
               "proofs \"issued in the future\"")
        if abs(skew) >= SKEW_FAIL_SECONDS:
            self.add("clock", FAIL, detail, fix)
        elif abs(skew) >= SKEW_WARN_SECONDS:
            self.add("clock", WARN, detail, fix)
        else:
            self.add("clock", PASS, f"within {max(1, round(abs(skew)))} s of the org's clock")

    def check_key(self) -> None:
        from oktatool.core.jose.assertion import OKTA_ASSERTION_ALGS, assertion_alg

        key = self.given.key
        if key is None:
            self.add("key-alg", SKIP, "no key given", Hint(
                "pass --key FILE or use a profile with a key", window="choose a key for the profile in Edit profiles…"))
            return
        if not key.is_private:
            self.add("key-alg", FAIL, f"the {key.describe()} key is a public key; signing needs the private key",
                     "give the private key (JWK or PEM)")
            return
        alg = assertion_alg(key)
        if alg not in OKTA_ASSERTION_ALGS or (key.alg is not None and key.alg not in OKTA_ASSERTION_ALGS):
            self.add("key-alg", FAIL, f"{key.describe()} signs with {key.alg or alg}; Okta takes client assertions "
                                      f"signed with {', '.join(OKTA_ASSERTION_ALGS)} only (\"The client_assertion "
                                      "JWT signature algorithm is invalid.\")",
                     "make an RSA 2048 or EC P-256 key (oktatool keygen), register it and use it")
            return
        kid = self.given.kid or key.kid
        if not kid:
            self.add("key-alg", WARN, f"{key.describe()} signs with {alg}, but the key has no kid",
                     "give the key a kid: Okta matches the assertion's kid to the app's JWKS")
            return
        self.add("key-alg", PASS, f"{key.describe()} signs with {alg}, kid {kid}")


def metadata_check(org: OrgUrl, status: int, content: bytes) -> tuple[str, str, str]:
    """Return the metadata check's status, detail and fix for the org's answer to its metadata URL."""
    url = org.url("/.well-known/oauth-authorization-server")
    fix = ("give the org URL of your Okta org (https://{yourOktaDomain}); a proxy or custom domain in front "
           "of it must pass /.well-known and /oauth2/v1 through")
    if status != 200:
        return FAIL, f"GET {url} answered {status}, not the org authorization server's metadata", fix
    try:
        data = loads_answer(content)
    except ValueError:  # nested too deeply too
        data = None
    if not isinstance(data, dict):
        return FAIL, f"GET {url} answered 200 with something that is not JSON metadata", fix
    token_endpoint = data.get("token_endpoint")
    if token_endpoint != org.token_url:
        return FAIL, f"the metadata names the token endpoint {token_endpoint!r}, not {org.token_url}", fix
    methods = data.get("token_endpoint_auth_methods_supported") or []
    note = "" if isinstance(methods, list) and "private_key_jwt" in methods else " (it does not list private_key_jwt)"
    return (PASS if not note else WARN), f"issuer {data.get('issuer')}, token endpoint {token_endpoint}{note}", ""
