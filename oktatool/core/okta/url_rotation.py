"""Rotate the key of an app whose keys are published at a URL (jwks_uri), without changing the app.

1. read the app's jwks_uri and what it publishes; 2. write the JWKS file to publish with the old and the new
public key; 3. check that the URL serves the new kid (stops here until the file is served: run again to go on);
4. get a token signed with the new key (Okta fetched it from the URL); 5. switch the signer (a callback: the
caller owns the profile); 6. write the file with only the new key, to be served next. Nothing is sent to the
Apps API but reads: the app itself is the same before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import BadInputError, Hint, OktaToolError
from oktatool.core.okta.rotation import KeyProof, RotationRequest, prove_key
from oktatool.core.okta.setup import Flow, Step, call

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.jwks_uri import PublishedKeys

URL_CHECK = "url-new"


def default_jwks_file(client_id: str) -> str:
    """Return the JWKS file's default name, ``jwks-CLIENT_ID.json``, as a plain file name: a client id typed
    into a profile (``../x``, ``C:\\x``) cannot move the file out of its folder or be refused by the OS."""
    from oktatool.core.files import safe_file_name

    return safe_file_name(f"jwks-{client_id.strip() or 'app'}.json", fallback="jwks-app.json")


@dataclass(frozen=True)
class UrlRotationRequest:
    """A rotation of a jwks_uri app: who signs now and next, and the file written for the URL to serve."""

    rotation: RotationRequest
    jwks_file: Path
    #: only an org on this computer (the sandbox) can fetch a plain-http loopback URL
    allow_loopback_http: bool = False
    #: the old key's public JWK, when known (a profile's key): published beside the new one
    old_public: dict[str, Any] | None = field(default=None, repr=False)


def _published(step: Step, url: str, kid: str | None, request: UrlRotationRequest, http: HttpOptions) -> PublishedKeys:
    from oktatool.core.okta.jwks_uri import check_jwks_url

    return call(step, "GET", url, lambda: check_jwks_url(url, kid, allow_loopback_http=request.allow_loopback_http,
                                                          http=http))


def _write(path: Path, keys: list[Key | dict[str, Any]]) -> str:
    from oktatool.core.files import write_atomic
    from oktatool.core.okta.jwks_uri import publish_document, publish_text

    kids = [str(k["kid"]) for k in publish_document(keys)["keys"]]
    try:
        write_atomic(path, publish_text(keys).encode("utf-8"), mode=0o644)  # public keys: served to anyone
    except OSError as exc:
        raise BadInputError(f"cannot write the JWKS file {path}: {exc.strerror or exc}") from None
    return ", ".join(kids)


class UrlRotationFlow(Flow):
    """check → file with old + new → URL serves new → token with new → switch → file with new only."""

    PLAN = (("check", "Read the app's jwks_uri and what it publishes"),
            ("publish-both", "Write the JWKS file with the old and the new key"),
            (URL_CHECK, "Check that the URL serves the new key"),
            ("token", "Get a token with the new key"), ("switch", "Switch the signer to the new key"),
            ("publish-new", "Write the JWKS file with only the new key"))

    def __init__(self, request: UrlRotationRequest, admin: ApiClient, http: HttpOptions,
                 switch: Callable[[Key], str]) -> None:
        super().__init__()
        self.request = request
        self.admin = admin
        self.http = http
        self._switch = switch
        self.url = ""
        self.published: tuple[dict[str, Any], ...] = ()
        self._add("check", self._check)
        self._add("publish-both", self._publish_both)
        self._add(URL_CHECK, self._url_new)
        self._add("token", self._token)
        self._add("switch", self._do_switch)
        self._add("publish-new", self._publish_new)

    @property
    def new_key(self) -> Key:
        """Return the key that takes over."""
        return self.request.rotation.new_key

    def _check(self, step: Step) -> str:
        from oktatool.core.okta.apps import get_app

        rotation = self.request.rotation
        app = call(step, "GET", f"/api/v1/apps/{rotation.client_id}", lambda: get_app(self.admin, rotation.client_id))
        if app.jwks_uri is None:
            raise BadInputError(f"the app {rotation.client_id} keeps its keys in Okta, not at a URL",
                                hint="rotate it with the saved-keys steps (oktatool app rotate without a jwks_uri)")
        self.url = app.jwks_uri
        found = _published(step, self.url, None, self.request, self.http)
        if rotation.old_kid not in found.kids and self.new_key.kid not in found.kids:
            raise BadInputError(f"the key set at {self.url} holds neither the current kid {rotation.old_kid!r} nor "
                                f"the new one (its kids: {', '.join(found.kids)})",
                                hint="publish the key the app signs with now, then rotate")
        self.published = found.keys
        return f"the app fetches its keys from {self.url}, which publishes {', '.join(found.kids)}"

    def _publish_both(self, step: Step) -> str:
        from oktatool.core.okta.jwks_uri import SERVE_HOW

        new_kid = self.new_key.kid
        old = [k for k in self.published if k.get("kid") == self.request.rotation.old_kid]
        if not old and self.request.old_public is not None:
            old = [self.request.old_public]
        kids = _write(self.request.jwks_file, [*old, self.new_key] if old else
                      [*(k for k in self.published if k.get("kid") != new_kid), self.new_key])
        return f"wrote {self.request.jwks_file} with kids {kids}: {SERVE_HOW}"

    def _url_new(self, step: Step) -> str:
        try:
            found = _published(step, self.url, self.new_key.kid, self.request, self.http)
        except OktaToolError as exc:
            raise BadInputError(exc.description, code=exc.code,
                                hint=Hint(f"serve {self.request.jwks_file} at {self.url}, then run the same "
                                          "command again: it goes on from here",
                                          window=f"serve {self.request.jwks_file} at {self.url}")) from None
        return f"{self.url} serves {', '.join(found.kids)}"

    def _token(self, step: Step) -> str:
        rotation = self.request.rotation
        proof = KeyProof(rotation.org, rotation.client_id, self.new_key, rotation.scopes, rotation.dpop)
        return prove_key(step, proof, self.http) + ", the assertion signed with the new key (fetched from the URL)"

    def _do_switch(self, step: Step) -> str:
        return self._switch(self.new_key)

    def _publish_new(self, step: Step) -> str:
        kids = _write(self.request.jwks_file, [self.new_key])
        return (f"wrote {self.request.jwks_file} with only {kids}: serve it at {self.url} now; the old key stops "
                "working once the URL no longer holds it")


def published_app_kid(keys: tuple[str, ...], new_kid: str | None, client_id: str) -> str:
    """Return the one published kid other than ``new_kid`` (what the app signs with now, when no profile says)."""
    others = [kid for kid in keys if kid != new_kid]
    if len(others) != 1:
        raise BadInputError(f"the app {client_id}'s jwks_uri publishes {len(others)} keys besides the new one"
                            f"{': ' + ', '.join(others) if others else ''}; rotate needs exactly one to replace",
                            hint="publish only the key the app signs with now")
    return others[0]
