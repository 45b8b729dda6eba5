"""`oktatool doctor`: check every cause of the common service-app problems; exit 1 when one check fails."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oktatool.commands.admin import AdminSession, admin_session, http_options
from oktatool.commands.common import load_key_arg, print_json, terminal_text
from oktatool.core.errors import OrgUrlError

if TYPE_CHECKING:
    from oktatool.core.okta.doctor_report import Check, DoctorReport
    from oktatool.core.okta.doctor_run import DoctorInput

_MARKS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}


def _print_check(check: Check) -> None:
    lines = [f"[{_MARKS[check.status]}] {check.title}: {check.detail}"]
    if check.fix and check.status in ("fail", "warn"):
        lines.append(f"       fix: {check.fix}")
    print(terminal_text("\n".join(lines)))


def _finish(report: DoctorReport, args: argparse.Namespace) -> int:
    if args.json:
        print_json(report.to_dict())
    else:
        failed = [c.id for c in report.checks if c.status == "fail"]
        print("all checks passed" if not failed else f"{len(failed)} check(s) failed: {', '.join(failed)}")
    return 0 if report.ok else 1


def doctor(args: argparse.Namespace) -> int:
    """Run the checks against the app of --profile, or of --org/--client-id/--key."""
    from oktatool.core.okta.doctor import run_doctor
    from oktatool.core.okta.doctor_run import DoctorInput

    on_check = None if args.json else _print_check
    try:
        with admin_session(args) as session:
            return _finish(run_doctor(_doctor_input(args, session), on_check), args)
    except OrgUrlError:
        # the custom-AS and -admin traps are a finding of the doctor, not a usage error; the key is still judged
        key = load_key_arg(args.key, kid=args.kid, password_file=args.password_file)[0] if args.key else None
        given = DoctorInput(org_text=args.org or "", client_id=args.client_id or "", key=key, kid=args.kid,
                            http=http_options(args))
        return _finish(run_doctor(given, on_check), args)


def _doctor_input(args: argparse.Namespace, session: AdminSession) -> DoctorInput:
    """Return what to check: the flags, else the profile (the Local sandbox: its own app, key and scopes)."""
    from oktatool.core.okta.authserver import parse_server_id
    from oktatool.core.okta.doctor_run import DoctorInput
    from oktatool.core.okta.tokens import normalize_scopes

    profile = session.profile
    key = kid = None
    if args.key:
        key, _kids = load_key_arg(args.key, kid=args.kid, password_file=args.password_file)
        kid = args.kid
    elif profile is not None:
        key = session.context.profile_key(profile)
    scopes = normalize_scopes(args.scopes) if args.scopes else (profile.scopes if profile else ())
    sandbox = session.context.sandbox() if profile is not None and profile.is_sandbox else None
    if sandbox is not None and not scopes:
        scopes = sandbox.scopes
    dpop = bool(profile and profile.dpop) or bool(sandbox and sandbox.dpop_required)
    server = parse_server_id(args.auth_server if args.auth_server is not None else
                             (profile.auth_server if profile else None))
    return DoctorInput(org_text=session.org.base, client_id=session.require_client_id(), key=key, kid=kid,
                       scopes=scopes, dpop=dpop, http=session.http, admin=session.credential, auth_server=server,
                       profile=profile.name if profile is not None else None)
