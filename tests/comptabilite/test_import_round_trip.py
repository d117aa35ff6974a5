"""The demo's issued documents written out as invoices.csv and imported into an empty database give the
same activity and mutualisation figures, and live numbering continues after the imported numbers.

Only the documents of a few years are exported, to keep the test quick. The demo is loaded inside a
savepoint that is rolled back after the export: issued documents cannot be deleted, so the database is
emptied the only way the rules allow — by never committing them.
"""

from __future__ import annotations

import csv
import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from comptabilite.models import Invoice, NumberingCounter
from comptabilite.stats import activity, mutualisation
from coodyssee.demo import load_demo
from coodyssee.models import Cooperative
from entrepreneurs.models import Entrepreneur, JourneyStep
from tests.comptabilite.export import export_invoices

YEARS = (2012, 2017, 2025)


def export(directory) -> int:
    cooperative = Cooperative.objects.get()
    with open(directory / "cooperative.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["name", "siren", "default_contribution_rate"])
        writer.writerow([cooperative.name, cooperative.siren, cooperative.default_contribution_rate])
    with open(directory / "entrepreneurs.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["ref", "last_name", "first_name", "contribution_rate"])
        for person in Entrepreneur.objects.order_by("ref"):
            writer.writerow([person.ref, person.last_name, person.first_name, person.contribution_rate or ""])
    with open(directory / "journey.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["entrepreneur_ref", "date", "step"])
        for ref, day, kind in JourneyStep.objects.order_by("entrepreneur__ref", "date", "id").values_list(
            "entrepreneur__ref", "date", "kind"
        ):
            writer.writerow([ref, day.isoformat(), kind])
    return export_invoices(directory, years=YEARS)


def sales(year: int) -> dict:
    # The import carries invoices, not expenses: the net VAT (deductible VAT) does not round-trip.
    return {key: value for key, value in activity(year).items() if key != "vat_net"}


def test_demo_invoices_round_trip_through_the_import(db, tmp_path, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
    with transaction.atomic():
        load_demo()
        before = {year: (sales(year), mutualisation(year)) for year in YEARS}
        counters = {
            (c.series, c.year): c.last
            for c in NumberingCounter.objects.filter(year__in=YEARS).exclude(series="quote")
        }
        exported = export(tmp_path)
        transaction.set_rollback(True)
    assert not Invoice.objects.exists()

    out = StringIO()
    call_command("import_cae", str(tmp_path), stdout=out, stderr=StringIO())
    assert f"invoices.csv: {exported} rows imported" in out.getvalue().splitlines()
    assert {year: (sales(year), mutualisation(year)) for year in YEARS} == before
    assert {(c.series, c.year): c.last for c in NumberingCounter.objects.all()} == counters
