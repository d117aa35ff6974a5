"""Run the benchmarks: ``python -m benchmarks [name-substring]``."""

from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coodyssee.settings")
    # As in production: with DEBUG on, Django keeps and formats every query it runs (about 10 % of an issue).
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from benchmarks import REGISTRY, suites  # noqa: F401 - suites register themselves

    selected = [(title, func) for title, func in REGISTRY if not argv or any(a in title for a in argv)]
    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, keepdb=False, serialize=False, autoclobber=True
    )
    sections = []
    try:
        for title, func in selected:
            print(f"… {title}", flush=True)
            started = time.perf_counter()
            rows = func()
            sections.append((title, rows, time.perf_counter() - started))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    write_report(sections, connection.vendor)
    return 0


NOTE = "note"  # a row ("note", text) of a benchmark is written as a paragraph under its table


def write_report(sections, vendor: str) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.date.today():%d/%m/%Y} — database: {vendor}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, DEBUG off as in production. Machines "
        "are shared and noisy: read ratios and query counts, not absolute times.",
        "",
    ]
    for title, rows, elapsed in sections:
        notes = [value for measure, value in rows if measure == NOTE]
        lines += [f"## {title}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {measure} | {value} |" for measure, value in rows if measure != NOTE]
        lines += ["", f"_(run time {elapsed:.1f} s)_", ""]
        lines += [line for note in notes for line in (note, "")]
    path = ROOT / "docs" / "benchmarks.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
