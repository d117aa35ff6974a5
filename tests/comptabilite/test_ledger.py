"""The ledger: balanced, immutable, numbered entries; closed periods; the automatic postings of invoices,
credit notes and payments with their contribution; summaries equal to what the lines say."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comptabilite import services
from comptabilite.ledger import chart
from comptabilite.ledger.automatic import contribution_rate, payment_vat_share
from comptabilite.ledger.posting import EntrySpec, Line, post_entry, reverse_entry, structure_section_id
from comptabilite.ledger.summaries import rebuild
from comptabilite.models import (
    ContributionRule,
    Entry,
    EntryLine,
    PostedEntryError,
    SectionMonth,
    SectionYear,
)
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import issued

D = Decimal


def balances(entry: Entry) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for row in entry.lines.all():
        result[row.account_id] = result.get(row.account_id, D(0)) + row.debit - row.credit
    return result


def simple_spec(section: int, amount="100.00", date=None, **extra) -> EntrySpec:
    return EntrySpec(
        journal="OD",
        date=date or timezone.localdate(),
        label="Test",
        lines=[Line("512", section, debit=D(amount)), Line("758", section, credit=D(amount))],
        **extra,
    )


@pytest.fixture
def structure(db):
    return structure_section_id()


def test_an_unbalanced_entry_is_refused_and_nothing_is_written(structure):
    spec = simple_spec(structure)
    spec.lines[1].credit = D("99.99")
    with pytest.raises(DomainError, match="déséquilibrée"):
        post_entry(spec)
    assert not Entry.objects.exists() and not EntryLine.objects.exists()


@pytest.mark.parametrize(
    "lines",
    [
        [Line("512", 0, debit=D("10"))],
        [Line("512", 0, debit=D("10"), credit=D("10")), Line("758", 0)],
        [Line("512", 0, debit=D("-10")), Line("758", 0, credit=D("-10"))],
        [Line("999", 0, debit=D("10")), Line("758", 0, credit=D("10"))],
    ],
    ids=["one line", "both sides", "negative", "unknown account"],
)
def test_malformed_entries_are_refused(structure, lines):
    for row in lines:
        row.section = structure
    with pytest.raises(DomainError):
        post_entry(EntrySpec(journal="OD", date=timezone.localdate(), label="x", lines=lines))


def test_numbers_are_continuous_per_journal_and_year(structure):
    numbers = [post_entry(simple_spec(structure)).number for _ in range(3)]
    other_year = post_entry(simple_spec(structure, date=datetime.date(2020, 5, 1)))
    assert numbers == [1, 2, 3]
    assert other_year.number == 1
    assert Entry.objects.get(number=2, year=timezone.localdate().year).fec_number.startswith("OD")


def test_a_rolled_back_posting_gives_its_number_back(structure):
    with pytest.raises(RuntimeError), transaction.atomic():
        post_entry(simple_spec(structure))
        raise RuntimeError
    assert post_entry(simple_spec(structure)).number == 1


def test_posted_entries_refuse_every_change(structure):
    entry = post_entry(simple_spec(structure))
    first = entry.lines.first()
    with pytest.raises(PostedEntryError):
        entry.save()
    with pytest.raises(PostedEntryError):
        entry.delete()
    with pytest.raises(PostedEntryError):
        Entry.objects.filter(pk=entry.pk).update(label="changed")
    with pytest.raises(PostedEntryError):
        EntryLine.objects.filter(pk=first.pk).delete()
    with pytest.raises(PostedEntryError):
        first.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE comptabilite_entryline SET debit = 1 WHERE id = %s", [first.pk])


def test_a_correction_is_a_reversing_entry(structure):
    entry = post_entry(simple_spec(structure))
    reversal = reverse_entry(entry)
    assert reversal.reversal_of == entry
    assert balances(reversal) == {"512": D("-100.00"), "758": D("100.00")}
    with pytest.raises(DomainError, match="déjà"):
        reverse_entry(entry)


def test_closed_periods_refuse_postings(structure, coop):
    coop.ledger_closed_until = datetime.date(2025, 12, 31)
    coop.save()
    with pytest.raises(DomainError, match="clôturée"):
        post_entry(simple_spec(structure, date=datetime.date(2025, 12, 31)))
    assert post_entry(simple_spec(structure, date=datetime.date(2026, 1, 1))).number == 1


def test_issuing_an_invoice_posts_sales_vat_and_contribution(issued_invoice):
    entry = Entry.objects.get(invoice=issued_invoice)
    assert entry.journal_id == "VT" and entry.piece_ref == issued_invoice.number
    # 2 × 500 HT at 20 %: services, so the VAT waits for the payment; 12 % contribution.
    assert balances(entry) == {
        "411": D("1200.00"),
        "706": D("-1000.00"),
        "44574": D("-200.00"),
        "6586": D("120.00"),
        "7586": D("-120.00"),
    }
    sections = {row.account_id: row.section for row in entry.lines.all()}
    assert sections["706"].activity_id == issued_invoice.activity_id
    assert sections["7586"].code == chart.STRUCTURE_SECTION
    assert entry.lines.get(account_id="411").aux_code.startswith("C")


def test_goods_vat_is_collected_at_once(coop, entrepreneur, accountant, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer, operation_category="goods")
    assert balances(Entry.objects.get(invoice=invoice))["44571"] == D("-20.00")


def test_a_credit_note_reverses_its_share_of_contribution(issued_invoice, accountant):
    note = services.credit_note_create(by=accountant, invoice=issued_invoice)
    services.invoice_submit(by=accountant, invoice=note)
    from tests.comptabilite.conftest import ALL_TICKED

    services.invoice_control(by=accountant, invoice=note, accept=True, checklist=ALL_TICKED)
    note = services.invoice_issue(by=accountant, invoice=note)
    assert balances(Entry.objects.get(invoice=note)) == {
        "411": D("-1200.00"),
        "706": D("1000.00"),
        "44574": D("200.00"),
        "6586": D("-120.00"),
        "7586": D("120.00"),
    }


def test_payments_post_cash_and_make_the_vat_due(issued_invoice, accountant):
    today = timezone.localdate()
    first = services.payment_record(
        by=accountant, invoice=issued_invoice, date=today, amount=D("400.00"), method="transfer"
    )
    services.payment_record(
        by=accountant, invoice=issued_invoice, date=today, amount=D("800.00"), method="cheque"
    )
    entry = Entry.objects.get(payment=first)
    assert balances(entry) == {
        "512": D("400.00"),
        "411": D("-400.00"),
        "44574": D("66.67"),
        "44571": D("-66.67"),
    }
    pending = sum((row.debit - row.credit for row in EntryLine.objects.filter(account_id="44574")), D(0))
    assert pending == D(0)  # the whole VAT is due once the invoice is paid
    services.payment_cancel(by=accountant, payment=first, reason="chèque rejeté")
    reversal = Entry.objects.get(reversal_of=Entry.objects.get(payment=first, reversal_of__isnull=True))
    assert balances(reversal)["512"] == D("-400.00")


def test_payment_vat_share_gives_the_last_payment_the_remainder():
    class Doc:
        total_vat, total_ttc = D("200.00"), D("1200.00")

    shares = [payment_vat_share(Doc, D("100.00"), D("100.00") * n) for n in range(12)]
    assert sum(shares) == D("200.00")


def test_contribution_rate_precedence_and_dates(coop, activity, entrepreneur):
    person = entrepreneur.entrepreneur
    day = datetime.date(2026, 6, 15)
    assert contribution_rate(activity.pk, person, day) == D("12.00")  # the cooperative's default
    ContributionRule.objects.create(starts_on=datetime.date(2026, 1, 1), rate=D("11.00"))
    assert contribution_rate(activity.pk, person, day) == D("11.00")
    person.contribution_rate = D("9.00")
    assert contribution_rate(activity.pk, person, day) == D("9.00")
    ContributionRule.objects.create(
        activity=activity,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 30),
        rate=D("8.00"),
    )
    assert contribution_rate(activity.pk, person, day) == D("8.00")
    assert contribution_rate(activity.pk, person, datetime.date(2026, 7, 1)) == D("9.00")


def test_summaries_follow_every_posting_and_match_a_rebuild(issued_invoice, accountant):
    services.payment_record(
        by=accountant,
        invoice=issued_invoice,
        date=timezone.localdate(),
        amount=D("1200.00"),
        method="transfer",
    )
    month = SectionMonth.objects.get(section__activity=issued_invoice.activity)
    assert (month.turnover, month.contribution, month.cash, month.receivables) == (
        D("1000.00"),
        D("120.00"),
        D("1200.00"),
        D("0.00"),
    )
    assert (month.vat_collected, month.vat_pending) == (D("200.00"), D("0.00"))
    structure = SectionMonth.objects.get(section__code=chart.STRUCTURE_SECTION)
    assert structure.contribution == D("-120.00")
    year = SectionYear.objects.get(section__activity=issued_invoice.activity)
    assert (year.year, year.turnover, year.cash, year.lines) == (
        month.year,
        D("1000.00"),
        D("1200.00"),
        month.lines,
    )
    assert rebuild(apply=False) == []
    SectionMonth.objects.filter(pk=month.pk).update(cash=D("1.00"))
    SectionYear.objects.filter(pk=year.pk).update(turnover=D("2.00"))
    found = rebuild()
    assert [(d.month, d.column, d.stored, d.expected) for d in found] == [
        (month.month, "cash", D("1.00"), D("1200.00")),
        (None, "turnover", D("2.00"), D("1000.00")),
    ]
    assert rebuild(apply=False) == []


def test_the_yearly_summary_is_the_sum_of_the_year_s_months(structure):
    post_entry(simple_spec(structure, "100.00", date=datetime.date(2025, 1, 10)))
    post_entry(simple_spec(structure, "250.50", date=datetime.date(2025, 3, 5)))
    post_entry(simple_spec(structure, "7.00", date=datetime.date(2026, 1, 2)))
    months = SectionMonth.objects.filter(section_id=structure, year=2025)
    assert sorted(months.values_list("month", "cash")) == [(1, D("100.00")), (3, D("250.50"))]
    years = SectionYear.objects.filter(section_id=structure).order_by("year")
    assert list(years.values_list("year", "cash", "other_income", "lines")) == [
        (2025, D("350.50"), D("350.50"), 4),
        (2026, D("7.00"), D("7.00"), 2),
    ]
    assert rebuild(apply=False) == []


@pytest.fixture
def imported(coop):
    from entrepreneurs import services as journey_services
    from tests.comptabilite.test_import import GOOD, run

    journey_services.entrepreneur_create(ref="E001", first_name="Lucie", last_name="Faure")
    journey_services.entrepreneur_create(ref="E002", first_name="Marc", last_name="Autre")
    result = run(GOOD)
    assert result.ok, result.errors
    return result


def test_an_import_posts_sales_payments_and_contribution(imported):
    from comptabilite.models import Invoice

    first = Invoice.objects.get(number="2017-00001")
    assert balances(Entry.objects.get(invoice=first, source="invoice")) == {
        "411": D("1200.00"),
        "706": D("-1000.00"),
        "44574": D("-200.00"),
        "6586": D("120.00"),
        "7586": D("-120.00"),
    }
    assert balances(Entry.objects.get(invoice=first, source="payment"))["44571"] == D("-200.00")
    contribution = sum((row.debit - row.credit for row in EntryLine.objects.filter(account_id="6586")), D(0))
    # 12 % of 1000 + 250 + 99.99 − 100 (credit note) + 19.60, each rounded: 120 + 30 + 12 − 12 + 2.35
    assert contribution == D("152.35")
    assert rebuild(apply=False) == []


def test_an_import_into_a_closed_period_is_refused_with_the_line(coop):
    from entrepreneurs import services as journey_services
    from tests.comptabilite.test_import import GOOD, run

    journey_services.entrepreneur_create(ref="E001", first_name="Lucie", last_name="Faure")
    journey_services.entrepreneur_create(ref="E002", first_name="Marc", last_name="Autre")
    coop.ledger_closed_until = datetime.date(2016, 12, 31)
    coop.save()
    result = run(GOOD)
    assert not result.ok
    assert result.errors == ["invoices.csv:6: date: la comptabilité est clôturée jusqu'au 31/12/2016"]
    assert not Entry.objects.exists()


def close_through(day: datetime.date) -> None:
    from coodyssee.models import Cooperative

    assert Cooperative.objects.update(ledger_closed_until=day) == 1


def test_opening_entries_carry_balances_and_results_once(coop, structure, activity):
    from comptabilite.ledger.opening import open_year, openable_year
    from comptabilite.ledger.posting import sections_for
    from entrepreneurs.models import Activity

    section, _structure = sections_for(activity.pk)
    day = datetime.date(2025, 6, 1)
    post_entry(
        EntrySpec(
            journal="VT",
            date=day,
            label="Vente",
            lines=[
                Line("411", section, debit=D("1200"), aux_code="C000001", aux_label="Client"),
                Line("706", section, credit=D("1000")),
                Line("44571", section, credit=D("200")),
                Line("6586", section, debit=D("120")),
                Line("7586", structure, credit=D("120")),
            ],
        )
    )
    post_entry(simple_spec(section, "500.00", date=day))  # 512 / 758
    with pytest.raises(DomainError, match="Clôturez d'abord l'exercice 2025"):
        open_year(2026)  # 2025 is still open: its balances could change
    assert openable_year() is None
    close_through(datetime.date(2025, 12, 30))
    assert openable_year() is None  # not the whole year
    close_through(datetime.date(2025, 12, 31))
    assert openable_year() == 2026
    entry = open_year(2026)
    assert openable_year() is None
    assert (entry.journal_id, entry.date, entry.number) == ("AN", datetime.date(2026, 1, 1), 1)
    lines = {
        (row.section_id, row.account_id, row.aux_code): row.debit - row.credit for row in entry.lines.all()
    }
    assert lines == {
        (section, "411", "C000001"): D("1200.00"),
        (section, "44571", ""): D("-200.00"),
        (section, "512", ""): D("500.00"),
        (section, "120", ""): D("-1380.00"),  # 1000 + 500 − 120
        (section, "181", ""): D("-120.00"),  # the contribution it owes, carried on the liaison account
        (structure, "120", ""): D("-120.00"),
        (structure, "181", ""): D("120.00"),
    }
    assert SectionMonth.objects.get(section_id=section, year=2026).month == 0
    from comptabilite import treasury

    before = treasury.dashboard(activity, 2025, today=datetime.date(2025, 12, 31)).treasury_now
    after = treasury.dashboard(activity, 2026, today=datetime.date(2026, 3, 1))
    assert before == after.treasury_now == after.treasury_opening == D("180.00")  # 500 − 200 VAT − 120
    # the staff overview (yearly summaries before the year) counts the years before the opening once
    figures = treasury.alert_figures(today=datetime.date(2026, 3, 1), activity_ids=[activity.pk])
    assert figures[activity.pk].treasury == D("180.00")
    for year in (2025, 2026):
        (row,) = treasury.overview(
            year, today=datetime.date(2026, 3, 1), activities=Activity.objects.filter(pk=activity.pk)
        )
        assert row.treasury == D("180.00")
    assert rebuild(apply=False) == []
    with pytest.raises(DomainError, match="déjà"):
        open_year(2026)


def test_opening_entries_do_not_count_in_the_year_s_net_vat(coop, structure, activity):
    from comptabilite.ledger.opening import open_year
    from comptabilite.ledger.posting import sections_for
    from comptabilite.vat import vat_net

    section, _structure = sections_for(activity.pk)
    post_entry(
        EntrySpec(
            journal="VT",
            date=datetime.date(2025, 6, 1),
            label="Vente",
            lines=[
                Line("411", section, debit=D("120")),
                Line("706", section, credit=D("100")),
                Line("44571", section, credit=D("20")),
            ],
        )
    )
    close_through(datetime.date(2025, 12, 31))
    open_year(2026)
    assert vat_net(2025) == D("20.00")
    assert vat_net(2026) == D("0.00")


def test_the_receipts_index_is_the_one_the_overview_s_last_payment_reads():
    """A partial index is only used when the query's conditions imply its own: keep it on the chart."""
    from django.db.models import Q

    from comptabilite.ledger.posting import journal_code

    (index,) = [index for index in EntryLine._meta.indexes if index.name == "line_receipt_section_date"]
    assert index.condition == Q(journal_id=journal_code("bank"), account_id=chart.CUSTOMERS, credit__gt=0)
