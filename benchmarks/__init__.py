"""Benchmarks: ``make bench`` runs every registered benchmark on a throw-away database and writes
docs/benchmarks.md. Results are ratios and query counts measured in one run, never pass/fail timings.

Register a benchmark with ``@benchmark("title")``; it returns a list of (measure, value) rows.
"""

from __future__ import annotations

from collections.abc import Callable

REGISTRY: list[tuple[str, Callable[[], list[tuple[str, str]]]]] = []


def benchmark(title: str):
    def decorator(func):
        REGISTRY.append((title, func))
        return func

    return decorator
