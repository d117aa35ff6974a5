"""The ledger at scale (PostgreSQL): 1,000 activities × 10 years, about 3.2 million lines.

The data is generated inside PostgreSQL (``generate_series``), each month of each activity getting the
entries the live postings would write: sales with their contribution (5 lines), payments moving the VAT
from 44574 to 44571 (4 lines) and purchases (3 lines). The last year is dense (≈ 1 million lines) so that
the FEC of one year is measured at the size the issue sets. The monthly summaries are then rebuilt from
the lines (that rebuild is itself measured), and we time, in one run:

- one activity's dashboard (``comptabilite.treasury``, read from the summaries) against the raw SQL
  aggregate of the same figures over the lines — target ≤ 2× and ≤ 12 queries;
- the staff overview of the 1,000 activities — target ≤ 100 ms server time;
- ``export_fec`` of the dense year in a child process — target ≤ 20 s and ≤ 150 MB peak memory.
"""

from __future__ import annotations

import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import benchmark

ACTIVITIES = int(os.environ.get("BENCH_LEDGER_ACTIVITIES", "1000"))
YEARS = 10
FIRST_YEAR = datetime.date.today().year - YEARS + 1
# (sales, payments, purchases) per activity and month: ordinary years, then the dense last year.
ORDINARY = (2, 2, 1)
DENSE = (7, 7, 6)

ENTRIES_SQL = """
CREATE TEMP TABLE bench_entries AS
WITH months AS (
    SELECT s.section_id, s.n AS a, m,
           %(first)s + m / 12 AS y, m %% 12 + 1 AS mo,
           CASE WHEN m >= %(dense_from)s THEN %(ds)s ELSE %(os)s END AS n_sales,
           CASE WHEN m >= %(dense_from)s THEN %(dp)s ELSE %(op)s END AS n_pay,
           CASE WHEN m >= %(dense_from)s THEN %(de)s ELSE %(oe)s END AS n_exp
    FROM bench_sections s CROSS JOIN generate_series(0, %(months)s - 1) AS m
),
slots AS (
    SELECT section_id, a, m, y, mo, 'S' AS kind, k FROM months, generate_series(1, n_sales) AS k
    UNION ALL
    SELECT section_id, a, m, y, mo, 'P', k FROM months, generate_series(1, n_pay) AS k
    UNION ALL
    SELECT section_id, a, m, y, mo, 'E', k FROM months, generate_series(1, n_exp) AS k
)
SELECT %(base)s + row_number() OVER (ORDER BY y, mo, a, kind, k) AS id,
       section_id, a, m, kind, k, y,
       make_date(y, mo, 1 + ((k * 3 + a) %% 27)) AS date,
       CASE kind WHEN 'S' THEN 'VT' WHEN 'P' THEN 'BQ' ELSE 'HA' END AS journal,
       (((a * 37 + m * 11 + k * 7) %% 500) + 100) * 10.00 AS ht,
       (((a * 13 + m * 5 + k) %% 300) + 50) * 2.00 AS ht_e
FROM slots;
"""

INSERT_ENTRIES = """
INSERT INTO comptabilite_entry (id, journal_id, year, number, date, label, piece_ref, piece_date, posted_at,
                                source, entrepreneur_id, invoice_id, payment_id, expense_id, reversal_of_id,
                                posted_by_id, key)
SELECT id, journal, y,
       coalesce(top.last, 0) + row_number() OVER (PARTITION BY journal, y ORDER BY date, id),
       date,
       CASE kind WHEN 'S' THEN 'Facture ' WHEN 'P' THEN 'Règlement ' ELSE 'Achat ' END || id,
       'B' || id, date, (date + time '18:00') AT TIME ZONE 'UTC',
       CASE kind WHEN 'S' THEN 'invoice' WHEN 'P' THEN 'payment' ELSE 'expense' END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM bench_entries
LEFT JOIN (SELECT journal_id, year, max(number) AS last FROM comptabilite_entry GROUP BY 1, 2) AS top
       ON top.journal_id = journal AND top.year = y;
"""

# (kind, position, account, debit expression, credit expression, section: 'a' activity / 's' structure)
LINES = [
    ("S", 1, "411", "ht * 1.2", "0", "a"),
    ("S", 2, "706", "0", "ht", "a"),
    ("S", 3, "44574", "0", "ht * 0.2", "a"),
    ("S", 4, "6586", "round(ht * 0.12, 2)", "0", "a"),
    ("S", 5, "7586", "0", "round(ht * 0.12, 2)", "s"),
    ("P", 1, "512", "ht * 1.2", "0", "a"),
    ("P", 2, "411", "0", "ht * 1.2", "a"),
    ("P", 3, "44574", "ht * 0.2", "0", "a"),
    ("P", 4, "44571", "0", "ht * 0.2", "a"),
    ("E", 1, "606", "ht_e", "0", "a"),
    ("E", 2, "44566", "ht_e * 0.2", "0", "a"),
    ("E", 3, "401", "0", "ht_e * 1.2", "a"),
]


def _lines_sql(structure: int) -> str:
    parts = []
    for kind, position, account, debit, credit, section in LINES:
        section_expr = "section_id" if section == "a" else str(structure)
        aux = (
            "'C' || lpad(a::text, 6, '0')" if account == "411" else ("'FBENCH'" if account == "401" else "''")
        )
        parts.append(
            f"SELECT id, {position}, '{account}', {section_expr}, 'ligne', {debit}, {credit}, {aux}, '', "
            f"date, journal FROM bench_entries WHERE kind = '{kind}'"
        )
    return (
        "INSERT INTO comptabilite_entryline (entry_id, position, account_id, section_id, label, debit, "
        "credit, aux_code, aux_label, date, journal_id) " + " UNION ALL ".join(parts)
    )


def generate() -> dict:
    from comptabilite.ledger.chart import ensure_chart
    from comptabilite.ledger.documents import activity_sections
    from comptabilite.ledger.posting import structure_section_id
    from comptabilite.models import Entry
    from entrepreneurs.models import Activity

    ensure_chart()
    structure = structure_section_id()
    Activity.objects.bulk_create(
        [Activity(code=f"BENCH-{n:04d}", name=f"Activité de mesure {n}") for n in range(1, ACTIVITIES + 1)],
        batch_size=1000,
    )
    ids = dict(Activity.objects.filter(code__startswith="BENCH-").values_list("code", "pk"))
    sections = activity_sections(ids.values())
    base = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_sections (n integer, section_id integer)")
        cursor.executemany(
            "INSERT INTO bench_sections VALUES (%s, %s)",
            [(int(code[6:]), sections[pk]) for code, pk in ids.items()],
        )
        cursor.execute(
            ENTRIES_SQL,
            {
                "first": FIRST_YEAR,
                "months": YEARS * 12,
                "dense_from": (YEARS - 1) * 12,
                "ds": DENSE[0],
                "dp": DENSE[1],
                "de": DENSE[2],
                "os": ORDINARY[0],
                "op": ORDINARY[1],
                "oe": ORDINARY[2],
                "base": base,
            },
        )
        cursor.execute(INSERT_ENTRIES)
        cursor.execute(_lines_sql(structure))
        lines = cursor.rowcount
        cursor.execute(
            "INSERT INTO comptabilite_entrycounter (journal_id, year, last) "
            "SELECT journal_id, year, max(number) FROM comptabilite_entry GROUP BY 1, 2 "
            "ON CONFLICT (journal_id, year) DO UPDATE SET last = excluded.last"
        )
        for table in ("comptabilite_entry", "comptabilite_entryline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("SELECT count(*) FROM bench_entries")
        entries = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_entries; DROP TABLE bench_sections")
        cursor.execute("ANALYZE")  # every table: the demo's too, loaded just before
    return {"lines": lines, "entries": entries, "sections": sections}


RAW_SQL = """
SELECT extract(year FROM date)::int, extract(month FROM date)::int, account_id, sum(debit), sum(credit)
FROM comptabilite_entryline WHERE section_id = %s GROUP BY 1, 2, 3
"""


def raw_dashboard(section_id: int, year: int) -> dict:
    """The dashboard's figures straight from the lines: the yardstick the summaries are measured against."""
    from comptabilite.ledger.families import family

    months: dict = {}
    treasury = Decimal(0)
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [section_id])
        rows = cursor.fetchall()
    for y, m, account, debit, credit in rows:
        name, sign = family(account)
        amount = (debit - credit) * sign
        if name in ("cash",):
            treasury += amount
        elif name in ("vat_collected", "payables", "contribution"):
            treasury -= amount
        elif name == "vat_deductible":
            treasury += amount
        if y == year:
            bucket = months.setdefault(m, {})
            bucket[name] = bucket.get(name, Decimal(0)) + amount
    return {"months": months, "treasury": treasury}


def _median(func, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


CHILD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coodyssee.settings")
import django
django.setup()
from django.core.management import call_command
from io import StringIO
started = time.perf_counter()
if sys.argv[1] != "-":
    call_command("export_fec", sys.argv[1], "--output", sys.argv[2], stdout=StringIO())
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of this (large) process would report
# the parent's size; VmHWM is the peak of this process's own memory since exec.
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
print(time.perf_counter() - started, int(peak) / 1024)
"""


def _child(*args: str) -> tuple[float, float]:
    settings_db = connection.settings_dict
    url = (
        f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}/{settings_db['NAME']}"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=root,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed, peak = done.stdout.strip().splitlines()[-1].split()
    return float(elapsed), float(peak)


def _fec_in_child(year: int) -> tuple[float, float, float, int]:
    """``(seconds, peak MB, peak MB of the same process doing nothing, lines)`` of ``export_fec``."""
    _idle, baseline = _child("-", "-")
    with tempfile.TemporaryDirectory() as folder:
        elapsed, peak = _child(str(year), folder)
        [path] = list(Path(folder).iterdir())
        with path.open("rb") as handle:
            count = sum(1 for _ in handle) - 1
    return elapsed, peak, baseline, count


@benchmark("Grand livre à l'échelle (1 000 activités × 10 ans, PostgreSQL)")
def bench_ledger_scale():
    if connection.vendor != "postgresql":
        return [("skipped", "needs PostgreSQL (DATABASE_URL=postgres://…)")]
    from django.core.management import call_command

    from comptabilite import treasury
    from comptabilite.ledger.summaries import rebuild

    call_command("load_demo", "--quiet-logins") if not _has_demo() else None
    started = time.perf_counter()
    data = generate()
    generated = time.perf_counter() - started
    started = time.perf_counter()
    rebuild()
    rebuilt = time.perf_counter() - started
    last_year = FIRST_YEAR + YEARS - 1
    section = sorted(data["sections"].values())[ACTIVITIES // 2]
    from comptabilite.models import AnalyticSection

    activity = AnalyticSection.objects.get(pk=section).activity

    def dashboard():
        return treasury.dashboard(activity, last_year)

    dashboard()
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    dashboard_queries = len(queries)  # now: the query log is a bounded deque that later queries rotate
    dashboard_time = _median(dashboard)
    raw_time = _median(lambda: raw_dashboard(section, last_year))
    overview_time = _median(lambda: list(treasury.overview(last_year)), repeat=5)
    from django.test import Client

    from coodyssee.models import User

    client = Client()
    client.force_login(User.objects.get(email="comptabilite@demo.coodyssee.fr"))
    client.get(f"/gestion/tresorerie/?year={last_year}")
    page_time = _median(lambda: client.get(f"/gestion/tresorerie/?year={last_year}"), repeat=5)
    fec_time, fec_peak, fec_baseline, fec_lines = _fec_in_child(last_year)
    return [
        ("activities × years", f"{ACTIVITIES:,} × {YEARS}"),
        ("ledger lines / entries generated", f"{data['lines']:,} / {data['entries']:,}"),
        ("generation in SQL", f"{generated:.1f} s"),
        ("summaries rebuilt from the lines (rebuild_ledger_summaries)", f"{rebuilt:.1f} s"),
        ("dashboard: queries (target ≤ 12)", str(dashboard_queries)),
        ("dashboard: median time", f"{dashboard_time * 1000:.1f} ms"),
        ("raw SQL aggregate of the same figures: median time", f"{raw_time * 1000:.1f} ms"),
        ("dashboard / raw SQL (target ≤ 2)", f"{dashboard_time / raw_time:.2f}"),
        ("overview, all 1,000 rows computed: median", f"{overview_time * 1000:.1f} ms"),
        (
            "overview page (sorted, first page rendered): median (target ≤ 100 ms)",
            f"{page_time * 1000:.1f} ms",
        ),
        (f"FEC {last_year}: lines", f"{fec_lines:,}"),
        ("FEC: time in a child process (target ≤ 20 s)", f"{fec_time:.1f} s"),
        ("FEC: peak memory of the process (target ≤ 150 MB)", f"{fec_peak:.0f} MB"),
        ("… of which Django and the app loaded, doing nothing", f"{fec_baseline:.0f} MB"),
    ]


def _has_demo() -> bool:
    from coodyssee.models import User

    return User.objects.filter(email="comptabilite@demo.coodyssee.fr").exists()
