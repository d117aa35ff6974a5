"""``invoices.csv`` of the CSV import: historic, already issued invoices and credit notes.

Format: docs/import-format.md §1. One row = one document with one line (``amount_ht`` at ``vat_rate``).

- Natural key: ``number``. A number already stored with the same values is left alone; with other values
  it is an error. Two rows of the file with one number are an error.
- The document belongs to the entrepreneur's individual activity. Its customer is the activity's customer
  of that name, created when missing (a company with only a name: history does not carry more).
- Documents keep their number and date; they are frozen like any issued document. ``vat_rate`` may be a
  rate of the past (19.6 %, 7 %…): history is taken as it was. ``paid_on`` records one payment of the
  whole amount on that date (invoices only: a credit note takes no payment).
- Numbering: an imported number that matches the series' current format (``{year}-{seq:05d}`` by default,
  ``AV{year}-{seq:05d}`` for credit notes) stores its rank, and the counter of that series and year is
  raised to the highest imported rank, so the next live document continues after it. A number in
  another format is kept as text and does not touch the counter. An imported rank already used in its
  series is an error.
- Rows are written with ``bulk_create`` (thousands of rows import in seconds); each document gets one
  ``imported`` history event, and its ledger entries (sale with contribution, payment) like a live
  document's. A document dated on or before the ledger's closing date is refused.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite import numbering
from comptabilite.ledger.documents import post_documents
from comptabilite.models import (
    Customer,
    CustomerKind,
    DocumentEvent,
    DocumentKind,
    EventKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from comptabilite.parties import seller_fields
from comptabilite.totals import document_totals
from coodyssee.importing import Column, FileImporter, FileReport, Row, choice, date, decimal, register, text
from coodyssee.models import Cooperative
from coodyssee.money import ZERO
from entrepreneurs.models import Activity, ActivityKind, Entrepreneur

IMPORT_DESCRIPTION = "Facture reprise de l'historique"


def _normalize(value: str) -> str:
    return " ".join(value.split())


@register
class InvoicesImporter(FileImporter):
    filename = "invoices.csv"
    columns = (
        Column("entrepreneur_ref", text(30), required=True),
        Column("number", text(40), required=True),
        Column("date", date, required=True),
        Column("customer", text(200), required=True),
        Column("amount_ht", decimal(minimum="0.01"), required=True),
        Column("vat_rate", decimal(max_digits=5, minimum=0, maximum=100), required=True),
        Column("kind", choice(DocumentKind.values)),
        Column("description", text(500)),
        Column("paid_on", date),
    )

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        cooperative = Cooperative.objects.order_by("pk").first()
        people = {
            person.ref: person
            for person in Entrepreneur.objects.filter(
                ref__in={row.values["entrepreneur_ref"] for row in rows}
            ).prefetch_related(
                Prefetch(
                    "activities",
                    queryset=Activity.objects.filter(kind=ActivityKind.INDIVIDUAL).order_by("pk"),
                    to_attr="individual_activities",
                )
            )
        }
        existing = self._existing({row.values["number"] for row in rows})
        formats = {kind: numbering.series_for_kind(kind, cooperative) for kind in DocumentKind.values}
        used = defaultdict(set)
        for series, year, sequence in Invoice.objects.filter(sequence__isnull=False).values_list(
            "series", "year", "sequence"
        ):
            used[(series, year)].add(sequence)
        customers = {
            (customer.activity_id, customer.name): customer
            for customer in Customer.objects.filter(
                activity__in=[a for p in people.values() for a in p.individual_activities[:1]]
            ).order_by("pk")
        }
        seen: dict[str, int] = {}
        planned = []
        for row in rows:
            values = row.values
            values["customer"] = _normalize(values["customer"])
            values["kind"] = values.get("kind") or DocumentKind.INVOICE
            values["description"] = values.get("description") or ""
            number = values["number"]
            if number in seen:
                report.error(
                    row.line, "number", _("numéro en double (déjà ligne %(line)s)") % {"line": seen[number]}
                )
                continue
            seen[number] = row.line
            person = people.get(values["entrepreneur_ref"])
            if person is None:
                report.error(
                    row.line,
                    "entrepreneur_ref",
                    _("entrepreneur·e inconnu·e : %(ref)s") % {"ref": values["entrepreneur_ref"]},
                )
                continue
            if number in existing:
                differences = self.differences(existing[number], row)
                self.report_differences(report, row, differences)
                if not differences:
                    report.unchanged += 1
                continue
            if not person.individual_activities:
                report.error(
                    row.line, "entrepreneur_ref", _("cette personne n'a pas d'activité individuelle")
                )
                continue
            closed = cooperative.ledger_closed_until if cooperative else None
            if closed and (
                values["date"] <= closed or (values.get("paid_on") and values["paid_on"] <= closed)
            ):
                report.error(
                    row.line,
                    "date" if values["date"] <= closed else "paid_on",
                    _("la comptabilité est clôturée jusqu'au %(date)s")
                    % {"date": closed.strftime("%d/%m/%Y")},
                )
                continue
            if values.get("paid_on") and values["kind"] == DocumentKind.CREDIT_NOTE:
                report.error(row.line, "paid_on", _("un avoir ne reçoit pas de paiement"))
                continue
            series, number_format = formats[values["kind"]]
            parsed = number_format.parse(number)
            year, sequence = parsed if parsed else (values["date"].year, None)
            if sequence is not None:
                if sequence in used[(series, year)]:
                    report.error(
                        row.line,
                        "number",
                        _("ce rang est déjà attribué dans la série %(year)s") % {"year": year},
                    )
                    continue
                used[(series, year)].add(sequence)
            planned.append((row, person, person.individual_activities[0], series, year, sequence))
        if report.errors or not planned:
            return
        self._write(planned, customers, cooperative)
        report.imported += len(planned)

    @staticmethod
    def _existing(numbers: set[str]) -> dict[str, dict]:
        """Stored documents of these numbers, as the columns of the file would describe them."""
        found = {}
        documents = (
            Invoice.objects.filter(number__in=numbers)
            .select_related("entrepreneur")
            .prefetch_related("lines", Prefetch("payments", queryset=Payment.objects.active()))
        )
        for invoice in documents:
            lines = list(invoice.lines.all())
            payments = list(invoice.payments.all())
            paid_on = payments[-1].date if payments and invoice.amount_due <= 0 else None
            found[invoice.number] = {
                "entrepreneur_ref": invoice.entrepreneur.ref,
                "date": invoice.date,
                "customer": invoice.buyer_name,
                "amount_ht": invoice.total_ht,
                "vat_rate": lines[0].vat_rate if len(lines) == 1 else None,
                "kind": invoice.kind,
                "description": invoice.subject,
                "paid_on": paid_on,
            }
        return found

    @staticmethod
    def _write(planned: list, customers: dict, cooperative: Cooperative | None) -> None:
        new_customers = {}
        for row, _person, activity, *_rest in planned:
            key = (activity.pk, row.values["customer"])
            if key not in customers and key not in new_customers:
                new_customers[key] = Customer(activity=activity, kind=CustomerKind.COMPANY, name=key[1])
        Customer.objects.bulk_create(list(new_customers.values()))
        customers = customers | new_customers
        seller = seller_fields(cooperative) if cooperative else {}
        terms = cooperative.payment_terms_days if cooperative else 30
        penalty = cooperative.late_penalty_rate if cooperative else Decimal("12.15")
        documents, lines = [], []
        for row, person, activity, series, year, sequence in planned:
            values = row.values
            amount, rate = values["amount_ht"], values["vat_rate"]
            totals = document_totals([(rate, amount)])
            is_invoice = values["kind"] == DocumentKind.INVOICE
            customer = customers[(activity.pk, values["customer"])]
            issued_at = timezone.make_aware(datetime.datetime.combine(values["date"], datetime.time(12)))
            documents.append(
                Invoice(
                    kind=values["kind"],
                    status=InvoiceStatus.ISSUED,
                    activity=activity,
                    entrepreneur=person,
                    customer=customer,
                    number=values["number"],
                    series=series,
                    year=year,
                    sequence=sequence,
                    date=values["date"],
                    due_date=values["date"] + datetime.timedelta(days=terms) if is_invoice else None,
                    subject=values["description"],
                    payment_terms_days=terms,
                    late_penalty_rate=penalty,
                    recovery_indemnity=Decimal("40.00") if is_invoice else ZERO,
                    total_ht=totals.total_ht,
                    total_vat=totals.total_vat,
                    total_ttc=totals.total_ttc,
                    vat_breakdown=totals.breakdown_json(),
                    amount_paid=totals.total_ttc if values.get("paid_on") else ZERO,
                    buyer_kind=CustomerKind.COMPANY,
                    buyer_name=customer.name,
                    buyer_country="FR",
                    issued_at=issued_at,
                    is_imported=True,
                    **seller,
                )
            )
            lines.append(
                InvoiceLine(
                    description=values["description"] or IMPORT_DESCRIPTION,
                    quantity=Decimal(1),
                    unit_price=amount,
                    vat_rate=rate,
                    total_ht=amount,
                )
            )
        Invoice.objects.bulk_create(documents, batch_size=500)
        for document, line in zip(documents, lines, strict=True):
            line.invoice = document
        InvoiceLine.objects.bulk_create(lines, batch_size=1000)
        payments = Payment.objects.bulk_create(
            [
                Payment(
                    invoice=document,
                    date=row.values["paid_on"],
                    amount=document.total_ttc,
                    method=PaymentMethod.OTHER,
                    reference=_("reprise de l'historique"),
                )
                for document, (row, *_rest) in zip(documents, planned, strict=True)
                if row.values.get("paid_on")
            ],
            batch_size=1000,
        )
        for document, (_row, person, *_rest) in zip(documents, planned, strict=True):
            document.entrepreneur = person
        post_documents(documents, payments, cooperative=cooperative)
        DocumentEvent.objects.bulk_create(
            [
                DocumentEvent(
                    invoice=document, kind=EventKind.IMPORTED, actor_label=_("import"), at=document.issued_at
                )
                for document in documents
            ],
            batch_size=1000,
        )
        top: dict[tuple[str, int], int] = {}
        for document in documents:
            if document.sequence is not None:
                key = (document.series, document.year)
                top[key] = max(top.get(key, 0), document.sequence)
        for (series, year), rank in sorted(top.items()):
            numbering.raise_counter(series=series, year=year, at_least=rank)
