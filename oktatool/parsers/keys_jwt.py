"""The parsers of the key and JWT commands: keygen, convert, thumbprint, assertion, sign, decode, verify."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oktatool.parsers.options import add_auth_server_option, add_store_option

if TYPE_CHECKING:
    import argparse

#: what keygen and convert write (--format)
KEY_FORMATS = ("jwk", "jwk-public", "jwks", "jwks-public", "pem", "pem-traditional", "pem-public", "cert")
#: how keygen makes the kid (--kid-mode; the window also offers a custom one)
KID_MODES = ("thumbprint", "random", "timestamp", "iso-date", "none")

#: what -o does with private material, on every OS
PRIVATE_OUTPUT_HELP = "write to FILE (private material owner-only: mode 0600, on Windows an access list for you alone)"


def add_key_parsers(sub: Any) -> None:
    """Add keygen, convert and thumbprint."""
    p = sub.add_parser("keygen", help="generate a key")
    p.add_argument("--kty", required=True, choices=("RSA", "EC", "OKP", "oct"), help="key type")
    p.add_argument("--size", type=int, metavar="BITS", help="RSA modulus (2048-8192, step 8) or oct bits (128-512)")
    p.add_argument("--crv", metavar="NAME", help="P-256 P-384 P-521 secp256k1 (EC); Ed25519 Ed448 X25519 X448 (OKP)")
    p.add_argument("--use", choices=("sig", "enc"), help="public key use")
    p.add_argument("--alg", metavar="ALG",
                   help="algorithm written into the key, the only one it signs (must fit the key and the use; "
                        "default: the one its Okta-ready public JWK claims, RS256, ES256 or EdDSA; none for oct)")
    p.add_argument("--kid-mode", choices=KID_MODES,
                   help="how to make the kid (default thumbprint; random for oct)")
    p.add_argument("--kid", metavar="ID", help="a kid of your choice (overrides --kid-mode)")
    p.add_argument("--format", choices=KEY_FORMATS, default="jwk", help="output format (default jwk)")
    p.add_argument("--password-file", metavar="FILE", help="encrypt a pem output with the passphrase in FILE")
    _add_cert_and_output_options(p)

    p = sub.add_parser("convert", help="convert a key between JWK, JWKS and PEM forms")
    p.add_argument("input", nargs="?", default="-", metavar="INPUT", help="key file, or - for stdin (default)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS / set this kid on the output")
    p.add_argument("--recompute-kid", action="store_true", help="replace the kid with the RFC 7638 thumbprint")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted input")
    p.add_argument("--out-password-file", metavar="FILE", help="encrypt a pem output with this passphrase")
    p.add_argument("--format", required=True, choices=KEY_FORMATS, help="output format")
    _add_cert_and_output_options(p)

    p = sub.add_parser("thumbprint", help="print the RFC 7638 SHA-256 thumbprint of a key (not of an oct secret)")
    p.add_argument("input", nargs="?", default="-", metavar="INPUT", help="key file, or - for stdin (default)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted input")


def _add_cert_and_output_options(p: argparse.ArgumentParser) -> None:
    """Add what keygen and convert share last: the certificate's validity, subject and SANs, and -o FILE."""
    p.add_argument("--days", type=int, default=365, help="certificate validity in days (format cert)")
    p.add_argument("--subject", metavar="NAME", help="certificate subject: NAME, CN=x,O=y or /CN=x/O=y (default: kid)")
    p.add_argument("--san", action="append", default=[], metavar="NAME",
                   help="certificate subject alternative name (repeatable): DNS:host, IP:addr, email:addr, URI:uri")
    p.add_argument("-o", "--output", metavar="FILE", help=PRIVATE_OUTPUT_HELP)


def add_jwt_parsers(sub: Any) -> None:
    """Add assertion, sign, decode and verify."""
    p = sub.add_parser("assertion", help="sign an Okta client assertion (private_key_jwt)")
    p.add_argument("--profile", metavar="NAME", help="read org, client id, key and kid from this profile (flags win)")
    p.add_argument("--org", metavar="URL", help="Okta org: https://host or a bare host")
    p.add_argument("--client-id", metavar="ID", help="the service app's client id")
    p.add_argument("--key", metavar="FILE", help="private key (JWK, JWKS, PEM)")
    p.add_argument("--kid", metavar="ID", help="kid for the header (and to pick from a JWKS)")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key")
    p.add_argument("--lifetime", type=int, default=300, metavar="SECONDS",
                   help="seconds until exp (default 300, max 3600)")
    add_auth_server_option(p)
    add_store_option(p)

    p = sub.add_parser("sign", help="sign any JWT")
    signer = p.add_mutually_exclusive_group(required=True)
    signer.add_argument("--key", metavar="FILE", help="private key or HMAC secret (JWK, JWKS, PEM)")
    signer.add_argument("--secret-file", metavar="FILE",
                        help="HS256/384/512 with the file's first line as the secret (UTF-8)")
    p.add_argument("--claims", required=True, metavar="JSON|@FILE", help="claims as JSON, or @FILE")
    p.add_argument("--header", metavar="JSON|@FILE", help="extra header members as JSON, or @FILE")
    p.add_argument("--alg", metavar="ALG",
                   help="signing algorithm (default: the key's own; one its alg, use and key_ops rule out exits 2)")
    p.add_argument("--kid", metavar="ID", help="pick this key from a JWKS")
    p.add_argument("--password-file", metavar="FILE", help="passphrase of an encrypted key")

    p = sub.add_parser("decode", help="decode a JWT without verifying it (a bad signature is named, not fatal)")
    p.add_argument("token", nargs="?", default="-", metavar="TOKEN",
                   help="- (the default) reads the JWT from stdin, keeping it out of ps and shell history")
    p.add_argument("--json", action="store_true", help="print header, claims, signature and times as JSON "
                   "(and signature_problem when the signature is missing or malformed)")

    p = sub.add_parser("verify", help="verify a JWT's signature and times")
    p.add_argument("token", nargs="?", default="-", metavar="TOKEN",
                   help="- (the default) reads the JWT from stdin, keeping it out of ps and shell history")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--key", metavar="FILE", help="public key, certificate or secret (JWK, PEM)")
    src.add_argument("--jwks", metavar="FILE", help="a JWKS file")
    src.add_argument("--jwks-url", metavar="URL", help="a JWKS URL (https; http only for loopback)")
    p.add_argument("--ca-bundle", metavar="FILE", help="extra CA certificates for --jwks-url")
    p.add_argument("--leeway", type=int, default=0, metavar="SECONDS", help="clock skew allowed for exp/nbf")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

