"""Derive tests/fixtures/okta/scope_facts.tsv from ../shared/okta/scope_operations.tsv.

The fixture holds, per management API operation, the facts the catalog tests check: method, path,
operationId, the OAuth scopes it requires (all of them), whether SSWS tokens are allowed, lifecycle and
area. Rows are sorted by path and method so a new spec version shows as a readable diff.

    python scripts/derive_scope_facts.py ../shared/okta/scope_operations.tsv -o tests/fixtures/okta/scope_facts.tsv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COLUMNS = ("method", "path", "operation_id", "scopes", "ssws", "lifecycle", "area")


def derive(text: str) -> str:
    """Return the fixture's text for the spec table ``text`` (its provenance line kept as a comment)."""
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("method\t"))
    provenance = [line for line in lines[:header_at] if line.startswith("#")]
    rows = []
    for line in lines[header_at + 1:]:
        if not line.strip():
            continue
        method, path, operation_id, scopes, ssws, lifecycle, tags = line.split("\t")
        rows.append((method, path, operation_id, " ".join(sorted(scopes.split())), ssws, lifecycle, tags))
    rows.sort(key=lambda row: (row[1], row[0]))
    out = ["# Derived by scripts/derive_scope_facts.py from scope_operations.tsv, itself " +
           (provenance[0].lstrip("# ").removeprefix("Derived ") if provenance else "derived from Okta's spec"),
           "\t".join(COLUMNS)]
    out += ["\t".join(row) for row in rows]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the fixture (or print it with no -o)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path, help="scope_operations.tsv")
    parser.add_argument("-o", "--output", type=Path, help="where to write (default stdout)")
    args = parser.parse_args(argv)
    text = derive(args.table.read_text(encoding="utf-8"))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
