"""Copied and exported commands for POSIX shells and PowerShell, quoted for hostile text.

POSIX text is run by bash. PowerShell cannot be installed here (no ``powershell`` package in the apt sources,
and binaries are not downloaded), so PowerShell text is read by tests/powershell_syntax.py, a reader written
from the language specification's rules for single-quoted strings.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.errors import BadInputError
from oktatool.core.okta.export import ExportSpec, env_vars, render
from oktatool.core.okta.snippets import SnippetRequest, curl_command, powershell_command
from oktatool.core.shells import SHELLS, default_shell, env_assignments, powershell_quote
from tests.powershell_syntax import PowerShellThrow, Token, run, tokens

#: what breaks quoting: quotes of every kind PowerShell knows, $, backticks, backslashes, line ends, unicode
_PIECES = st.sampled_from([*"'\"$`\\\n\r\t ;|&(){}[]*?~#@+=-", "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "Ł",
                           "李", "😀", "$(", "${x}", "$env:PATH", "`n", "''", "'@", "@'"])
HOSTILE = st.lists(_PIECES | st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   max_size=20).map("".join)
NAMES = ("OKTA_CLIENT_ORGURL", "OKTA_CLIENT_AUTHORIZATIONMODE", "OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_SCOPES",
         "OKTA_CLIENT_PRIVATEKEY", "OKTA_CLIENT_KEYID")


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_a_powershell_string_reads_back_as_the_text(text: str) -> None:
    assert tokens(powershell_quote(text)) == [Token(text, str=True)]
    assert tokens(f"$env:X = {powershell_quote(text)}  # c\n") == [Token("$env:X"), Token("="), Token(text, str=True),
                                                                   Token("\n")]


@pytest.mark.parametrize("text", ["it's", "it\u2019s", "\u2018x\u2019", "\u201aa\u201b", "'", "''", "$env:HOME",
                                  "`$(whoami)`", "a\nb"])
def test_every_quote_powershell_knows_is_doubled(text: str) -> None:
    assert tokens(powershell_quote(text)) == [Token(text, str=True)]
    assert run(f"$env:V = {powershell_quote(text)}\n", {}).env["V"] == text


def test_the_reader_knows_the_typographic_quotes() -> None:
    # the mistake the quoting avoids: with only ' doubled, ’ ends the string and what follows is code
    assert tokens("'it\u2019s''") == [Token("it", str=True), Token("s"), Token("", str=True)]
    with pytest.raises(SyntaxError):
        tokens('"$env:X"')  # an expandable string: oktatool never writes one


def _spec(values: list[str]) -> ExportSpec:
    org, client, scope, key, kid = values
    return ExportSpec(org, client, (scope,), kid, key_path=key, by_path=True)


def _expected(spec: ExportSpec) -> dict[str, str]:
    return dict(zip(NAMES, (spec.org_url, "PrivateKey", spec.client_id, " ".join(spec.scopes), spec.key_path,
                            spec.kid or ""), strict=True))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@settings(max_examples=60, deadline=None)
@given(st.lists(HOSTILE.filter(bool), min_size=5, max_size=5))
def test_posix_env_lines_round_trip_through_bash(values: list[str]) -> None:
    spec = _spec(values)
    script = env_vars(spec, "posix") + "printf '%s\\0' " + " ".join(f'"${name}"' for name in NAMES)
    done = subprocess.run(["bash", "-c", script], capture_output=True, timeout=30, check=True, env={})
    assert done.stdout.decode("utf-8").split("\0")[:-1] == list(_expected(spec).values())


@settings(max_examples=200, deadline=None)
@given(st.lists(HOSTILE.filter(bool), min_size=5, max_size=5))
def test_powershell_env_lines_set_each_variable_to_the_text(values: list[str]) -> None:
    spec = _spec(values)
    text = env_vars(spec, "powershell")
    assert run(text, {}).env == _expected(spec)
    words = [t for t in tokens(text) if not t.str]
    notes = len(words) - 3 * len(NAMES)
    assert words[:notes] == [Token("\n")] * notes  # the comment lines
    assert words[notes:] == [w for n in NAMES for w in (Token(f"$env:{n}"), Token("="), Token("\n"))]


def test_env_export_for_each_shell_and_the_default_per_os() -> None:
    spec = ExportSpec("https://dev-1.okta.com", "0oa1", ("okta.users.read",), None, key_path="C:\\keys\\svc.pem",
                      by_path=True)
    written = {name: render("env", spec, shell=name) for name in SHELLS}
    assert render("env", spec) == written["posix"]
    assert written["posix"].splitlines()[1] == "export OKTA_CLIENT_ORGURL=https://dev-1.okta.com"
    assert written["powershell"].splitlines()[-1] == "$env:OKTA_CLIENT_PRIVATEKEY = 'C:\\keys\\svc.pem'"
    for unknown in ("cmd", "fish"):
        with pytest.raises(BadInputError, match=f"unknown shell '{unknown}'"):
            render("env", spec, shell=unknown)
    with pytest.raises(BadInputError):
        env_assignments([("A", "b")], "fish")
    assert default_shell("win32") == "powershell"
    assert default_shell("linux") == default_shell("darwin") == "posix"


REQUEST = st.builds(
    SnippetRequest, st.sampled_from(["GET", "post", "PUT", "DELETE"]),
    HOSTILE.map(lambda t: "https://dev-1.okta.com/api/v1/users?q=" + t), st.sampled_from(["Bearer", "DPoP", "SSWS"]),
    st.lists(st.tuples(st.sampled_from(["X-A", "x-a", "X-B", "Authorization", "DPoP", "Accept"]), HOSTILE),
             max_size=4).map(tuple),
    st.none() | st.dictionaries(HOSTILE, HOSTILE | st.integers() | st.booleans(), max_size=3),
    st.none() | HOSTILE.filter(bool))


@settings(max_examples=200, deadline=None)
@given(REQUEST, st.none() | HOSTILE.filter(bool))
def test_copy_as_powershell_carries_the_data_and_nothing_runs_it(request: SnippetRequest, proof: str | None) -> None:
    text = powershell_command(request, dpop_proof=proof)
    env = {"OKTA_ACCESS_TOKEN": "tok.en"}
    script = run(text, env)
    (call,) = script.calls
    assert call["Method"] == request.method.upper() and call["Uri"] == request.url and script.tls12
    headers = call["Headers"]
    assert headers["Accept"] == "application/json" and headers["Authorization"] == f"{request.scheme} tok.en"
    extra: dict[str, list[str]] = {}
    for name, value in request.extra_headers():
        extra.setdefault(name.lower(), []).append(value)
    assert {k.lower(): v for k, v in headers.items() if k not in ("Accept", "Authorization", "DPoP")} == \
        {k: ", ".join(v) for k, v in extra.items()}
    if request.dpop:
        assert headers["DPoP"] == (proof if proof else "")
        assert "every call needs a new proof" in text
    else:
        assert "DPoP" not in headers
    if request.body is None:
        assert "Body" not in call and "ContentType" not in call
    else:
        assert call["ContentType"] == "application/json" and json.loads(call["Body"]) == request.body
        call["Body"].encode("ascii")  # the same bytes from 5.1 (ISO-8859-1 by default) and 7 (UTF-8)
    assert script.variables.get("caBundle") == request.ca_bundle
    with pytest.raises(PowerShellThrow, match="OKTA_ACCESS_TOKEN"):
        run(text, {})


#: a ``curl`` for bash and zsh that prints, NUL-separated, its URL, CA bundle, and what each ``@FILE`` holds
_SHOW_CURL = """curl() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --request) printf 'url %s\\0' "$3"; shift 2 ;;
      --cacert) printf 'cacert %s\\0' "$2"; shift ;;
      --header|--data-binary) printf '%s ' "$1"; cat -- "${2#@}"; printf '\\0'; shift ;;
    esac
    shift
  done
}
"""


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@settings(max_examples=100, deadline=None)
@given(REQUEST.filter(lambda r: not any(c in v for _, v in r.headers for c in "\r\n")), st.none() | HOSTILE)
def test_copy_as_curl_hands_curl_the_headers_and_body_exactly_through_pipes(shell: str, request: SnippetRequest,
                                                                            proof: str | None) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"needs {shell}")
    text = curl_command(request, dpop_proof=proof or None)
    done = subprocess.run([program, "-c", _SHOW_CURL + text], capture_output=True, timeout=30, check=True,
                          env={"OKTA_ACCESS_TOKEN": "tok $en'"})
    seen = [item.partition(" ") for item in done.stdout.decode("utf-8").split("\0")[:-1]]
    said = {name: value for name, _, value in seen}
    assert [name for name, _, _ in seen] == ["url", *(["cacert"] if request.ca_bundle else []), "--header",
                                             *(["--data-binary"] if request.body is not None else [])]
    assert said["url"] == request.url and said.get("cacert") == request.ca_bundle
    expected = ["Accept: application/json", f"Authorization: {request.scheme} tok $en'"]
    if request.dpop:
        expected.append(f"DPoP: {proof or ''}")
    expected += [f"{name}: {value}" for name, value in request.extra_headers()]
    if request.body is not None:
        expected.append("Content-Type: application/json")
    assert said["--header"] == "".join(line + "\n" for line in expected)
    if request.body is not None:
        assert json.loads(said["--data-binary"]) == request.body
