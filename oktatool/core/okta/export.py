"""What code needs to act as the service app: okta.yaml, environment variables, Terraform, a curl recipe.

The private key is referenced by its path; ``okta_yaml`` inlines the PEM only when asked (``inline_pem``).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from oktatool.core.errors import BadInputError
from oktatool.core.shells import check_shell, env_assignments

FORMATS = ("okta-yaml", "env", "terraform", "curl")


@dataclass(frozen=True)
class ExportSpec:
    """The app's settings as code sees them."""

    org_url: str
    client_id: str
    scopes: tuple[str, ...]
    kid: str | None
    key_path: str
    #: the private key PEM, only to inline it in okta.yaml when the user asks
    inline_pem: str | None = field(default=None, repr=False)
    #: extra CA certificates the curl recipe trusts (``--cacert``)
    ca_bundle: str | None = None


def _q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML and HCL string


def okta_yaml(spec: ExportSpec) -> str:
    """Return okta.yaml for the Okta management SDKs (authorizationMode PrivateKey)."""
    lines = ["okta:", "  client:", f"    orgUrl: {_q(spec.org_url)}", '    authorizationMode: "PrivateKey"',
             f"    clientId: {_q(spec.client_id)}", "    scopes:"]
    lines += [f"      - {_q(s)}" for s in spec.scopes]
    if spec.kid:
        lines.append(f"    kid: {_q(spec.kid)}")
    if spec.inline_pem is not None:
        lines.append("    privateKey: |")
        lines += ["      " + line for line in spec.inline_pem.strip().splitlines()]
    else:
        lines.append(f"    privateKey: {_q(spec.key_path)}")
    return "\n".join(lines) + "\n"


def env_vars(spec: ExportSpec, shell: str = "posix") -> str:
    """Return lines that set the SDKs' OKTA_CLIENT_* environment variables in ``shell`` (posix, powershell)."""
    values = [("OKTA_CLIENT_ORGURL", spec.org_url), ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
              ("OKTA_CLIENT_CLIENTID", spec.client_id), ("OKTA_CLIENT_SCOPES", ",".join(spec.scopes)),
              ("OKTA_CLIENT_PRIVATEKEY", spec.key_path)]
    if spec.kid:
        values.append(("OKTA_CLIENT_KID", spec.kid))
    return env_assignments(values, shell)


def terraform(spec: ExportSpec) -> str:
    """Return a provider block for the okta Terraform provider (private key by path)."""
    from urllib.parse import urlsplit

    host = urlsplit(spec.org_url).hostname or spec.org_url
    org_name, _, base_url = host.partition(".")
    lines = ['provider "okta" {', f"  org_name       = {_q(org_name)}", f"  base_url       = {_q(base_url)}",
             f"  client_id      = {_q(spec.client_id)}"]
    if spec.kid:
        lines.append(f"  private_key_id = {_q(spec.kid)}")
    lines += [f"  private_key    = {_q(spec.key_path)}",
              "  scopes         = [" + ", ".join(_q(s) for s in spec.scopes) + "]", "}"]
    return "\n".join(lines) + "\n"


def curl_recipe(spec: ExportSpec) -> str:
    """Return a shell recipe: sign an assertion with oktatool, get a token with curl, call the API."""
    org = shlex.quote(spec.org_url)
    kid = f" --kid {shlex.quote(spec.kid)}" if spec.kid else ""
    scope = shlex.quote(" ".join(spec.scopes))
    cacert = f" --cacert {shlex.quote(spec.ca_bundle)}" if spec.ca_bundle else ""
    return (
        "# 1. a client assertion (private_key_jwt), valid 5 minutes, signed with the app's key\n"
        f"ASSERTION=$(oktatool assertion --org {org} --client-id {shlex.quote(spec.client_id)} "
        f"--key {shlex.quote(spec.key_path)}{kid})\n"
        "# 2. a token from the org authorization server\n"
        f"TOKEN=$(curl -sS{cacert} -X POST {shlex.quote(spec.org_url + '/oauth2/v1/token')} \\\n"
        "  -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \\\n"
        "  --data-urlencode grant_type=client_credentials \\\n"
        f"  --data-urlencode scope={scope} \\\n"
        "  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\\n"
        "  --data-urlencode \"client_assertion=$ASSERTION\" | python3 -c 'import json,sys; "
        "print(json.load(sys.stdin)[\"access_token\"])')\n"
        "# 3. call the API (a DPoP-bound app needs oktatool api --dpop instead)\n"
        f"curl -sS{cacert} {shlex.quote(spec.org_url + '/api/v1/users?limit=1')} -H \"Authorization: Bearer $TOKEN\"\n"
    )


def render(fmt: str, spec: ExportSpec, *, shell: str = "posix") -> str:
    """Return the export in ``fmt`` (okta-yaml, env, terraform, curl); ``env`` is written for ``shell``."""
    check_shell(shell)
    makers = {"okta-yaml": okta_yaml, "env": lambda s: env_vars(s, shell), "terraform": terraform,
              "curl": curl_recipe}
    if fmt not in makers:
        raise BadInputError(f"unknown export format {fmt!r}", hint="use " + ", ".join(FORMATS))
    if not spec.scopes:
        raise BadInputError("the app has no scopes to export", hint="set the profile's scopes")
    return makers[fmt](spec)
