"""CLI handlers for JWTs: ``assertion``, ``sign``, ``decode``, ``verify``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from oktatool.commands.common import (
    json_or_file,
    load_key_arg,
    print_json,
    write_output,
)
from oktatool.core.errors import BadInputError, ClaimError, PassphraseError
from oktatool.core.files import read_input

if TYPE_CHECKING:
    from oktatool.core.jose.jwt import DecodedToken
    from oktatool.core.jose.verify import VerifiedToken


def _read_token(source: str) -> str:
    from oktatool.core.jose.input_kind import token_text

    return token_text(read_input("-", what="token")) if source == "-" else source


def _json_object(value: str, what: str) -> dict[str, Any]:
    parsed = json_or_file(value, what=what)
    if not isinstance(parsed, dict):
        raise ClaimError(f"{what} must be a JSON object {{...}}", hint='e.g. {"sub": "alice"}')
    return parsed


def assertion(args: argparse.Namespace) -> int:
    """Print a fresh Okta client assertion (the bare token and a newline)."""
    from oktatool.core.jose.assertion import build_client_assertion
    from oktatool.core.okta.authserver import auth_server
    from oktatool.core.okta.orgurl import parse_org_url

    if args.profile:  # the profile's org, app, key (from the key library) and server; flags win
        from oktatool.commands.okta import _connection

        connection, context = _connection(argparse.Namespace(**{**vars(args), "timeout": 30.0, "ca_bundle": None,
                                                                 "dpop": False}))
        if context is not None:
            context.close()
        org, client_id, key, kid = connection.org, connection.client_id, connection.key, connection.kid
        server = auth_server(org, connection.auth_server)
    else:
        if not (args.org and args.client_id and args.key):
            missing = [flag for flag, value in (("--org URL", args.org), ("--client-id ID", args.client_id),
                                                ("--key FILE", args.key)) if not value]
            raise BadInputError(f"assertion needs {', '.join(missing)} (or --profile NAME)",
                                hint="the key is the service app's private key (JWK, JWKS or PEM)")
        org, client_id, kid = parse_org_url(args.org), args.client_id, args.kid
        key, _kids = load_key_arg(args.key, kid=args.kid, password_file=args.password_file)
        server = auth_server(org, args.auth_server)
    built = build_client_assertion(org, client_id, key, kid=kid, lifetime=args.lifetime,
                                   endpoint=server.token_path)  # the aud: the token endpoint it is sent to
    write_output(built.token, None, private=False)
    return 0


def sign(args: argparse.Namespace) -> int:
    """Sign the claims with the key and print the bare token (a warning on stderr when Okta would refuse its alg)."""
    import sys

    from oktatool.core.jose.jwa import okta_alg_warning
    from oktatool.core.jose.jwt import resolve_alg, sign_token

    claims = _json_object(args.claims, "--claims")
    header = _json_object(args.header, "--header") if args.header else None
    if args.secret_file:
        write_output(_sign_with_secret(args, claims, header), None, private=False)
        return 0
    key, _kids = load_key_arg(args.key, kid=args.kid, password_file=args.password_file)
    alg = resolve_alg(key, args.alg, header)
    write_output(sign_token(claims, key, alg=alg, header=header), None, private=False)
    warning = okta_alg_warning(key, alg)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _sign_with_secret(args: argparse.Namespace, claims: dict[str, Any], header: dict[str, Any] | None) -> str:
    """Sign with the first line of --secret-file as an HMAC secret; a short secret warns on stderr."""
    import sys

    from oktatool.core.errors import KeyMaterialError
    from oktatool.core.jose.jwa import HMAC_ALGS
    from oktatool.core.jose.jwt import secret_key, short_secret_warning, sign_token

    alg = args.alg or (header or {}).get("alg") or "HS256"
    if alg not in HMAC_ALGS:
        raise KeyMaterialError(f"--secret-file signs with {', '.join(HMAC_ALGS)}, not {alg}",
                               hint="use --key FILE for other algorithms")
    raw = read_input(args.secret_file, what="secret file")
    line = raw.splitlines()[0] if raw else b""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyMaterialError(f"the first line of {args.secret_file} is not UTF-8 text") from None
    if not text:
        raise KeyMaterialError(f"the secret file is empty: {args.secret_file}",
                               hint="put the secret on the first line of the file")
    key = secret_key(text)
    warning = short_secret_warning(key, alg)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return sign_token(claims, key, alg=alg, header=header, short_secret_ok=True)


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _table(title: str, members: Mapping[str, Any], notes: Mapping[str, str] | None = None) -> list[str]:
    lines = [title]
    if not members:
        return [*lines, "  (empty)"]
    width = min(max(len(name) for name in members), 24)
    for name, value in members.items():
        text = _value_text(value)
        if notes and name in notes:
            text += f"  {notes[name]}"
        lines.append(f"  {name.ljust(width)}  {text}")
    return lines


def _render(decoded: DecodedToken) -> str:
    lines = _table("Header", decoded.header)
    if decoded.encrypted:
        lines += ["", "Encrypted JWT (JWE): the claims are encrypted; decoding them needs the recipient's key."]
        return "\n".join(lines)
    notes = {t.claim: f"{t.iso}  ({t.relative})" if t.iso else f"({t.relative})" for t in decoded.times.times}
    if decoded.claims is not None:
        lines += ["", *_table("Claims", decoded.claims, notes)]
    else:
        lines += ["", "Payload (not a JSON object)", f"  {decoded.payload_text}"]
    shown = decoded.signature or ("(none)" if decoded.signature_problem else "(none: unsigned)")
    lines += ["", "Signature", f"  {shown}"]
    if decoded.signature_problem:
        lines.append(f"  BAD SIGNATURE: {decoded.signature_problem}")
    lines.append("")
    status = []
    if decoded.times.expired:
        status.append("EXPIRED")
    if decoded.times.not_yet_valid:
        status.append("NOT YET VALID")
    if decoded.signature_problem:
        status.append("BAD SIGNATURE (it can never verify)")
    else:
        status.append("signature not checked (use oktatool verify)")
    lines.append("Status: " + "; ".join(status))
    return "\n".join(lines)


def decode(args: argparse.Namespace) -> int:
    """Show a token's header, claims, signature and times without verifying it."""
    from oktatool.core.jose.jwt import decode_token

    decoded = decode_token(_read_token(args.token))
    if args.json:
        print_json(decoded.to_dict())
    else:
        write_output(_render(decoded), None, private=False)
    return 0


def _verify(args: argparse.Namespace, token: str) -> VerifiedToken:
    from oktatool.core.jose.verify import fetch_jwks, verify_with_jwks, verify_with_key
    from oktatool.core.keys.key import load_keys

    if args.jwks_url:
        keys = fetch_jwks(args.jwks_url, ca_bundle=args.ca_bundle)
        return verify_with_jwks(token, keys, leeway=args.leeway)
    source = args.key or args.jwks
    try:
        keys = load_keys(read_input(source, what="key" if args.key else "JWKS"))
    except PassphraseError:
        # verify has no --password-file: it needs only the public half
        raise PassphraseError(f"{source} is an encrypted private key; verify needs only the public key",
                              hint=f"export it once: oktatool convert {source} --password-file FILE "
                                   "--format pem-public -o public.pem") from None
    if args.key and len(keys) == 1:
        return verify_with_key(token, keys[0], leeway=args.leeway)
    return verify_with_jwks(token, keys, leeway=args.leeway)


def verify(args: argparse.Namespace) -> int:
    """Verify a token's signature and times: exit 0 valid, 1 invalid (saying why), 2 bad input."""
    from oktatool.core.errors import VerificationError

    token = _read_token(args.token)
    try:
        verified = _verify(args, token)
    except VerificationError as exc:
        if not args.json:
            raise
        print_json({"valid": False, "reason": exc.code, "error": exc.description, "hint": exc.hint})
        return exc.exit_code
    if args.json:
        print_json(verified.to_dict())
        return 0
    exp = verified.times.get("exp")
    when = f"; {exp.relative} ({exp.iso})" if exp and exp.iso else ""
    write_output(f"valid: {verified.alg} signature verified with {verified.checked_with}{when}", None, private=False)
    return 0

