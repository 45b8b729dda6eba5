"""Token exchanges as they happened: every POST to the token endpoint and its answer, recorded by the client.

``RecordingTokenClient`` is a ``TokenClient`` that keeps each leg it sends (the request line, headers and
form body with the client assertion and the DPoP proof, and the answer) and hands a frozen
``TokenExchange`` to a listener whenever it went to the network: on an explicit Get token, and when a call
renewed a token that was about to expire. A DPoP nonce round trip is two legs. The values stay in memory
for the window to show (masked); ``repr`` never prints them and nothing here writes them anywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from oktatool.core.encoding import dumps_pretty, loads_answer
from oktatool.core.errors import OktaToolError, TokenFormatError
from oktatool.core.okta.problems import oauth_error
from oktatool.core.okta.tokens import (
    ClientCredentials,
    ProofSigner,
    TokenClient,
    TokenRequest,
    TokenResponse,
    normalize_scopes,
)


@dataclass(frozen=True)
class DecodedJws:
    """The header and claims of a compact JWS, decoded but not verified (for showing, never for trusting)."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any]


def decode_jws(token: str | None) -> DecodedJws | None:
    """Return the decoded header and claims of ``token``, or None when it is not a JWS with a JSON payload."""
    if not token:
        return None
    from oktatool.core.jose.jwt import parse_compact

    try:
        compact = parse_compact(token)
        claims = loads_answer(compact.payload) if not compact.encrypted else None
    except (TokenFormatError, ValueError):
        return None
    return DecodedJws(dict(compact.header), claims) if isinstance(claims, dict) else None


@dataclass(frozen=True)
class TokenLeg:
    """One POST to the token endpoint and what came back (or the network error that came instead)."""

    request: TokenRequest = field(repr=False)
    status: int | None
    response_headers: tuple[tuple[str, str], ...] = field(repr=False)
    response_body: bytes = field(repr=False)
    elapsed: float
    #: the network failure's message when no answer came
    error: str | None = None

    @property
    def request_line(self) -> str:
        """Return ``POST /oauth2/v1/token HTTP/1.1`` and the host it went to."""
        parts = urlsplit(self.request.url)
        return f"POST {parts.path or '/'} HTTP/1.1  (Host: {parts.netloc})"

    @property
    def assertion(self) -> str | None:
        """Return the client assertion sent in the form body."""
        return next((v for k, v in self.request.form if k == "client_assertion"), None)

    @property
    def proof(self) -> str | None:
        """Return the DPoP proof sent in the DPoP header."""
        return self.request.header("DPoP")

    def response_header(self, name: str) -> str | None:
        """Return an answer header (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == lowered), None)

    @property
    def oauth_error(self) -> str | None:
        """Return the answer's OAuth ``error`` member, if any (a huge body is not parsed: see ``oauth_error``)."""
        return oauth_error(self.response_body)

    @property
    def is_nonce_challenge(self) -> bool:
        """Say whether this leg was answered ``use_dpop_nonce`` (the first half of a DPoP nonce round trip)."""
        return self.status == 400 and self.oauth_error == "use_dpop_nonce"

    def response_text(self) -> str:
        """Return the answer body as text, pretty-printed when it is JSON."""
        text = self.response_body.decode("utf-8", errors="replace")
        try:
            return dumps_pretty(loads_answer(text))
        except ValueError:  # not JSON, or nested too deeply to print: the text as it came
            return text


@dataclass(frozen=True)
class TokenExchange:
    """One token fetch: its legs in order, the token (or the error), the scopes asked and why it happened."""

    legs: tuple[TokenLeg, ...]
    asked: tuple[str, ...]
    started_at: float
    token: TokenResponse | None = field(default=None, repr=False)
    #: the error's message and hint when the fetch failed
    error: str | None = None
    #: "asked" for an explicit fetch, else why the client fetched by itself (e.g. renewal before expiry)
    reason: str = "asked"

    @property
    def nonce_round_trip(self) -> bool:
        """Say whether the server asked for a DPoP nonce first (two legs)."""
        return any(leg.is_nonce_challenge for leg in self.legs)


@dataclass(frozen=True)
class AccessTokenFacts:
    """What an access token says about itself, next to what was asked for."""

    asked: tuple[str, ...]
    granted: tuple[str, ...]
    token_type: str
    expires_at: float
    client_id: str | None = None
    issuer: str | None = None
    jkt: str | None = None
    #: False for an opaque token (nothing to decode)
    decoded: bool = False
    #: the token's ``aud`` (a string or a list in the JWT)
    audience: tuple[str, ...] = ()

    @property
    def downscoped(self) -> tuple[str, ...]:
        """Return the scopes asked for that the token does not carry (Okta drops them silently)."""
        return tuple(s for s in self.asked if s not in self.granted)

    @property
    def unasked(self) -> tuple[str, ...]:
        """Return the scopes the token carries that were not asked for."""
        return tuple(s for s in self.granted if s not in self.asked)


def token_facts(token: TokenResponse, asked: Iterable[str]) -> AccessTokenFacts:
    """Read ``scp``, ``cid``, ``iss``, ``aud``, ``exp`` and ``cnf.jkt`` from a JWT access token (else the scope)."""
    decoded = decode_jws(token.access_token)
    claims = decoded.claims if decoded is not None else {}
    scp = claims.get("scp")
    granted = tuple(str(s) for s in scp) if isinstance(scp, list) else tuple(token.scope.split())
    exp = claims.get("exp")
    expires_at = float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else token.expires_at
    cnf = claims.get("cnf")
    jkt = cnf.get("jkt") if isinstance(cnf, dict) and isinstance(cnf.get("jkt"), str) else None
    cid, iss, aud = claims.get("cid"), claims.get("iss"), claims.get("aud")
    audience = tuple(a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str))
    return AccessTokenFacts(tuple(asked), granted, token.token_type, expires_at,
                            cid if isinstance(cid, str) else None, iss if isinstance(iss, str) else None,
                            jkt, decoded is not None, audience)


ExchangeListener = Callable[[TokenExchange], None]


class RecordingTokenClient(TokenClient):
    """A TokenClient that records each leg it sends and reports every fetch that went to the network."""

    def __init__(self, *args: Any, listener: ExchangeListener | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listener = listener
        self._legs = threading.local()
        #: the reason the next network fetch on this thread is reported with (set by ``explicit``)
        self._reason = threading.local()

    def send(self, request: TokenRequest) -> tuple[int, Mapping[str, str], bytes]:
        """Send ``request`` like TokenClient and record it with its answer."""
        legs: list[TokenLeg] | None = getattr(self._legs, "items", None)
        started = time.perf_counter()
        try:
            status, headers, body = super().send(request)
        except OktaToolError as exc:
            if legs is not None:
                legs.append(TokenLeg(request, None, (), b"", time.perf_counter() - started, exc.description))
            raise
        if legs is not None:
            legs.append(TokenLeg(request, status, tuple(headers.items()), body, time.perf_counter() - started))
        return status, headers, body

    def get_token(self, credentials: ClientCredentials, scopes: str | Iterable[str], *,
                  dpop: ProofSigner | None = None, use_cache: bool = True) -> TokenResponse:
        """Return a token like TokenClient; when it went to the network, report the exchange to the listener."""
        wanted = normalize_scopes(scopes)
        with self._lock:
            had_token = self._key(credentials, wanted, dpop) in self._cache
        reason = getattr(self._reason, "value", None) or (
            f"renewed: the cached token expires within {self.renew_margin / 60:.0f} minutes or was refused, "
            "so a new one was fetched before the call" if had_token else "fetched for the call (no token yet)")
        self._reason.value = None
        previous = getattr(self._legs, "items", None)
        legs: list[TokenLeg] = []
        self._legs.items = legs
        started = self.clock()
        try:
            token = super().get_token(credentials, wanted, dpop=dpop, use_cache=use_cache)
        except OktaToolError as exc:
            self._report(TokenExchange(tuple(legs), wanted, started, error=exc.user_message(), reason=reason))
            raise
        finally:
            self._legs.items = previous
        if legs:
            self._report(TokenExchange(tuple(legs), wanted, started, token=token, reason=reason))
        return token

    def explicit(self, reason: str = "asked") -> None:
        """Mark the next fetch on this thread as asked for by the user (not a renewal)."""
        self._reason.value = reason

    def _report(self, exchange: TokenExchange) -> None:
        if self.listener is not None:
            self.listener(exchange)
