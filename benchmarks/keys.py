"""Key generation and load-then-sign: oktatool's keys against raw ``cryptography`` in the same run.

Run from the repository root:  python benchmarks/keys.py [--rounds N]
Prints medians and ratios (oktatool / raw). Goals: generation <= 1.1x, load-then-sign <= 1.5x.
oktatool signs through its own code path (``oktatool.core.jose.jwt.sign_compact``: header JSON, base64url,
the alg check and ``cryptography``), the raw side signs the same header and claims with ``cryptography``
alone. Both sides load the same text; "load again" gives both a cache (oktatool's validated-key cache,
a dict for the raw side), so each row compares like with like.
The machine is shared and noisy: read the ratios, not the absolute times, and repeat when in doubt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from oktatool.core.encoding import b64url_decode, b64url_encode
from oktatool.core.jose.jwt import sign_compact
from oktatool.core.keys import key as okeys

HEADER_MEMBERS = {"alg": "RS256", "typ": "JWT"}
HEADER = b64url_encode(json.dumps(HEADER_MEMBERS, separators=(",", ":")).encode())
PAYLOAD = json.dumps({"iss": "0oa1", "sub": "0oa1", "aud": "https://example.okta.com/oauth2/v1/token",
                      "jti": "x" * 32, "iat": 1, "exp": 301}).encode()
CLAIMS = b64url_encode(PAYLOAD)
SIGNING_INPUT = f"{HEADER}.{CLAIMS}".encode()


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(raw: Callable[[], Any], ours: Callable[[], Any], reps: int, inner: int = 1) -> tuple[float, float]:
    """Interleave the two so both see the same machine load; return median seconds per call."""
    raw_times: list[float] = []
    our_times: list[float] = []
    for _ in range(reps):
        raw_times.append(timed(lambda: [raw() for _ in range(inner)]) / inner)
        our_times.append(timed(lambda: [ours() for _ in range(inner)]) / inner)
    return statistics.median(raw_times), statistics.median(our_times)


def row(label: str, raw: float, ours: float, goal: float) -> None:
    ratio = ours / raw
    mark = "ok" if ratio <= goal else "over goal"
    print(f"{label:<56} raw {raw * 1e3:9.3f} ms   oktatool {ours * 1e3:9.3f} ms   ratio {ratio:5.2f}x"
          f"  (goal <= {goal}x, {mark})")


# ---- the raw baseline: what a careful programmer writes with cryptography alone ---------------------------


def _raw_jwk(private: Any) -> dict[str, str]:
    """Hand-rolled public JWK + RFC 7638 kid, the minimum a generated key needs to be usable."""
    pub = private.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        nums = pub.public_numbers()
        members = {"e": b64url_encode(nums.e.to_bytes(3, "big")), "kty": "RSA",
                   "n": b64url_encode(nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big"))}
    elif isinstance(pub, ec.EllipticCurvePublicKey):
        nums = pub.public_numbers()
        members = {"crv": "P-256", "kty": "EC", "x": b64url_encode(nums.x.to_bytes(32, "big")),
                   "y": b64url_encode(nums.y.to_bytes(32, "big"))}
    else:
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    members["kid"] = b64url_encode(hashlib.sha256(canonical).digest())
    return members


def _raw_rsa_from_jwk(text: str) -> rsa.RSAPrivateKey:
    jwk = json.loads(text)
    num = {k: int.from_bytes(b64url_decode(jwk[k]), "big") for k in ("n", "e", "d", "p", "q", "dp", "dq", "qi")}
    public = rsa.RSAPublicNumbers(num["e"], num["n"])
    return rsa.RSAPrivateNumbers(num["p"], num["q"], num["d"], num["dp"], num["dq"], num["qi"], public).private_key()


def _raw_load(form: str, text: str) -> rsa.RSAPrivateKey:
    if form == "JWK":
        return _raw_rsa_from_jwk(text)
    key = serialization.load_pem_private_key(text.encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _raw_sign(key: rsa.RSAPrivateKey) -> bytes:
    return SIGNING_INPUT + b"." + b64url_encode(key.sign(SIGNING_INPUT, padding.PKCS1v15(), hashes.SHA256())).encode()


def _our_sign(key: okeys.Key) -> str:
    """Sign the same header and claims the way oktatool's JWT and assertion code does."""
    return sign_compact(HEADER_MEMBERS, PAYLOAD, key)


_RAW_CACHE: dict[tuple[str, str], rsa.RSAPrivateKey] = {}


def _raw_load_cached(form: str, text: str) -> rsa.RSAPrivateKey:
    """The raw side's equivalent of oktatool's cache: a key already parsed from the same text is reused."""
    key = _RAW_CACHE.get((form, text))
    if key is None:
        key = _RAW_CACHE[(form, text)] = _raw_load(form, text)
    return key


# ---- the measurements ------------------------------------------------------------------------------------


def bench_generation(rounds: int) -> None:
    print("Key generation (median per key)")
    cases: list[tuple[str, Callable[[], Any], okeys.KeySpec, int]] = [
        ("RSA-2048", lambda: rsa.generate_private_key(65537, 2048), okeys.KeySpec("RSA"), 1),
        ("EC P-256", lambda: ec.generate_private_key(ec.SECP256R1()), okeys.KeySpec("EC"), 200),
        ("Ed25519", ed25519.Ed25519PrivateKey.generate, okeys.KeySpec("OKP"), 200),
    ]
    for name, raw, spec, inner in cases:
        reps = rounds * (4 if inner == 1 else 1)
        raw_t, our_t = paired(raw, lambda spec=spec: okeys.generate_key(spec), reps, inner)  # type: ignore[misc]
        row(f"  {name}: generate", raw_t, our_t, 1.1)
        raw_t, our_t = paired(lambda raw=raw: json.dumps(_raw_jwk(raw()), indent=2),  # type: ignore[misc]
                              lambda spec=spec: okeys.generate_key(spec).export("jwk-public"),  # type: ignore[misc]
                              reps, inner)
        row(f"  {name}: generate + public JWK with RFC 7638 kid", raw_t, our_t, 1.1)


def bench_load_then_sign(rounds: int, signatures: int) -> None:
    print(f"\nLoad a stored key once, then sign {signatures} RS256 JWTs (median per whole sequence)")
    for bits in (2048, 4096):
        stored = okeys.generate_key(okeys.KeySpec("RSA", size=bits))
        forms = {"PEM": stored.export("pem"), "JWK": stored.export("jwk")}
        reps = max(3, rounds // (4 if bits == 4096 else 2))
        for form, text in forms.items():
            def raw_sequence(form: str = form, text: str = text) -> None:
                key = _raw_load(form, text)
                for _ in range(signatures):
                    _raw_sign(key)

            def our_sequence(text: str = text) -> None:
                okeys.forget_loaded_keys()  # measure a cold load: the key enters the program now
                key = okeys.load_key(text)
                for _ in range(signatures):
                    _our_sign(key)

            raw_t, our_t = paired(raw_sequence, our_sequence, reps)
            row(f"  RSA-{bits} {form}: load + {signatures} signatures", raw_t, our_t, 1.5)

            def raw_first(form: str = form, text: str = text) -> None:
                _raw_sign(_raw_load(form, text))

            def our_first(text: str = text) -> None:
                okeys.forget_loaded_keys()
                _our_sign(okeys.load_key(text))

            raw_t, our_t = paired(raw_first, our_first, reps)
            row(f"  RSA-{bits} {form}: first use (load + 1 signature)", raw_t, our_t, 1.5)

            # Loading the same stored key again (next GUI action): both sides keep what they parsed
            okeys.load_key(text)
            _raw_load_cached(form, text)
            raw_t, our_t = paired(lambda form=form, text=text: _raw_sign(_raw_load_cached(form, text)),  # type: ignore[misc]
                                  lambda text=text: _our_sign(okeys.load_key(text)), reps)  # type: ignore[misc]
            row(f"  RSA-{bits} {form}: load again (both cached) + 1 signature", raw_t, our_t, 1.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=9, help="repetitions per measurement (default 9)")
    parser.add_argument("--signatures", type=int, default=50, help="signatures per load (default 50)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; rounds {args.rounds}; shared, noisy machine: compare ratios\n")
    bench_generation(args.rounds)
    bench_load_then_sign(args.rounds, args.signatures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
