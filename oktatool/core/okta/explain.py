"""What Okta's error answers mean: match an answer's error code and description to a known error.

The known errors and their explanations are in explain_table.py. An answer that matches nothing gets no
explanation: callers then show the server's words unchanged rather than a guess.
"""

from __future__ import annotations

import re

from oktatool.core.okta.explain_table import KNOWN_ERRORS
from oktatool.core.okta.explanation import Builder, ExplainContext, Explanation

_PLACEHOLDER = re.compile(r"\s*(\[|\{\d).*$")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def _matches(prefix: str, description: str) -> bool:
    return description.startswith(_norm(_PLACEHOLDER.sub("", prefix)))


def explain(error: str | None, description: str | None, context: ExplainContext | None = None) -> Explanation | None:
    """Return the explanation of an OAuth error / Okta errorCode and its description, or None if unknown."""
    context = context or ExplainContext()
    code = (error or "").strip()
    text = _norm(description or "")
    best: Builder | None = None
    best_rank = 0
    for entry_code, prefix, builder in KNOWN_ERRORS:
        if entry_code is not None and entry_code != code:
            continue
        if prefix is not None and not (text and _matches(prefix, text)):
            continue
        # both given > description only > code only
        rank = 3 if entry_code and prefix else 2 if prefix else 1
        if rank > best_rank:
            best, best_rank = builder, rank
    if best is None:
        return None
    return best(context) if callable(best) else best


def known_errors() -> tuple[tuple[str | None, str | None], ...]:
    """Return every (code, description) pair that has an explanation."""
    return tuple((code, prefix) for code, prefix, _ in KNOWN_ERRORS)
