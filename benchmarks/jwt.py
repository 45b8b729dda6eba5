"""Client-assertion cost: oktatool's build_client_assertion vs a hand-rolled `cryptography` signer, same run.

Both sides load the same stored key (a private JWK text, as oktatool keeps it; the baseline parses it by
hand with json, base64url and cryptography's number classes), then make the same assertion: header
{alg, kid, typ}, claims iss/sub/aud/iat/exp/jti. The baseline does only json + base64url + sign;
oktatool also runs the Okta preflight. Rounds are interleaved and the medians compared, so machine noise
hits both sides alike. Goal: ratio <= 1.5 after the first use.

    /work/venv/bin/python benchmarks/jwt.py [--rounds 15] [--per-round 100]
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from oktatool.core.jose.assertion import build_client_assertion
from oktatool.core.keys.key import KeySpec, generate_key, load_key
from oktatool.core.okta.orgurl import parse_org_url

ORG = parse_org_url("dev-123456.okta.com")
CLIENT = "0oa1b2c3d4E5f6G7h8i9"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(member: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(member + "=" * (-len(member) % 4)), "big")


def load_jwk_by_hand(text: str) -> Any:
    """Return the cryptography private key of a private RSA or EC P-256 JWK: json + base64url + numbers."""
    jwk = json.loads(text)
    if jwk["kty"] == "RSA":
        n, e, d, p, q, dp, dq, qi = (_int(jwk[k]) for k in ("n", "e", "d", "p", "q", "dp", "dq", "qi"))
        return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, rsa.RSAPublicNumbers(e, n)).private_key()
    public = ec.EllipticCurvePublicNumbers(_int(jwk["x"]), _int(jwk["y"]), ec.SECP256R1())
    return ec.EllipticCurvePrivateNumbers(_int(jwk["d"]), public).private_key()


def hand_rolled(stored_jwk: str, alg: str, kid: str) -> Callable[[], str]:
    """Return a minimal signer over the same stored JWK: the least any correct client-assertion code must do."""
    private: Any = load_jwk_by_hand(stored_jwk)

    def make() -> str:
        now = int(time.time())
        header = {"alg": alg, "kid": kid, "typ": "JWT"}
        claims = {"iss": CLIENT, "sub": CLIENT, "aud": ORG.token_url, "iat": now, "exp": now + 300,
                  "jti": secrets.token_urlsafe(32)}
        signing_input = (_b64(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + _b64(json.dumps(claims, separators=(",", ":")).encode()))
        if alg == "RS256":
            signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature(private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input + "." + _b64(signature)

    return make


def _time_batch(make: Callable[[], str], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        make()
    return (time.perf_counter() - start) / count


def bench(label: str, spec: KeySpec, alg: str, rounds: int, per_round: int) -> float:
    """Print first-use and steady-state figures for one key type; return the steady-state ratio."""
    stored = generate_key(spec).export("jwk")  # what oktatool keeps in its secret store
    t0 = time.perf_counter()
    key = load_key(stored)
    first_ours = build_client_assertion(ORG, CLIENT, key)
    t_ours_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    baseline = hand_rolled(stored, alg, key.kid or "")
    baseline()
    t_base_first = time.perf_counter() - t0
    assert first_ours.header["alg"] == alg

    def ours() -> str:
        return build_client_assertion(ORG, CLIENT, key).token

    # paired rounds in alternating order: each ratio compares two batches run back to back
    ratios: list[float] = []
    ours_times: list[float] = []
    base_times: list[float] = []
    for index in range(rounds):
        if index % 2:
            base_times.append(_time_batch(baseline, per_round))
            ours_times.append(_time_batch(ours, per_round))
        else:
            ours_times.append(_time_batch(ours, per_round))
            base_times.append(_time_batch(baseline, per_round))
        ratios.append(ours_times[-1] / base_times[-1])
    ours_ms = statistics.median(ours_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    ratio = statistics.median(ratios)
    print(f"{label:<10} first use (load + sign): oktatool {t_ours_first * 1000:7.2f} ms, "
          f"hand-rolled {t_base_first * 1000:7.2f} ms")
    print(f"{label:<10} per assertion ({rounds} paired rounds x {per_round}): oktatool {ours_ms:.3f} ms, "
          f"hand-rolled {base_ms:.3f} ms; median paired ratio {ratio:.2f}x")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--per-round", type=int, default=100)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; goal: ratio <= 1.50 (machine shared with other work: expect noise)")
    ratios = [
        bench("RSA-2048", KeySpec("RSA", size=2048), "RS256", args.rounds, max(args.per_round // 4, 10)),
        bench("EC P-256", KeySpec("EC", crv="P-256"), "ES256", args.rounds, args.per_round),
    ]
    print("ratios: " + ", ".join(f"{r:.2f}x" for r in ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
