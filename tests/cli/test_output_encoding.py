"""Output to a pipe or a file is UTF-8 whatever the locale's code page (Windows uses the ANSI one, cp1252).

Every command that has ``--json`` runs under ``PYTHONIOENCODING=cp1252`` against a sandbox org holding
non-ASCII data (a user named "Łukasz 李", an app labelled with them); each exits 0 and writes UTF-8 JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from oktatool.core.keys.key import load_key
from oktatool.core.okta.jwks_uri import publish_document
from oktatool.sandbox import SandboxInfo
from tests.cli.parser_tree import commands
from tests.conftest import REPO_ROOT
from tests.jwks_server import PublishedSet
from tests.sandbox.client import secret_app

NAME = "Łukasz 李"


def _run(home: Path, *args: str, stdin: bytes | None = None) -> tuple[Any, str]:
    """Run oktatool as Windows would redirect it (cp1252); return its stdout as JSON, and its stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(home), "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run([sys.executable, "-m", "oktatool", *args], input=stdin, capture_output=True, env=env,
                          timeout=120)
    stderr = done.stderr.decode("utf-8")  # strict: cp1252 bytes of a non-ASCII character fail here
    assert done.returncode == 0, (args, stderr)
    return json.loads(done.stdout.decode("utf-8")), stderr


def test_every_json_output_is_utf8_under_a_cp1252_locale(isolated_home: Path, sandbox_org: SandboxInfo,
                                                          tmp_path: Path, jwks_server: PublishedSet) -> None:
    org = sandbox_org
    admin = {"Authorization": f"SSWS {org.ssws_token}", "Accept": "application/json"}
    made = requests.post(f"{org.org_url}/api/v1/users?activate=true", headers=admin, timeout=10, json={
        "profile": {"firstName": "Łukasz", "lastName": "李", "login": "lukasz@example.com",
                    "email": "lukasz@example.com", "displayName": NAME}})
    assert made.status_code == 200, made.text
    token_file = tmp_path / "admin.token"
    token_file.write_text(org.ssws_token + "\n")
    ssws = ["--api-token-file", str(token_file)]
    service = ["--org", org.org_url, "--client-id", org.client_id]
    signing = ["--key", str(org.key_file)]
    ran: set[tuple[str, ...]] = set()

    def run(words: tuple[str, ...], *rest: str, stdin: bytes | None = None) -> tuple[Any, str]:
        ran.add(words)
        return _run(isolated_home, *words, *rest, "--json", stdin=stdin)

    key, new_key = tmp_path / "app.json", tmp_path / "next.json"
    for path in (key, new_key):
        subprocess.run([sys.executable, "-m", "oktatool", "keygen", "--kty", "RSA", "-o", str(path)], check=True,
                       env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=120)
    signed = subprocess.run([sys.executable, "-m", "oktatool", "sign", "--key", str(key), "--claims",
                             json.dumps({"sub": NAME})], capture_output=True, check=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}).stdout
    assert run(("decode",), "-", stdin=signed)[0]["claims"]["sub"] == NAME
    assert run(("verify",), "-", "--key", str(key), stdin=signed)[0]
    assert run(("token",), *service, *signing, "--scopes", "okta.users.read")[0]["token_type"] == "Bearer"
    users = run(("api",), "GET", "/api/v1/users?q=lukasz", *service, *signing)[0]
    assert [u["profile"]["displayName"] for u in users] == [NAME]
    assert run(("scopes",), "users")[0]

    created, _ = run(("app", "create"), "--org", org.org_url, "--name", NAME, "--scopes", "okta.users.read",
                     "--key", str(key), *ssws)
    assert created["ok"] and any("→" in call for step in created["steps"] for call in step["calls"])
    app = ["--org", org.org_url, "--client-id", created["client_id"], *ssws]
    assert run(("app", "keys", "list"), *app)[0][0]["kid"] == created["kid"]
    added = run(("app", "keys", "add"), str(new_key), "--inactive", *app)[0]
    run(("app", "keys", "activate"), added["kid"], *app)
    run(("app", "keys", "deactivate"), added["kid"], *app)
    run(("app", "keys", "delete"), added["kid"], *app)
    rotated = run(("app", "rotate"), *app, "--new-key", str(new_key))[0]
    assert rotated["ok"] and any("→" in call for step in rotated["steps"] for call in step["calls"])
    assert run(("app", "grants", "list"), *app)[0]
    run(("app", "grants", "grant"), "okta.groups.read", *app)
    run(("app", "grants", "revoke"), "okta.groups.read", *app)
    assigned = run(("app", "roles", "assign"), "READ_ONLY_ADMIN", *app)[0]
    assert run(("app", "roles", "list"), *app)[0]
    run(("app", "roles", "unassign"), assigned["id"], *app)
    assert isinstance(run(("app", "tokens", "list"), *app)[0], list)
    assert run(("app", "tokens", "revoke"), "--all", *app)[0] is not None
    custom = run(("app", "roles", "custom"), "--scope", "okta.users.read", "--user", "lukasz@example.com", *app)[0]
    assert custom["summary"]
    run(("app", "roles", "unassign"), custom["id"], *app)
    jwks_server.serve(publish_document([load_key(new_key.read_bytes())]))  # the key rotate made active
    assert run(("app", "keys", "use-url"), jwks_server.url, "--yes", *app)[0]
    saved_file = tmp_path / "saved.json"
    saved_file.write_text(json.dumps({"format": 1, "requests": [
        {"name": NAME, "method": "GET", "path": "/api/v1/users", "owner": None}]}), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "oktatool", "saved", "import", str(saved_file)], check=True, timeout=120,
                   env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home)})
    assert [r["name"] for r in run(("saved", "list"))[0]] == [NAME]
    secret_id, _secret = secret_app(org, label=NAME)
    moved = run(("app", "migrate-to-key"), "--org", org.org_url, "--client-id", secret_id, "--key", str(key), "--yes",
                *ssws)[0]
    assert moved["ok"] and len(moved["secrets_deleted"]) == 1
    doctor, _ = run(("doctor",), *service, *signing, *ssws, "--scopes", "okta.users.read")
    assert doctor["ok"], doctor

    with_json = {c.words for c in commands() if c.leaf and "--json" in c.flags()}
    assert ran == with_json  # a command that gains --json joins this test


def test_a_plain_listing_with_non_ascii_data_is_utf8_too(isolated_home: Path, sandbox_org: SandboxInfo) -> None:
    from oktatool.core.encoding import b64url_encode

    header, claims = json.dumps({"alg": "HS256"}).encode(), json.dumps({"sub": NAME, "note": "→"}).encode()
    token = f"{b64url_encode(header)}.{b64url_encode(claims)}.c2ln"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home),
           "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run([sys.executable, "-m", "oktatool", "decode", "-"], input=token.encode(),
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert NAME in done.stdout.decode("utf-8") and "→" in done.stdout.decode("utf-8")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals on this OS (Windows)")
def test_a_console_that_cannot_show_a_character_gets_an_escape_not_a_crash(isolated_home: Path) -> None:
    from oktatool.core.encoding import b64url_encode

    header, claims = json.dumps({"alg": "HS256"}).encode(), json.dumps({"sub": NAME}).encode()
    token = f"{b64url_encode(header)}.{b64url_encode(claims)}.c2ln"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home),
           "PYTHONIOENCODING": "cp1252"}
    console, terminal = os.openpty()  # a terminal whose encoding (cp1252 here) is the user's to choose
    try:
        try:
            done = subprocess.run([sys.executable, "-m", "oktatool", "decode", "-", "--json"], input=token.encode(),
                                  stdout=terminal, stderr=subprocess.PIPE, env=env, timeout=120)
        finally:
            os.close(terminal)
        shown = b""
        while chunk := _read(console):
            shown += chunk
    finally:
        os.close(console)
    assert done.returncode == 0, done.stderr
    text = shown.decode("cp1252")
    assert "\\u0141ukasz \\u674e" in text and '"alg": "HS256"' in text
    assert json.loads(text[text.index("{"):])["claims"]["sub"] == NAME  # the escapes are JSON's own


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the terminal's other end is closed and everything was read
        return b""
