"""Diagnosis cost: one full doctor run against a sandbox org vs one token request, same run, same org.

The doctor makes about a dozen requests (metadata, the app, its keys, grants, roles, a token, one call);
the baseline is the one thing a user would otherwise try first: a single token request with the same
key and scopes. Rounds are interleaved and medians compared, so machine noise hits both sides alike.
Goal: a full diagnosis costs at most ~15 token requests (ratio <= 15).

    .venv/bin/python benchmarks/doctor.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oktatool.core.keys.key import load_key
from oktatool.core.okta.admin import AdminCredential
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.doctor import run_doctor
from oktatool.core.okta.doctor_run import DoctorInput
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.sandbox import Sandbox, SandboxOptions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Sandbox(SandboxOptions(users=20), Path(folder)) as info:
        key = load_key(info.jwk_file.read_bytes())
        scopes = ("okta.users.read",)
        http = HttpOptions()
        given = DoctorInput(org_text=info.org_url, client_id=info.client_id, key=key, scopes=scopes, http=http,
                            admin=AdminCredential(ssws_token=info.ssws_token))
        client = OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key, scopes=scopes, http=http))
        client.token(use_cache=False)  # warm both paths once (imports, connection pool)
        if not run_doctor(given).ok:
            print("error: the doctor does not pass on a healthy sandbox", file=sys.stderr)
            return 1
        doctor_times, token_times = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            client.token(use_cache=False)
            token_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_doctor(given)
            doctor_times.append(time.perf_counter() - started)
    token_ms, doctor_ms = statistics.median(token_times) * 1000, statistics.median(doctor_times) * 1000
    print(f"token request (baseline): median {token_ms:.1f} ms over {args.rounds} rounds")
    print(f"full doctor run (15 checks): median {doctor_ms:.1f} ms")
    print(f"ratio doctor / token: {doctor_ms / token_ms:.1f} (goal <= 15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
