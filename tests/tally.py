"""Counts the reliability suites report at the end of a run (faults, fuzz examples, crashes).

Each suite adds to `TALLY`; the `pytest_terminal_summary` hook in conftest prints it, so a CI
log shows how much was actually tried, not only that nothing failed.
"""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()
