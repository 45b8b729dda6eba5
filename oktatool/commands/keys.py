"""CLI handlers for keys: ``keygen``, ``convert``, ``thumbprint``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oktatool.commands.common import load_key_arg, read_password_file, write_output
from oktatool.core.errors import KeyMaterialError
from oktatool.core.files import read_input

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key


def _refuse_stray_passphrase(fmt: str, flag: str, passphrase: bytes | None) -> None:
    if passphrase is not None and fmt != "pem":
        raise KeyMaterialError(f"{flag} encrypts only --format pem, not {fmt}",
                               hint=f"use --format pem, or leave out {flag}")


def _write_key(key: Key, text: str, fmt: str, output: str | None) -> None:
    from oktatool.core.keys.key import PRIVATE_FORMATS

    # jwk of a public key holds nothing secret; every format of an oct key that exists is the secret
    write_output(text, output, private=key.is_private and fmt in PRIVATE_FORMATS)


def keygen(args: argparse.Namespace) -> int:
    """Generate a key and print or write it in the asked format (private JWK by default)."""
    from oktatool.core.keys.key import KeySpec, generate_key

    passphrase = read_password_file(args.password_file)
    _refuse_stray_passphrase(args.format, "--password-file", passphrase)
    spec = KeySpec(kty=args.kty, size=args.size, crv=args.crv, use=args.use, alg=args.alg,
                   kid_mode=args.kid_mode, kid=args.kid)
    key = generate_key(spec)
    text = key.export(args.format, passphrase=passphrase, days=args.days, subject=args.subject,
                      sans=args.san)
    _write_key(key, text, args.format, args.output)
    return 0


def convert(args: argparse.Namespace) -> int:
    """Read a key in any form and write it in the asked format."""
    out_passphrase = read_password_file(args.out_password_file)
    _refuse_stray_passphrase(args.format, "--out-password-file", out_passphrase)
    key, _kids = load_key_arg(args.input, kid=args.kid, password_file=args.password_file,
                              recompute_kid=args.recompute_kid)
    text = key.export(args.format, passphrase=out_passphrase, days=args.days, subject=args.subject,
                      sans=args.san)
    _write_key(key, text, args.format, args.output)
    return 0


def thumbprint(args: argparse.Namespace) -> int:
    """Print the RFC 7638 SHA-256 thumbprint of the key, and nothing else (refused for an oct key)."""
    from oktatool.core.keys.key import load_key

    data = read_input(args.input, what="key")
    passphrase = read_password_file(args.password_file)
    key = load_key(data, kid=args.kid, passphrase=passphrase)
    shown = key.shown_thumbprint()
    if shown is None:
        raise KeyMaterialError(f"this {key.describe()} key is a shared secret: its RFC 7638 thumbprint is an unsalted "
                               "hash of the secret, which helps guess it, so it is not printed",
                               hint="name a secret by its kid (keygen gives oct keys a random one)")
    write_output(shown, None, private=False)
    return 0
