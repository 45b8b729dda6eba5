"""What code needs to act as the service app: okta.yaml, environment variables, Terraform, a curl recipe.

okta.yaml and env work as pasted with okta-sdk-python 3.x and okta-sdk-nodejs 7.x/8.x: the key itself
(the Node SDK takes no path), ``kid`` for the Python SDK and ``keyId`` for the Node SDK, scopes as a list or
space-separated, ``dpopEnabled`` for an app that requires DPoP. ``by_path`` writes the Python SDK's other
form, the key file's path, so that the export holds no secret.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from oktatool.core.errors import BadInputError
from oktatool.core.okta.grants import least_role
from oktatool.core.shells import check_shell, curl_reads, env_assignments, posix_expanding

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key

FORMATS = ("okta-yaml", "env", "terraform", "curl")
#: the hosts org_name + base_url can spell: the provider calls https://ORG_NAME.BASE_URL
OKTA_DOMAINS = ("okta.com", "oktapreview.com", "okta-emea.com")
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class ExportSpec:
    """The app's settings as code sees them."""

    org_url: str
    client_id: str
    scopes: tuple[str, ...]
    kid: str | None
    _: KW_ONLY
    #: the app's private key: its text goes into okta.yaml and env, its public half into Terraform
    key: Key | None = field(default=None, repr=False)
    #: the key file's path (the curl recipe's ``oktatool assertion --key``, the by-path SDK form)
    key_path: str | None = None
    #: okta.yaml and env name the key file instead of holding the key (okta-sdk-python only)
    by_path: bool = False
    dpop: bool = False
    #: the app's name in Okta (Terraform's label)
    label: str = ""
    #: extra CA certificates the curl recipe trusts (``--cacert``)
    ca_bundle: str | None = None
    #: the profile whose key (in the key library) signs the curl recipe's assertion when no key file is named
    profile: str | None = None
    #: the URL the app's public keys are fetched from (Terraform's ``jwks_uri`` instead of a ``jwks`` block)
    jwks_uri: str | None = None


def _q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML and HCL string


def _hcl(text: str) -> str:
    """Return ``text`` as an HCL string that Terraform reads as exactly that text: JSON-quoted, and its template
    sequences (``${`` and ``%{``, which Terraform evaluates in a quoted string) doubled into literals."""
    return _q(text).replace("${", "$${").replace("%{", "%%{")


def holds_private_key(fmt: str, spec: ExportSpec) -> bool:
    """Say whether the export of ``spec`` in ``fmt`` holds the private key (then it is a secret: 0600)."""
    return fmt in ("okta-yaml", "env") and not spec.by_path


def _signing_key(spec: ExportSpec, fmt: str) -> Key:
    if spec.key is None:
        raise BadInputError(f"--as {fmt} needs the app's private key", hint="pass --key-file FILE")
    if spec.key.kty not in ("RSA", "EC"):
        raise BadInputError(f"Okta's service apps sign with RSA or EC keys, not {spec.key.kty}")
    return spec.key.with_kid(spec.kid) if spec.kid else spec.key


def _private_key_path(spec: ExportSpec) -> str:
    if not spec.key_path:
        raise BadInputError("the by-path form needs the key file's path", hint="pass --key-file FILE")
    return spec.key_path


def sdk_jwk(key: Key) -> str:
    """Return the private JWK on one line with string members only, as both SDKs parse it.

    okta-sdk-python reads a key that starts with ``{`` as a Python literal and strips whitespace from every
    member, so a list member (key_ops) would break it; it takes the kid from the JWK, the only kid it reads
    from the environment.
    """
    return json.dumps({k: v for k, v in key.to_dict(private=True).items() if isinstance(v, str)},
                      separators=(",", ":"))


def _sdk_notes(spec: ExportSpec, key: Key | None) -> list[str]:
    notes = []
    if key is not None and key.kty == "EC":
        notes.append("okta-sdk-python signs with RSA keys only; okta-sdk-nodejs takes this EC key")
    if spec.by_path:
        notes.append("privateKey is the key file's path, which okta-sdk-python reads; okta-sdk-nodejs needs the "
                     "key itself (export without the by-path choice)")
    else:
        notes.append("this holds the app's private key: keep it readable by you only")
    return notes


def okta_yaml(spec: ExportSpec) -> str:
    """Return okta.yaml for the Okta management SDKs (authorizationMode PrivateKey)."""
    key = None if spec.by_path else _signing_key(spec, "okta-yaml")
    lines = [f"# {note}" for note in _sdk_notes(spec, key)]
    lines += ["okta:", "  client:", f"    orgUrl: {_q(spec.org_url)}", '    authorizationMode: "PrivateKey"',
              f"    clientId: {_q(spec.client_id)}", "    scopes:"]
    lines += [f"      - {_q(s)}" for s in spec.scopes]
    if spec.kid:
        lines += [f"    kid: {_q(spec.kid)}", f"    keyId: {_q(spec.kid)}"]  # Python SDK, Node SDK
    if spec.dpop:
        lines.append("    dpopEnabled: true")
    if key is None:
        lines.append(f"    privateKey: {_q(_private_key_path(spec))}")
    else:
        lines.append("    privateKey: |")
        lines += ["      " + line for line in key.export("pem").strip().splitlines()]
    return "\n".join(lines) + "\n"


def env_vars(spec: ExportSpec, shell: str = "posix") -> str:
    """Return lines that set the SDKs' OKTA_CLIENT_* environment variables in ``shell`` (posix, powershell)."""
    key = None if spec.by_path else _signing_key(spec, "env")
    notes = _sdk_notes(spec, key)
    if spec.kid:
        notes.append("okta-sdk-python reads no kid variable: it takes the kid from a JWK key"
                     + (", and a key file's path gives it none: with several ACTIVE keys on the app use okta.yaml "
                        "(kid) instead" if key is None else " (as here)")
                     + "; okta-sdk-nodejs reads OKTA_CLIENT_KEYID")
    if spec.dpop:
        notes.append("okta-sdk-python reads OKTA_CLIENT_DPOPENABLED; okta-sdk-nodejs turns DPoP on by itself "
                     "when the org asks for it")
    values = [("OKTA_CLIENT_ORGURL", spec.org_url), ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
              ("OKTA_CLIENT_CLIENTID", spec.client_id), ("OKTA_CLIENT_SCOPES", " ".join(spec.scopes)),
              ("OKTA_CLIENT_PRIVATEKEY", _private_key_path(spec) if key is None else sdk_jwk(key))]
    if spec.kid:
        values.append(("OKTA_CLIENT_KEYID", spec.kid))
    if spec.dpop:
        values.append(("OKTA_CLIENT_DPOPENABLED", "true"))
    return "".join(f"# {note}\n" for note in notes) + env_assignments(values, shell)


def _provider_org(org_url: str) -> list[str]:
    """Return the provider block's org lines: org_name and base_url, or a comment saying why they cannot be."""
    parts = urlsplit(org_url)
    host = parts.hostname or ""
    org_name, _, base_url = host.partition(".")
    if base_url in OKTA_DOMAINS and not parts.port:
        return [f"  org_name = {_hcl(org_name)}", f"  base_url = {_hcl(base_url)}"]
    return [f"  # {org_url} cannot be written as org_name and base_url: the provider calls",
            "  # https://ORG_NAME.BASE_URL, an org under an Okta domain (" + ", ".join(OKTA_DOMAINS) + ") on the",
            "  # https port. Give the org's Okta domain instead (every org has one, also behind a custom domain;",
            "  # the Admin Console shows it), for example:",
            '  # org_name = "dev-123456"', '  # base_url = "okta.com"',
            "  # (http_proxy sends every call to another URL, but through a proxy: it is for tests and caches.)"]


def _jwks_block(key: Key) -> list[str]:
    jwk = key.public().to_dict()
    members = ("kty", "kid", "e", "n") if key.kty == "RSA" else ("kty", "kid", "x", "y")
    return ["", "  jwks {"] + [f"    {name:<3} = {_hcl(str(jwk[name]))}" for name in members] + ["  }"]


def terraform(spec: ExportSpec) -> str:
    """Return the app as Terraform code for the okta/okta provider: provider, app, grants, role (no secret)."""
    if spec.jwks_uri:
        keys = ["", f"  jwks_uri                   = {_hcl(spec.jwks_uri)}"]
    else:
        key = _signing_key(spec, "terraform")
        if not key.kid:
            raise BadInputError("the key has no kid, and Terraform's jwks block needs one", hint="pass --kid ID")
        keys = _jwks_block(key)
    label = spec.label or spec.client_id
    lines = [
        "# The service app as code for Okta's Terraform provider. The app exists already: the import blocks",
        "# (Terraform 1.5+) adopt it and its grants instead of creating new ones.",
        "terraform {", "  required_providers {", "    okta = {", '      source = "okta/okta"', "    }", "  }", "}",
        "",
        "# The provider signs in as an admin allowed to manage apps, grants and roles, from the environment:",
        "# OKTA_API_TOKEN, or OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY (a file's path), OKTA_API_PRIVATE_KEY_ID",
        "# and OKTA_API_SCOPES (okta.apps.manage,okta.appGrants.manage,okta.roles.manage). No key goes in here.",
        'provider "okta" {', *_provider_org(spec.org_url), "}",
        "",
        "import {", "  to = okta_app_oauth.app", f"  id = {_hcl(spec.client_id)}", "}",
        "",
        "# label is the app's name in Okta: make it the name the Admin Console shows, or the plan renames the app",
        'resource "okta_app_oauth" "app" {',
        f"  label                      = {_hcl(label)}",
        '  type                       = "service"',
        '  token_endpoint_auth_method = "private_key_jwt"',
        '  grant_types                = ["client_credentials"]',
        '  response_types             = ["token"]',
        *keys, "}",
    ]
    if spec.dpop:
        lines += ["# The app requires DPoP-bound tokens (dpop_bound_access_tokens); the provider has no argument",
                  "# for it (okta_app_oauth schema, okta/okta 6.12): keep it on in the Admin Console (Require DPoP)."]
    lines += [
        "", "import {", "  to = okta_app_oauth_api_scope.app", f"  id = {_hcl(spec.client_id)}", "}", "",
        'resource "okta_app_oauth_api_scope" "app" {', "  app_id = okta_app_oauth.app.id",
        f"  issuer = {_hcl(spec.org_url)}", "  scopes = [" + ", ".join(_hcl(s) for s in spec.scopes) + "]", "}", "",
        "# the narrowest standard role that covers the scopes; when the app has it already, import it first:",
        f"# terraform import okta_app_oauth_role_assignment.app {spec.client_id}/ID (oktatool app roles list)",
        'resource "okta_app_oauth_role_assignment" "app" {', "  client_id = okta_app_oauth.app.client_id",
        f"  type      = {_hcl(least_role(spec.scopes))}", "}",
    ]
    return "\n".join(lines) + "\n"


def curl_recipe(spec: ExportSpec) -> str:
    """Return a shell recipe (bash, zsh): sign an assertion with oktatool, get a token with curl, call the API.

    No secret is on a command line: the form with the assertion and the Authorization header reach curl
    through ``curl_reads`` (printf, a builtin of both shells), as the Console's Copy as curl does. Notes are
    ``:`` lines, so that the recipe also runs pasted at zsh's prompt (``interactive_comments`` is off there).
    The steps are joined with ``&&``: the first that fails stops the rest, in a script or pasted at a prompt
    (``set -e`` would close the terminal it is pasted into). The assertion is signed with the key file, else
    the profile's key from the key library, else a placeholder path to replace.
    """
    org = shlex.quote(spec.org_url)
    kid = f" --kid {shlex.quote(spec.kid)}" if spec.kid else ""
    if spec.key_path or not spec.profile:
        key_path = shlex.quote(spec.key_path or "/path/to/private-key.pem")
        signer = f"--org {org} --client-id {shlex.quote(spec.client_id)} --key {key_path}{kid}"
    else:  # the org server's assertion, whatever server the profile's own tokens come from
        signer = f"--profile {shlex.quote(spec.profile)}{kid} --auth-server org"
    cacert = f" --cacert {shlex.quote(spec.ca_bundle)}" if spec.ca_bundle else ""
    form = (f"grant_type=client_credentials&scope={quote(' '.join(spec.scopes), safe='')}"
            f"&client_assertion_type={quote(_ASSERTION_TYPE, safe='')}&client_assertion=")
    pick = ("import json,sys; a=json.load(sys.stdin); "
            "print(a[\"access_token\"]) if \"access_token\" in a else sys.exit(\"token refused: \" + json.dumps(a))")

    def note(text: str) -> str:
        return f": {shlex.quote(text)} &&\n"

    dpop = note("This app requires DPoP: curl cannot sign the proofs, so Okta refuses this token request; "
                "use oktatool token --dpop and oktatool api --dpop instead.") if spec.dpop else ""
    return (
        dpop
        + note("1. a client assertion (private_key_jwt), valid 5 minutes, signed with the app's key")
        + f"ASSERTION=$(oktatool assertion {signer}) &&\n"
        + note("2. a token from the org authorization server: the form reaches curl through a pipe "
               "(printf is a shell builtin), so the assertion is on no command line")
        + f"TOKEN=$(curl -sS{cacert} -X POST {shlex.quote(spec.org_url + '/oauth2/v1/token')} \\\n"
        "    -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \\\n"
        f"    {curl_reads('--data-binary', [shlex.quote(form), chr(34) + '$ASSERTION' + chr(34)], lines=False)} |\n"
        f"  python3 -c {shlex.quote(pick)}) &&\n"
        + note("3. call the API: the Authorization header reaches curl through a pipe too")
        + f"curl -sS{cacert} {curl_reads('--header', [posix_expanding('Authorization: Bearer $TOKEN')])} \\\n"
        f"  {shlex.quote(spec.org_url + '/api/v1/users?limit=1')}\n"
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


def needs_key(fmt: str, spec: ExportSpec) -> bool:
    """Say whether ``fmt`` reads the key itself (its text or its public half), not only the file's path."""
    return (fmt == "terraform" and not spec.jwks_uri) or holds_private_key(fmt, spec)


def with_key(spec: ExportSpec, key: Key | None) -> ExportSpec:
    """Return ``spec`` with the app's key (and its kid, when the spec names none)."""
    return replace(spec, key=key, kid=spec.kid or (key.kid if key is not None else None))
