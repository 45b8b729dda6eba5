"""Copy a Console request as a curl command, a PowerShell command or a Python ``requests`` snippet that runs as pasted.

The access token is never in the text: it is ``$OKTA_ACCESS_TOKEN`` (curl), ``$env:OKTA_ACCESS_TOKEN``
(PowerShell) or ``os.environ["OKTA_ACCESS_TOKEN"]`` (Python), so the snippet runs once that variable is set, and the
Authorization header is always there. Nor is it on any process's command line when the snippet runs: curl reads
its headers and body through a pipe (bash or zsh), and PowerShell and Python send them from their own process.
A DPoP-bound token needs a new proof for every call (RFC 9449): the snippet takes it from ``OKTA_DPOP_PROOF`` and
says so; the Console can put a fresh proof beside it.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oktatool.core.okta.history import holds_secret, is_secret_name, redact_parameters, scrub
from oktatool.core.okta.http import SECRET_HEADERS
from oktatool.core.shells import curl_reads, posix_expanding, powershell_quote

TOKEN_VARIABLE = "OKTA_ACCESS_TOKEN"  # noqa: S105 - the name of an environment variable
PROOF_VARIABLE = "OKTA_DPOP_PROOF"
DPOP_NOTE = ("DPoP: every call needs a new proof for this method and URL, signed with the key the token is "
             "bound to (RFC 9449); a proof works once and for a few minutes only.")


@dataclass(frozen=True)
class SnippetRequest:
    """What a snippet sends: method, absolute URL, the user's extra headers, the JSON body, the token scheme."""

    method: str
    url: str
    scheme: str = "Bearer"
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    #: a CA bundle the org needs (the sandbox over https)
    ca_bundle: str | None = None

    @property
    def dpop(self) -> bool:
        """Say whether the token is DPoP-bound."""
        return self.scheme.lower() == "dpop"

    def holds_secret(self) -> bool:
        """Say whether the request itself carries a secret: a password in the body, a token in the query or a header."""
        return holds_secret(self.body) or scrub(redact_parameters(self.url)) != self.url or \
            any(is_secret_name(name) or holds_secret(value) for name, value in self.extra_headers())

    def extra_headers(self) -> list[tuple[str, str]]:
        """Return the user's headers minus Authorization, DPoP and any other secret header (set apart)."""
        fixed = {"accept", "content-type"}
        return [(k, v) for k, v in self.headers if k.lower() not in SECRET_HEADERS and k.lower() not in fixed]


def curl_command(request: SnippetRequest, *, dpop_proof: str | None = None) -> str:
    """Return a curl command for bash or zsh; with ``dpop_proof``, a line setting it comes first.

    No header or body is on curl's command line (see ``oktatool.core.shells``): the token, the proof and the
    body, which may hold a password, reach curl through a pipe. Notes are ``:`` lines, not comments: zsh reads
    ``#`` as a command when pasted at its prompt (``interactive_comments`` is off by default).
    """
    lines = []
    if request.dpop:
        note = DPOP_NOTE + (" This proof was made just now for this call." if dpop_proof else "")
        lines.append(f": {shlex.quote(note)}")
        if dpop_proof:
            lines.append(f"{PROOF_VARIABLE}={shlex.quote(dpop_proof)}")
    headers = [shlex.quote("Accept: application/json"),
               posix_expanding(f"Authorization: {request.scheme} ${TOKEN_VARIABLE}")]
    if request.dpop:
        headers.append(posix_expanding(f"DPoP: ${PROOF_VARIABLE}"))
    headers += [shlex.quote(f"{name}: {value}") for name, value in request.extra_headers()]
    if request.body is not None:
        headers.append(shlex.quote("Content-Type: application/json"))
    parts = ["curl --silent --show-error --include", f"--request {request.method.upper()}",
             shlex.quote(request.url)]
    if request.ca_bundle:
        parts.append(f"--cacert {shlex.quote(request.ca_bundle)}")
    parts.append(curl_reads("--header", headers))
    if request.body is not None:
        body = json.dumps(request.body, separators=(",", ":"))  # ASCII (\u escapes): the same bytes in any locale
        parts.append(curl_reads("--data-binary", [shlex.quote(body)], lines=False))
    lines.append(" \\\n  ".join(parts))
    return "\n".join(lines) + "\n"


def powershell_command(request: SnippetRequest, *, dpop_proof: str | None = None) -> str:
    """Return an ``Invoke-RestMethod`` call for ``request`` that runs in Windows PowerShell 5.1 and PowerShell 7.

    Every piece of data is a single-quoted string (nothing in it is expanded); the token is read from
    ``$env:OKTA_ACCESS_TOKEN``. With ``dpop_proof``, a line setting ``$env:OKTA_DPOP_PROOF`` comes first.
    """
    q = powershell_quote
    lines: list[str] = []
    if request.dpop:
        lines.append(f"# {DPOP_NOTE}")
        if dpop_proof:
            lines += ["# This proof was made just now for this call:", f"$env:{PROOF_VARIABLE} = {q(dpop_proof)}"]
    unset = q(f"Set $env:{TOKEN_VARIABLE} to the access token first")
    lines += [f"if (-not $env:{TOKEN_VARIABLE}) {{ throw {unset} }}",
              "# Windows PowerShell 5.1 may offer only TLS 1.0 by default; Okta needs TLS 1.2",
              "[Net.ServicePointManager]::SecurityProtocol = "
              "[Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12"]
    if request.ca_bundle:
        lines.append(f"$caBundle = {q(request.ca_bundle)}  # PowerShell has no --cacert: trust this CA in the "
                     "system's store first")
    lines += ["$headers = @{", "    'Accept' = 'application/json'",
              f"    'Authorization' = {q(request.scheme + ' ')} + $env:{TOKEN_VARIABLE}"]
    if request.dpop:
        lines.append(f"    'DPoP' = $env:{PROOF_VARIABLE}")
    merged: dict[str, tuple[str, list[str]]] = {}  # a hashtable literal refuses a key twice (in any case)
    for name, value in request.extra_headers():
        merged.setdefault(name.lower(), (name, []))[1].append(value)
    lines += [f"    {q(name)} = {q(', '.join(values))}" for name, values in merged.values()]
    lines += ["}", "$call = @{", f"    Method = {q(request.method.upper())}", f"    Uri = {q(request.url)}",
              "    Headers = $headers"]
    if request.body is not None:
        # ASCII JSON (\u escapes): PowerShell 5.1 encodes a string body as ISO-8859-1, 7 as UTF-8
        lines += ["    ContentType = 'application/json'",
                  f"    Body = {q(json.dumps(request.body, separators=(',', ':'), ensure_ascii=True))}"]
    lines += ["}", "Invoke-RestMethod @call"]
    return "\n".join(lines) + "\n"


def python_snippet(request: SnippetRequest) -> str:
    """Return a Python ``requests`` snippet for ``request``."""
    headers = ['    "Accept": "application/json",',
               f'    "Authorization": "{request.scheme} " + os.environ["{TOKEN_VARIABLE}"],']
    if request.dpop:
        headers.append(f'    "DPoP": os.environ["{PROOF_VARIABLE}"],  # a new proof for every call')
    headers += [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in request.extra_headers()]
    lines = []
    if request.dpop:
        lines.append(f"# {DPOP_NOTE}")
    lines += ["import os", "", "import requests", "", "response = requests.request(",
              f"    {json.dumps(request.method.upper())},", f"    {json.dumps(request.url)},",
              "    headers={", *("    " + h for h in headers), "    },"]
    if request.body is not None:
        lines.append(f"    json={_python_literal(request.body)},")
    if request.ca_bundle:
        lines.append(f"    verify={json.dumps(request.ca_bundle)},")
    lines += ["    timeout=30,", ")",
              'print(response.status_code, response.headers.get("X-Okta-Request-Id"))',
              "print(response.text)"]
    return "\n".join(lines) + "\n"


def _python_literal(value: Any) -> str:
    """Return ``value`` (parsed JSON) as Python source: JSON with true/false/null spelled the Python way."""
    return repr(value)


def without_secret_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return ``headers`` minus Authorization, DPoP and cookies."""
    return tuple((k, v) for k, v in headers if k.lower() not in SECRET_HEADERS)
