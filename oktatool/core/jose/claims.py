"""JWT claims for people: exact JSON (big integers and ``3.0`` kept as written), what each claim means, jti.

The editor parses with ``parse_exact`` and writes with ``dumps_exact`` so a number survives a round trip
character for character (jwt.io lost precision on big integers and wrote ``3.0`` as ``3``). Errors give the
line and column of the fault; deep nesting, NUL bytes and oversized input are refused with a message.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oktatool.core.encoding import bounded_int, refuse_constant, refuse_duplicates
from oktatool.core.errors import ClaimError

#: refuse JSON text longer than this in the editor (a JWT's claims are a few kB)
MAX_JSON_CHARS = 256 * 1024
#: refuse nesting deeper than this (a claims set is two or three levels deep)
MAX_DEPTH = 64
#: bytes of randomness in a jti the editor makes
JTI_BYTES = 24


class ExactFloat(float):
    """A JSON number with a fraction or exponent that remembers how it was written (``3.0``, ``1e2``)."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> ExactFloat:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"the number {text[:20]} is too large for a double")
        made = super().__new__(cls, value)
        made.text = text
        return made

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class JsonProblem:
    """Where JSON text is wrong: 1-based line and column, and what is wrong there."""

    message: str
    line: int
    column: int
    offset: int

    def text(self) -> str:
        """Return ``message at line L, column C``."""
        return f"{self.message} at line {self.line}, column {self.column}"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _depth_problem(text: str) -> JsonProblem | None:
    """Find the first bracket nested deeper than MAX_DEPTH (outside strings), before the parser recurses."""
    depth = 0
    in_string = escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _position(text, offset)
                return JsonProblem(f"nested more than {MAX_DEPTH} levels deep", line, column, offset)
        elif char in "]}":
            depth -= 1
    return None


def find_problem(text: str) -> JsonProblem | None:
    """Return where ``text`` is not valid JSON (strict: no NaN, no duplicate members), or None."""
    try:
        parse_exact(text)
    except ClaimError as exc:
        problem = getattr(exc, "problem", None)
        return problem if isinstance(problem, JsonProblem) else JsonProblem(exc.description, 1, 1, 0)
    return None


class JsonTextError(ClaimError):
    """JSON text is invalid; ``problem`` says where."""

    def __init__(self, what: str, problem: JsonProblem) -> None:
        super().__init__(f"{what}: {problem.text()}", code="invalid_json")
        self.problem = problem


def parse_exact(text: str, *, what: str = "the JSON") -> Any:
    """Parse strict JSON keeping numbers exact; raise JsonTextError naming the line and column of a fault."""
    if not isinstance(text, str):
        raise ClaimError(f"{what} must be text")
    if len(text) > MAX_JSON_CHARS:
        raise JsonTextError(what, JsonProblem(f"the text is {len(text):,} characters long, more than the "
                                              f"{MAX_JSON_CHARS // 1024} kB a JWT part may have", 1, 1, 0))
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _position(text, nul)
        raise JsonTextError(what, JsonProblem("a NUL character (binary data?) is not allowed", line, column, nul))
    deep = _depth_problem(text)
    if deep is not None:
        raise JsonTextError(what, deep)
    try:
        value = json.loads(text, object_pairs_hook=refuse_duplicates, parse_constant=refuse_constant,
                           parse_float=ExactFloat, parse_int=bounded_int)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except json.JSONDecodeError as exc:
        raise JsonTextError(what, JsonProblem(exc.msg, exc.lineno, exc.colno, exc.pos)) from None
    except UnicodeEncodeError:
        raise JsonTextError(what, JsonProblem("a \\uD800-\\uDFFF escape is not a character", 1, 1, 0)) from None
    except ValueError as exc:  # from the strict hooks: a duplicate member, NaN, too many digits
        raise JsonTextError(what, JsonProblem(f"it {exc}", 1, 1, 0)) from None
    except RecursionError:
        raise JsonTextError(what, JsonProblem("nested too deeply", 1, 1, 0)) from None
    return value


def parse_exact_object(text: str, *, what: str) -> dict[str, Any]:
    """Parse ``text`` as a JSON object with exact numbers (JsonTextError / ClaimError say what is wrong)."""
    value = parse_exact(text, what=what)
    if not isinstance(value, dict):
        raise ClaimError(f"{what} must be a JSON object {{...}}", code="not_an_object")
    return value


def _scalar(value: Any) -> str:
    if isinstance(value, ExactFloat):
        return value.text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and Infinity are not JSON numbers")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"a {type(value).__name__} is not JSON")


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Return True for a value the json module writes exactly as ``_scalar`` does: a str, an int, a bool,
    None (a float may be an ExactFloat or NaN), or a flat list of those."""
    kind = type(value)
    if kind is list or kind is tuple:
        return all(type(item) in _PLAIN_TYPES for item in value)
    return kind in _PLAIN_TYPES


def dumps_exact(value: Any, *, indent: int | None = 2) -> str:
    """Write JSON with numbers as they were read; ``indent=None`` writes the compact form a JWT carries."""
    if indent is None and type(value) is dict and all(type(name) is str and _plain(member)
                                                      for name, member in value.items()):
        # a JWT header or claims set of strings and integers (every token signed): the json module writes
        # it byte for byte as the writer below does, in C, several times faster
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _write_exact(value, indent)


def _write_exact(value: Any, indent: int | None) -> str:
    parts: list[str] = []
    item_sep, key_sep = ",", (":" if indent is None else ": ")

    def write(item: Any, level: int) -> None:
        if level > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, Mapping):
            members = list(item.items())
            if not members:
                parts.append("{}")
                return
            parts.append("{")
            for index, (name, member) in enumerate(members):
                if not isinstance(name, str):
                    raise TypeError("member names must be strings")
                if index:
                    parts.append(item_sep)
                parts.append(_newline(indent, level + 1))
                parts.append(json.dumps(name, ensure_ascii=False) + key_sep)
                write(member, level + 1)
            parts.append(_newline(indent, level) + "}")
        elif isinstance(item, list | tuple):
            if not item:
                parts.append("[]")
                return
            parts.append("[")
            for index, member in enumerate(item):
                if index:
                    parts.append(item_sep)
                parts.append(_newline(indent, level + 1))
                write(member, level + 1)
            parts.append(_newline(indent, level) + "]")
        else:
            parts.append(_scalar(item))

    write(value, 0)
    return "".join(parts)


def _newline(indent: int | None, level: int) -> str:
    return "" if indent is None else "\n" + " " * (indent * level)


def value_type(value: Any) -> str:
    """Name a JSON value's type for people: string, integer, number, boolean, null, array, object."""
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def new_jti() -> str:
    """Return a fresh, unguessable JWT ID (192 bits, base64url)."""
    return secrets.token_urlsafe(JTI_BYTES)


#: what each registered, OIDC, RFC 9068, DPoP and Okta claim means (tooltips and the decoder)
CLAIM_HELP: dict[str, str] = {
    "iss": "Issuer (RFC 7519 §4.1.1): who made the token. In an Okta client assertion, the client id.",
    "sub": "Subject (RFC 7519 §4.1.2): whom the token is about. Okta access token: the user's login or, for "
           "client credentials, the client id. Client assertion: the client id.",
    "aud": "Audience (RFC 7519 §4.1.3): who must accept the token, a string or a list. Client assertion: "
           "exactly the token URL called, e.g. https://org/oauth2/v1/token.",
    "exp": "Expiration time (RFC 7519 §4.1.4): seconds since 1970 after which the token is refused.",
    "nbf": "Not before (RFC 7519 §4.1.5): seconds since 1970 before which the token is refused.",
    "iat": "Issued at (RFC 7519 §4.1.6): seconds since 1970 when the token was made.",
    "jti": "JWT ID (RFC 7519 §4.1.7): a unique id; Okta accepts each client assertion's jti once.",
    "client_id": "Client id (RFC 9068 §2.2): the OAuth client the access token was issued to.",
    "scope": "Scopes (RFC 9068 §2.2.3): space-separated scopes granted to the access token.",
    "auth_time": "Authentication time (OIDC Core §2, RFC 9068 §2.2.1): when the user last signed in.",
    "acr": "Authentication context class (OIDC Core §2): how strongly the user signed in.",
    "amr": "Authentication methods (OIDC Core §2, RFC 8176): how the user signed in (pwd, mfa, otp…).",
    "azp": "Authorized party (OIDC Core §2): the client the ID token was issued to.",
    "nonce": "Nonce (OIDC Core §2): binds an ID token to the sign-in request that asked for it.",
    "at_hash": "Access token hash (OIDC Core §3.1.3.6): half of the SHA hash of the access token.",
    "groups": "Groups (RFC 9068 §2.2.3.1, Okta groups claim): the user's groups, when configured.",
    "roles": "Roles (RFC 9068 §2.2.3.1): the user's roles.",
    "entitlements": "Entitlements (RFC 9068 §2.2.3.1): what the user may do.",
    "cnf": "Confirmation (RFC 7800; DPoP RFC 9449 §6): the key the token is bound to; jkt is its thumbprint.",
    "htm": "HTTP method (DPoP RFC 9449 §4.2): the method of the request the proof is for.",
    "htu": "HTTP URI (DPoP RFC 9449 §4.2): the request URL without query and fragment.",
    "ath": "Access token hash (DPoP RFC 9449 §4.2): base64url SHA-256 of the access token sent with it.",
    "cid": "Okta: the client id of the app the access token was issued to.",
    "uid": "Okta: the user's id (00u…) for a token issued to a user.",
    "scp": "Okta: the scopes granted to the access token, as a list.",
    "ver": "Okta: the token format version (1).",
    "idp": "Okta: the id of the identity provider the user signed in with.",
    "email": "Email address (OIDC Core §5.1).",
    "name": "Full name (OIDC Core §5.1).",
    "preferred_username": "Preferred user name (OIDC Core §5.1); Okta puts the login here.",
    "sid": "Session id (OIDC Front-Channel Logout §3).",
}

#: what each header member means
HEADER_HELP: dict[str, str] = {
    "alg": "Algorithm (RFC 7515 §4.1.1): how the token is signed. Okta client assertions: RS256/384/512 or "
           "ES256/384/512.",
    "kid": "Key ID (RFC 7515 §4.1.4): which key signed the token; Okta looks the public key up by it.",
    "typ": "Type (RFC 7515 §4.1.9): JWT, at+jwt (RFC 9068 access token) or dpop+jwt (DPoP proof).",
    "cty": "Content type (RFC 7515 §4.1.10).",
    "jwk": "Public key (RFC 7515 §4.1.3), used by DPoP proofs. oktatool never trusts it to verify.",
    "jku": "JWK Set URL (RFC 7515 §4.1.2). oktatool never fetches it: you choose the key.",
    "x5u": "X.509 URL (RFC 7515 §4.1.5). oktatool never fetches it: you choose the key.",
    "x5c": "X.509 certificate chain (RFC 7515 §4.1.6).",
    "x5t": "X.509 SHA-1 thumbprint (RFC 7515 §4.1.7).",
    "crit": "Critical members (RFC 7515 §4.1.11): members the reader must understand or reject the token.",
    "enc": "Content encryption (RFC 7516 §4.1.2): this is an encrypted JWT (JWE).",
}


def explain_claim(name: str, *, header: bool = False) -> str | None:
    """Return what a claim (or, with ``header``, a header member) means, or None if it is not a known one."""
    return (HEADER_HELP if header else CLAIM_HELP).get(name)
