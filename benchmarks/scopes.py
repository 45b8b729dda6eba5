"""Benchmark endpoint -> scope lookups: the catalog's segment trie against a naive regex loop.

Run from the repository root: ``python benchmarks/scopes.py [ROUNDS]``. Both sides look up a concrete
path for every operation in the catalog, in the same run; the figure that matters is the ratio.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oktatool.core.okta.scopes import Operation, ScopeCatalog, normalize_path

RegexTable = list[tuple[str, re.Pattern[str], tuple[int, ...], Operation]]


def naive_lookup(table: RegexTable) -> Callable[[str, str], Operation]:
    """Return a lookup that tries every template's regex and keeps the most specific match."""

    def lookup(method: str, path: str) -> Operation:
        path = normalize_path(path)
        best: tuple[tuple[int, ...], Operation] | None = None
        for op_method, pattern, rank, op in table:
            if op_method == method and pattern.fullmatch(path) and (best is None or rank < best[0]):
                best = (rank, op)
        assert best is not None
        return best[1]

    return lookup


def regex_table(catalog: ScopeCatalog) -> RegexTable:
    """Compile one regex per operation template (the baseline's set-up)."""
    table = []
    for op in catalog.operations:
        segments = [s for s in op.path.split("/") if s]
        regex = "/" + "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
        rank = tuple(1 if s.startswith("{") else 0 for s in segments)
        table.append((op.method, re.compile(regex), rank, op))
    return table


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Return the fastest of ``runs`` timings of ``work`` in seconds."""
    fastest = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def main() -> int:
    """Time both lookups over every operation and print the figures and the ratio."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    catalog = ScopeCatalog.load()
    queries = [(op.method, re.sub(r"\{[^}]+\}", "00u1AbCdEfGh", op.path) + "?limit=20") for op in catalog.operations]
    naive = naive_lookup(regex_table(catalog))
    for (method, path), op in zip(queries, catalog.operations, strict=True):
        assert catalog.find(method, path) == naive(method, path) == op, op.label  # same answers first

    trie_s = best_of(rounds, lambda: [catalog.find(m, p) for m, p in queries])
    naive_s = best_of(rounds, lambda: [naive(m, p) for m, p in queries])
    n = len(queries)
    print(f"endpoint -> scope lookups for all {n} operations, best of {rounds} rounds")
    print(f"  catalog trie : {trie_s * 1e3:8.2f} ms total, {trie_s / n * 1e6:7.2f} us per lookup")
    print(f"  naive regexes: {naive_s * 1e3:8.2f} ms total, {naive_s / n * 1e6:7.2f} us per lookup")
    print(f"  ratio naive / trie: {naive_s / trie_s:.1f}x (machine shared with other jobs; compare ratios, not times)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
