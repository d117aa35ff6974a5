"""The annual activity report: its sections, in the order of docs/import-format.md §2.

Each section is a function ``(year) -> dict`` living in the app that owns the figures. An issue that
builds a section adds one line to ``SECTIONS``; a section not listed is absent from the report
(never zero). Keys and definitions are a public contract: see docs/import-format.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

# (JSON key, dotted path of the function building it). Contract order:
# headcount, info_sessions, activity, mutualisation, trainings, associates, subsidies.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headcount", "entrepreneurs.stats.headcount"),
    ("info_sessions", "entrepreneurs.stats.info_sessions"),
    ("activity", "comptabilite.stats.activity"),
    ("mutualisation", "comptabilite.stats.mutualisation"),
    ("trainings", "formation.stats.trainings"),
)


def report_sections() -> list[tuple[str, Callable[[int], dict]]]:
    return [(key, import_string(path)) for key, path in SECTIONS]


def annual_report_data(year: int) -> dict:
    """The report's figures for ``year``: ``{"year": …, "<section>": {…}, …}``."""
    data: dict = {"year": year}
    for key, build in report_sections():
        data[key] = build(year)
    return data
