"""pytest plugin: figures for the README's Reliability section; tests add lines, the run's summary prints them."""

from __future__ import annotations

from collections import defaultdict

import pytest


class Figures:
    """The figure lines collected in this run, by section."""

    def __init__(self) -> None:
        self.sections: dict[str, list[str]] = defaultdict(list)

    def add(self, section: str, line: str) -> None:
        self.sections[section].append(line)


_FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES.sections:
        return
    terminalreporter.section("reliability figures")
    for section, lines in _FIGURES.sections.items():
        terminalreporter.write_line(f"{section}:")
        for line in lines:
            terminalreporter.write_line(f"  {line}")
