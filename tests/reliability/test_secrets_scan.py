"""Secrets scan: after a scripted session, no private key member, SSWS token or access token sits in plain text.

The session runs the CLI in subprocesses (keygen, convert, thumbprint, assertion, sign, decode, verify,
token and api against a sandbox org and against the in-process Local sandbox, app and doctor; an app whose keys
are published at a URL made, its profile saved in the store, and rotated twice (with and without a profile);
admin roles assigned, a custom role made and removed) and the window through pytest-qt, behind an encrypted
file store: every tab shown, a key generated in the Keys tab, an openssl key imported into the library, a Console
token and calls whose requests carry secrets (kept in the history), an SSWS token stored through Scopes > Set API
token… and used, and a New service app made against the Local sandbox. Every secret the session saw is
remembered; then the config, data, cache and log folders, the session's TMPDIR, the JWKS file written to be
published, and any file created under the system temp folder during the session are searched for each of them.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.figures import Figures
from tests.jwks_server import PublishedSet
from tests.sandbox_fixtures import SandboxFactory

PASSPHRASE = "scan-store-passphrase-31415"  # the test store's passphrase, searched for too
_JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")


@dataclass
class Secrets:
    """What the session saw, by kind; each value is searched for as it would be written."""

    key_members: set[str] = field(default_factory=set)
    ssws: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # passphrases, assertions

    def add_private_key(self, material: Any) -> None:
        """Remember a private key's secret members (base64url, as in a JWK) and its PEM bodies."""
        from jwt.algorithms import ECAlgorithm, RSAAlgorithm

        exporter = RSAAlgorithm if isinstance(material, rsa.RSAPrivateKey) else ECAlgorithm
        jwk = json.loads(exporter.to_jwk(material))
        self.add_jwk(jwk)
        for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
            pem = material.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()
            self.key_members.add(pem.splitlines()[2])  # a line of the body past the public prefix
            der = material.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
            self.key_members.add(base64.b64encode(der).decode()[100:160])

    def add_jwk(self, jwk: dict[str, Any]) -> None:
        for name in ("d", "p", "q", "dp", "dq", "qi", "k"):
            if isinstance(jwk.get(name), str) and len(jwk[name]) >= 16:
                self.key_members.add(jwk[name])

    def kinds(self) -> dict[str, set[str]]:
        return {"private key members": self.key_members, "SSWS tokens": self.ssws,
                "access tokens": self.access_tokens, "other secrets": self.others}


def scan(roots: list[Path], secrets: Secrets, *, since: float | None = None,
         skip: tuple[Path, ...] = ()) -> dict[str, list[str]]:
    """Return, per kind, the files holding a secret (or, for access tokens, any JWT with Okta's access claims).

    The extra kind "scanned" lists every file read.
    """
    found: dict[str, list[str]] = {kind: [] for kind in (*secrets.kinds(), "scanned")}
    needles = {kind: [value.encode() for value in values] for kind, values in secrets.kinds().items()}
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                if any(path.is_relative_to(excluded) for excluded in skip):
                    continue
                try:
                    info = path.lstat()
                    if not path.is_file() or info.st_size > 20_000_000 or (since and info.st_mtime < since):
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue  # another user's file, or gone already
                found["scanned"].append(str(path))
                for kind, values in needles.items():
                    if any(value in data for value in values):
                        found[kind].append(str(path))
                if str(path) not in found["access tokens"] and any(
                        _looks_like_access_token(token) for token in _JWT.findall(data)):
                    found["access tokens"].append(str(path))
    return found


def _looks_like_access_token(token: bytes) -> bool:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.split(b".")[1] + b"==="))
    except ValueError:
        return False
    return isinstance(payload, dict) and ("scp" in payload or "cid" in payload)


@pytest.fixture
def session_env(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "session-tmp"
    temp.mkdir()
    return {"TMPDIR": str(temp)}


def _run(run_cli: CliRunner, env: dict[str, str], *args: str, input: str | None = None) -> str:
    result = run_cli(*args, input=input, env=env)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def _cli_session(run_cli: CliRunner, env: dict[str, str], user: Path, info: SandboxInfo,
                 secrets: Secrets, skipped: list[str]) -> int:
    """Run the CLI commands of a working day; return how many ran."""
    commands = 0

    def run(*args: str, input: str | None = None) -> str:
        nonlocal commands
        commands += 1
        return _run(run_cli, env, *args, input=input)

    rsa_jwk = json.loads(run("keygen", "--kty", "RSA", "--size", "2048"))
    secrets.add_jwk(rsa_jwk)
    ec_pem = run("keygen", "--kty", "EC", "--crv", "P-256", "--format", "pem")
    secrets.add_private_key(serialization.load_pem_private_key(ec_pem.encode(), password=None))
    key_file = user / "rsa.json"  # the user's own output file: theirs to keep, not scanned
    run("keygen", "--kty", "RSA", "--size", "3072", "-o", str(key_file))
    secrets.add_jwk(json.loads(key_file.read_text()))
    run("convert", str(key_file), "--format", "pem", "-o", str(user / "rsa.pem"))
    run("thumbprint", str(key_file))
    assertion = run("assertion", "--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file))
    secrets.others.add(assertion.strip())
    signed = run("sign", "--claims", '{"sub": "scan"}', "--key", str(key_file)).strip()
    run("decode", "-", input=signed)
    run("verify", "-", "--key", str(key_file), input=signed)
    org = ["--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file)]
    for extra in ([], ["--dpop"]):
        token = json.loads(run("token", *org, "--scopes", "okta.users.read", "--json", *extra))
        secrets.access_tokens.add(token["access_token"])
    run("api", "GET", "/api/v1/users?limit=2", *org)
    run("api", "GET", "/api/v1/groups", *org, "--dpop")
    local = json.loads(run("token", "--profile", "Local sandbox", "--scopes", "okta.users.read", "--json"))
    secrets.access_tokens.add(local["access_token"])
    run("api", "GET", "/api/v1/users?limit=2", "--profile", "Local sandbox")
    admin = ["--api-token-file", str(_ssws_file(user, info))]
    run("app", "create", "--org", info.org_url, "--name", "scan app", "--scopes", "okta.users.read",
        "--key", str(key_file), *admin, "--json")
    target = ["--org", info.org_url, "--client-id", info.client_id]
    for area in ("grants", "roles", "keys"):
        run("app", area, "list", *target, *admin, "--json")
    run("app", "export", *target, "--as", "curl", "--scopes", "okta.users.read")
    result = run_cli("doctor", *org, *admin, env=env)
    commands += 1
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    return commands


def _url_and_roles_session(run_cli: CliRunner, env: dict[str, str], user: Path, info: SandboxInfo,
                           secrets: Secrets, published: PublishedSet) -> int:
    """Keys at a URL (create with a saved profile, rotate by profile and by client id) and admin roles (scoped,
    custom): the flows that write JWKS files, keep keys in the store and print calls; return how many ran."""
    from oktatool.core.okta.jwks_uri import publish_text
    from oktatool.core.okta.rotation import new_app_key

    commands = 0

    def run(*args: str) -> str:
        nonlocal commands
        commands += 1
        return _run(run_cli, env, *args)

    keys = [new_app_key() for _ in range(3)]
    files = []
    for key in keys:
        secrets.add_jwk(key.to_dict(private=True))
        files.append(user / f"{key.kid}.jwk")
        files[-1].write_text(key.export("jwk"))
    jwks_file = user / "published" / "jwks.json"  # the user's file to serve: public keys only, scanned too
    jwks_file.parent.mkdir()
    jwks_file.write_text(publish_text([keys[0]]))
    published.serve_file(jwks_file)
    passphrase = user / "store-passphrase.txt"
    passphrase.write_text(PASSPHRASE + "\n")
    store = ["--store-passphrase-file", str(passphrase)]
    admin = ["--api-token-file", str(_ssws_file(user, info))]
    made = json.loads(run("app", "create", "--org", info.org_url, "--name", "scan url app", "--scopes",
                          "okta.users.read", "--key", str(files[0]), "--jwks-uri", published.url,
                          "--save-profile", "scan url", *admin, *store, "--json"))
    secrets.access_tokens.add(json.loads(run("token", "--profile", "scan url", *store, "--json"))["access_token"])
    run("app", "rotate", "--profile", "scan url", "--new-key", str(files[1]), "--jwks-file", str(jwks_file),
        *admin, *store, "--json")
    run("app", "rotate", "--org", info.org_url, "--client-id", made["client_id"], "--new-key", str(files[2]),
        "--jwks-file", str(jwks_file), *admin, "--json")
    for key in keys:
        assert key.to_dict(private=True)["d"] not in jwks_file.read_text()
    target = ["--org", info.org_url, "--client-id", info.client_id, *admin]
    run("app", "roles", "assign", "USER_ADMIN", "--group", "Engineering", *target)
    custom = json.loads(run("app", "roles", "custom", "--scope", "okta.users.read", "--group", "Engineering",
                            *target, "--json"))
    run("app", "roles", "list", *target)
    run("app", "roles", "unassign", custom["id"], *target)
    return commands


def _ssws_file(user: Path, info: SandboxInfo) -> Path:
    path = user / "ssws.txt"
    path.write_text(info.ssws_token + "\n")
    path.chmod(0o600)
    return path


def _window_session(qtbot: Any, home: Path, secrets: Secrets) -> None:
    """The window on the same home: every tab shown, a key generated, an openssl key imported into the library."""
    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from oktatool.context import AppContext
    from oktatool.core.keys.key import load_key
    from oktatool.core.store.file_store import EncryptedFileStore
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.settings import SettingsStore
    from oktatool.gui.keys.tab import KeysTab
    from oktatool.gui.main_window import TAB_SPECS, MainWindow

    loop = qasync.QEventLoop(QApplication.instance())
    asyncio.set_event_loop(loop)
    paths = AppPaths.resolve(home).ensure()
    store = EncryptedFileStore(paths.data_dir / "secrets.enc", scrypt_n=2**10)
    store.unlock(PASSPHRASE.encode())
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=store)
    window = MainWindow(context)
    qtbot.addWidget(window)
    try:
        window.show()
        window.start()
        for spec in TAB_SPECS:
            assert window.show_tab(spec.key).isVisible()
        keys = window.show_tab("keys")
        assert isinstance(keys, KeysTab)
        qtbot.mouseClick(keys.form.generate_button, Qt.MouseButton.LeftButton)
        loop.run_until_complete(asyncio.wait_for(asyncio.shield(keys.request.task), 60))
        assert keys.key is not None
        secrets.add_jwk(keys.key.to_dict(private=True))
        pem = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
                             check=True, capture_output=True, timeout=60).stdout
        secrets.add_private_key(serialization.load_pem_private_key(pem, password=None))
        context.key_library().save("imported", load_key(pem))
        context.key_library().save("generated", keys.key)
        info = context.sandbox()  # the Local sandbox the Console uses
        secrets.ssws.add(info.ssws_token)
        secrets.add_private_key(serialization.load_pem_private_key(info.key_file.read_bytes(), password=None))
        _console_work(window, loop, secrets)
        _stored_admin_token(window, loop, qtbot, info.ssws_token)
        _new_service_app(window, context, loop, qtbot, secrets)
    finally:
        window.close()
        context.close()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
        asyncio.set_event_loop(None)


#: what the user types into the Console's call, secret only by name (no JWT, no "SSWS "): the history keeps none
TYPED = {"bearer": "typed-bearer-4c1d8e2f", "dpop": "typed-dpop-proof-7a3b9c0d", "session": "typed-session-5e6f1a2b",
         "client secret": "typed-client-secret-3d4c5b6a", "pass code": "typed-pass-code-9f8e7d6c",
         "password": "typed-password-2b3c4d5e"}


def _run_task(loop: asyncio.AbstractEventLoop, task: Any) -> None:
    assert task is not None, "the action started nothing"
    loop.run_until_complete(asyncio.wait_for(asyncio.shield(task), 120))


def _console_work(window: Any, loop: asyncio.AbstractEventLoop, secrets: Secrets) -> None:
    """A token from the Local sandbox, then calls whose request carries secrets, kept in the Console's history."""
    from oktatool.gui.console.tab import ConsoleTab

    console = window.show_tab("console")
    assert isinstance(console, ConsoleTab)
    _run_task(loop, console.loading)
    _run_task(loop, console.get_token())
    assert console.token is not None, console.token_panel.status.text()
    secrets.access_tokens.add(console.token.token.access_token)
    secrets.others.update(TYPED.values())
    body = json.dumps({"profile": {"login": "scan@example.com"}, "sessionToken": TYPED["session"],
                       "client_secret": TYPED["client secret"],
                       "credentials": {"password": {"value": TYPED["password"]}}})
    for headers in ([("Authorization", f"Bearer {TYPED['bearer']}"), ("DPoP", TYPED["dpop"])], []):
        console.editor.set_request("POST", f"/api/v1/users?activate=false&passCode={TYPED['pass code']}", body,
                                   headers)
        _run_task(loop, console.send())
        assert "→" in console.response.status.text(), console.response.status.text()
    _run_task(loop, console.history_saved)
    assert len(console.history.model.entries) == 2


def _answer_input(text: str) -> None:
    """Type ``text`` into the input dialog once it shows and press OK, as a user would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog) and dialog.isVisible():
            dialog.setTextValue(text)
            dialog.accept()
        else:
            QTimer.singleShot(20, answer)  # not shown yet: look again

    QTimer.singleShot(0, answer)


def _stored_admin_token(window: Any, loop: asyncio.AbstractEventLoop, qtbot: Any, ssws_token: str) -> None:
    """Scopes > Grants & roles: Set API token… keeps the SSWS token in the secret store; a fetch then uses it."""
    from PySide6.QtCore import Qt

    from oktatool.gui.scopes.access import STORED_TOKEN
    from oktatool.gui.scopes.tab import ScopesTab

    scopes = window.show_tab("scopes")
    assert isinstance(scopes, ScopesTab)
    _run_task(loop, scopes.ready)
    access = scopes.access
    _answer_input(ssws_token)
    qtbot.mouseClick(access.set_token, Qt.MouseButton.LeftButton)
    _run_task(loop, access.request.task)
    assert "API token stored" in access.message.text(), access.message.text()
    assert access.credential.currentData() == STORED_TOKEN
    qtbot.mouseClick(access.fetch_button, Qt.MouseButton.LeftButton)
    _run_task(loop, access.request.task)
    assert access.grants.rowCount() > 0, access.message.text()


def _new_service_app(window: Any, context: Any, loop: asyncio.AbstractEventLoop, qtbot: Any,
                     secrets: Secrets) -> None:
    """Help > New service app… against the Local sandbox: its new key goes into the store, its profile saved."""
    from oktatool.gui.dialogs.service_app import NewServiceAppDialog

    dialog = NewServiceAppDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.show()

    async def scopes_listed() -> None:
        while dialog.scopes.list.count() == 0:
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(scopes_listed(), 30))
    dialog.name.setText("Scan service app")
    _run_task(loop, dialog.start())
    assert dialog.flow is not None and dialog.flow.done, dialog.status.text()
    key = context.profile_key(context.profile("Scan service app"))
    secrets.add_jwk(key.to_dict(private=True))
    dialog.close()


@pytest.mark.slow
def test_a_session_leaves_no_secret_in_plain_text(qtbot: Any, run_cli: CliRunner, isolated_home: Path,
                                                  sandbox_factory: SandboxFactory, session_env: dict[str, str],
                                                  tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                  figures: Figures, jwks_server: PublishedSet) -> None:
    started = time.time() - 1
    info = sandbox_factory(users=5, dpop_required=False)
    secrets = Secrets()
    secrets.ssws.add(info.ssws_token)
    secrets.others.add(PASSPHRASE)
    secrets.add_private_key(serialization.load_pem_private_key(info.key_file.read_bytes(), password=None))
    user = tmp_path / "user-files"
    user.mkdir()
    skipped: list[str] = []
    commands = _cli_session(run_cli, session_env, user, info, secrets, skipped)
    commands += _url_and_roles_session(run_cli, session_env, user, info, secrets, jwks_server)
    _window_session(qtbot, isolated_home, secrets)
    # the Local sandbox is a stand-in org: its own service-app key and SSWS token live in data/sandbox
    # (0600) by design, as a real org's would live at Okta; everything else must hold no secret
    sandbox_dir = isolated_home / "data" / "sandbox"
    home_dirs = [isolated_home / name for name in ("config", "data", "cache", "logs")]
    found = scan([*home_dirs, Path(session_env["TMPDIR"]), user / "published"], secrets, skip=(sandbox_dir,))
    system_temp = Path(tempfile.gettempdir())
    # the sandbox fixture's orgs (this test's and any it restarts) keep their service key in their own folders
    sandbox_orgs = tuple(Path(info.directory).parent.glob("sandbox*"))
    # pytest's own temporary trees are left out (this session's, and any other test run's on the machine,
    # whose planted test secrets would otherwise count): the app writes to the home, TMPDIR and system temp
    pytest_trees = tmp_path_factory.getbasetemp().parent
    found_temp = scan([system_temp], secrets, since=started,
                      skip=(user, sandbox_dir, Path(info.key_file).parent, isolated_home, tmp_path, *sandbox_orgs,
                            pytest_trees))
    counts = {kind: len(found[kind]) + len(found_temp[kind]) for kind in secrets.kinds()}
    figures.add("secrets scan", f"{commands} CLI commands (keys at a URL and admin roles among them) + the window "
                f"(every tab, a key generated, 2 keys into the library, Console token and calls, stored SSWS token, "
                f"New service app); {len(found['scanned'])} "
                f"files in config/data/cache/logs and TMPDIR and "
                f"{len(found_temp['scanned'])} new files in {system_temp} searched for "
                f"{sum(len(v) for v in secrets.kinds().values())} secrets: "
                + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    for reason in skipped:
        figures.add("secrets scan", f"skipped {reason}")
    assert all(count == 0 for count in counts.values()), (found, found_temp)
    assert found["scanned"], "the session wrote nothing to scan: the scan would prove nothing"
    written = {Path(path).name for path in found["scanned"]}
    assert {"console-history.json", "settings.json"} <= written, written  # the files the window's work wrote
    assert len(secrets.key_members) >= 20 and len(secrets.access_tokens) == 5


def test_the_scan_finds_a_planted_secret(tmp_path: Path) -> None:
    material = ec.generate_private_key(ec.SECP256R1())
    secrets = Secrets()
    secrets.add_private_key(material)
    secrets.ssws.add("00abcdefghijklmnopqrstuvwxyz0123456789ABCD")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "clean.log").write_text("nothing here\n")
    clean = scan([tmp_path], secrets)
    assert clean.pop("scanned") == [str(logs / "clean.log")]
    assert all(not files for files in clean.values())
    (logs / "leak.log").write_bytes(material.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    (logs / "token.log").write_text("Authorization: SSWS 00abcdefghijklmnopqrstuvwxyz0123456789ABCD\n")
    header = base64.urlsafe_b64encode(b'{"alg":"RS256"}').rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(b'{"cid":"0oa1","scp":["okta.users.read"]}').rstrip(b"=").decode()
    (logs / "bearer.log").write_text(f"Bearer {header}.{claims}.c2lnbmF0dXJlLXNpZ25hdHVyZQ\n")
    found = scan([tmp_path], secrets)
    assert found["private key members"] == [str(logs / "leak.log")]
    assert found["SSWS tokens"] == [str(logs / "token.log")]
    assert found["access tokens"] == [str(logs / "bearer.log")]


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OKTATOOL_SECRET_STORE", "file")
    yield
