"""VAT from the ledger: collected and deductible per month or quarter, the net due or the credit, and the
lines of the CA3 return (form 3310-CA3) they fill. A helper for the accountant who types the return on
impots.gouv.fr, not an e-filing.

Amounts come from the ledger (the single source of money truth):

- VAT collected (due) = Σ credit − debit on 44571 of the lines dated in the period. Goods, and invoices
  under the option for VAT on debits, credit 44571 when issued; services credit 44574 when issued and each
  payment moves its share from 44574 to 44571 (CGI art. 269-2-c; ``comptabilite.ledger.automatic``).
- Deductible VAT = Σ debit − credit on 44562 (fixed assets, CA3 line 19) and on the other 4456 accounts
  except 44567 (other goods and services, line 20). 44567 (credit carried forward) is the return's own
  settlement, not a purchase.

Taxable bases by rate, "as best derivable": the ledger keeps VAT amounts, not bases. Each entry of the period
that moves 44571 and records an invoice (its issue for goods or debit-option invoices, a payment or a
cancelled payment for services) is read against that invoice's ``vat_breakdown``: the entry moved a share
``s = moved / invoice VAT`` of the invoice's VAT (1 at issue, −1 for a credit note, the payment's share
for a payment), and each rate of the breakdown gets ``s × VAT`` rounded to the cent, the last rate taking the
rounding remainder so that the rates add up to what the ledger moved, and ``s × base`` — for a payment
``s = amount paid / invoice total incl. VAT`` for the bases (the VAT share was rounded to the cent). For a
service invoice with several rates this spreads a payment pro rata over the rates, which is how the
payment's VAT share itself is computed (``automatic.payment_vat_share``). VAT moved by an entry with no
invoice (a manual entry on 44571) is shown apart as "not allocated to a rate", for the accountant to place.
Exempt operations (0 %) move no VAT and are not derived here.

``vat_net(year)`` (the ``vat_net`` of the annual report): VAT collected on the documents dated in the year
minus the deductible VAT recorded in it = Σ over the lines dated in the year of (credit − debit on 4457*)
− Σ (debit − credit on 4456*). 44574 counts: it holds the VAT of service invoices dated in the year that is
not yet due, and the 44574 → 44571 moves of payments cancel out in 4457*.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptabilite.ledger import chart
from comptabilite.ledger.posting import OPENING_JOURNAL
from comptabilite.models import EntryLine, Invoice
from coodyssee.money import ZERO, round_cents

_AMOUNT = DecimalField(max_digits=16, decimal_places=2)
FIXED_ASSETS_VAT = "44562"
CARRIED_CREDIT = "44567"

# Rate → CA3 line (métropole). Other rates: line 13 (former rates) or 14 (particular rates, annex 3310-A).
CA3_RATE_LINES = {
    Decimal("20"): ("08", gettext_lazy("Taux normal 20 %")),
    Decimal("5.5"): ("09", gettext_lazy("Taux réduit 5,5 %")),
    Decimal("10"): ("9B", gettext_lazy("Taux réduit 10 %")),
}
FORMER_RATES = {Decimal("19.6"), Decimal("7"), Decimal("5")}


# --- periods ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter"
    year: int
    number: int  # month 1–12 or quarter 1–4

    @property
    def start(self) -> datetime.date:
        month = self.number if self.kind == "month" else 3 * self.number - 2
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        last = self.number if self.kind == "month" else 3 * self.number
        if last == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last + 1, 1) - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}-T{self.number}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return date_format(self.start, "F Y")
        ordinal = _("1er") if self.number == 1 else _("%(n)se") % {"n": self.number}
        return _("%(ordinal)s trimestre %(year)s") % {"ordinal": ordinal, "year": self.year}

    @property
    def short_label(self) -> str:
        """The month's name, or "T1"…"T4": in a table headed by the year."""
        return date_format(self.start, "F") if self.kind == "month" else f"T{self.number}"

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, 12 if self.kind == "month" else 4)

    def next(self) -> Period:
        last = 12 if self.kind == "month" else 4
        if self.number < last:
            return Period(self.kind, self.year, self.number + 1)
        return Period(self.kind, self.year + 1, 1)


def period_of(day: datetime.date, kind: str) -> Period:
    return Period(kind, day.year, day.month if kind == "month" else (day.month - 1) // 3 + 1)


def parse_period(text: str, kind: str) -> Period | None:
    """``"2026-03"`` (month) or ``"2026-T1"`` (quarter); None when it does not read."""
    try:
        year, rest = text.split("-", 1)
        if kind == "quarter":
            number = int(rest.upper().removeprefix("T"))
            valid = 1 <= number <= 4
        else:
            number = int(rest)
            valid = 1 <= number <= 12
        year = int(year)
    except (ValueError, AttributeError):
        return None
    return Period(kind, year, number) if valid and 1900 < year < 2200 else None


def periods_of_year(year: int, kind: str) -> list[Period]:
    return [Period(kind, year, number) for number in range(1, 13 if kind == "month" else 5)]


# --- a period's return ------------------------------------------------------------------------------------


def _rate_key(rate: Decimal) -> Decimal:
    return rate.normalize()


@dataclass
class RateLine:
    rate: Decimal
    base: Decimal = ZERO
    vat: Decimal = ZERO

    @property
    def ca3_line(self) -> str:
        key = _rate_key(self.rate)
        if key in CA3_RATE_LINES:
            return CA3_RATE_LINES[key][0]
        return "13" if key in FORMER_RATES else "14"


@dataclass
class Ca3Line:
    code: str
    label: str
    base: Decimal | None = None
    tax: Decimal | None = None

    @property
    def base_euros(self) -> Decimal | None:
        return None if self.base is None else self.base.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def tax_euros(self) -> Decimal | None:
        return None if self.tax is None else self.tax.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class VatReturn:
    period: Period
    collected: Decimal
    deductible_fixed_assets: Decimal
    deductible_other: Decimal
    rates: list[RateLine] = field(default_factory=list)
    unallocated: Decimal = ZERO

    @property
    def deductible(self) -> Decimal:
        return self.deductible_fixed_assets + self.deductible_other

    @property
    def net(self) -> Decimal:
        """Positive: VAT to pay; negative: a credit."""
        return self.collected - self.deductible

    @property
    def net_due(self) -> Decimal:
        return self.net if self.net > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.net if self.net < 0 else ZERO

    @property
    def taxable_base(self) -> Decimal:
        return sum((line.base for line in self.rates), ZERO)

    def ca3_lines(self) -> list[Ca3Line]:
        """The lines of the 3310-CA3 this period fills, in the form's order."""
        lines = [Ca3Line("A1", _("Ventes, prestations de services (HT)"), base=self.taxable_base)]
        grouped: dict[str, Ca3Line] = {}
        for rate in self.rates:
            code = rate.ca3_line
            if code in grouped:
                grouped[code].base += rate.base
                grouped[code].tax += rate.vat
                continue
            key = _rate_key(rate.rate)
            if key in CA3_RATE_LINES:
                label = str(CA3_RATE_LINES[key][1])
            elif code == "13":
                label = _("Anciens taux (%(rate)s %%)") % {"rate": f"{key:f}".replace(".", ",")}
            else:
                label = _("Taux particulier %(rate)s %% (annexe 3310-A)") % {
                    "rate": f"{key:f}".replace(".", ",")
                }
            grouped[code] = Ca3Line(code, label, base=rate.base, tax=rate.vat)
        order = ["08", "09", "9B", "13", "14"]
        lines += [grouped[code] for code in order if code in grouped]
        lines.append(Ca3Line("16", _("Total de la TVA brute due"), tax=self.collected))
        if self.deductible_fixed_assets:
            lines.append(
                Ca3Line("19", _("TVA déductible sur immobilisations"), tax=self.deductible_fixed_assets)
            )
        lines.append(
            Ca3Line("20", _("TVA déductible sur autres biens et services"), tax=self.deductible_other)
        )
        lines.append(Ca3Line("23", _("Total TVA déductible"), tax=self.deductible))
        if self.net < 0:
            lines.append(Ca3Line("25", _("Crédit de TVA (ligne 23 − ligne 16)"), tax=self.credit))
        else:
            lines.append(Ca3Line("28", _("TVA nette due (ligne 16 − ligne 23)"), tax=self.net_due))
        return lines


def _sum(expression) -> Coalesce:
    return Coalesce(Sum(expression, output_field=_AMOUNT), Value(ZERO), output_field=_AMOUNT)


def _ledger_totals(start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    """Collected (44571), deductible on fixed assets (44562) and other deductible (4456* but 44567) VAT of
    the lines dated in the period, in one aggregate over the 445 accounts."""
    lines = EntryLine.objects.filter(date__gte=start, date__lte=end, account__code__startswith="445")
    other_deductible = Q(account__code__startswith="4456") & ~Q(
        account_id__in=[FIXED_ASSETS_VAT, CARRIED_CREDIT]
    )
    return lines.aggregate(
        collected=_sum(
            Case(When(account_id=chart.VAT_COLLECTED, then=F("credit") - F("debit")), default=Value(ZERO))
        ),
        fixed=_sum(
            Case(When(account_id=FIXED_ASSETS_VAT, then=F("debit") - F("credit")), default=Value(ZERO))
        ),
        other=_sum(Case(When(other_deductible, then=F("debit") - F("credit")), default=Value(ZERO))),
    )


def _spread(breakdown: list[tuple[Decimal, Decimal, Decimal]], moved: Decimal, vat_share, base_share):
    """``(rate, base, VAT)`` of an entry that moved ``moved`` of an invoice's VAT: each rate's VAT in
    proportion ``vat_share`` (the last rate taking the rounding remainder, so that the rates add up to what
    the ledger moved) and its base in proportion ``base_share``."""
    taxed = [(rate, base, vat) for rate, base, vat in breakdown if vat]
    result, allocated = [], ZERO
    for index, (rate, base, vat) in enumerate(taxed):
        part = moved - allocated if index == len(taxed) - 1 else round_cents(vat * vat_share)
        allocated += part
        result.append((rate, round_cents(base * base_share), part))
    return result


def vat_return(period: Period) -> VatReturn:
    """The period's VAT from the ledger, with bases by rate derived from the invoices (three queries).

    An entry's share of its invoice: what it moved on 44571 over the invoice's VAT; for a payment (or its
    cancellation) the bases take the payment's share of the invoice's total incl. VAT instead, which the
    VAT share only approximates (it was rounded to the cent).
    """
    totals = _ledger_totals(period.start, period.end)
    vat_line = Q(account_id=chart.VAT_COLLECTED)
    customer_line = Q(account_id=chart.CUSTOMERS)
    moves = [
        row
        for row in EntryLine.objects.filter(
            vat_line | customer_line, date__gte=period.start, date__lte=period.end
        )
        .order_by()
        .values("entry_id", "entry__invoice_id", "entry__payment_id")
        .annotate(
            moved=_sum(Case(When(vat_line, then=F("credit") - F("debit")), default=Value(ZERO))),
            paid=_sum(Case(When(customer_line, then=F("credit") - F("debit")), default=Value(ZERO))),
        )
        if row["moved"]
    ]
    invoice_ids = {row["entry__invoice_id"] for row in moves if row["entry__invoice_id"]}
    invoices = {
        pk: (breakdown, total_vat, total_ttc)
        for pk, breakdown, total_vat, total_ttc in Invoice.objects.filter(pk__in=invoice_ids).values_list(
            "pk", "vat_breakdown", "total_vat", "total_ttc"
        )
    }
    rates: dict[Decimal, RateLine] = {}
    unallocated = ZERO
    for row in moves:
        moved = row["moved"]
        breakdown, total_vat, total_ttc = invoices.get(row["entry__invoice_id"]) or (None, ZERO, ZERO)
        spread = []
        if breakdown and total_vat:
            vat_share = moved / total_vat
            base_share = row["paid"] / total_ttc if row["entry__payment_id"] and total_ttc else vat_share
            lines = [(Decimal(v["rate"]), Decimal(v["base"]), Decimal(v["vat"])) for v in breakdown]
            spread = _spread(lines, moved, vat_share, base_share)
        if not spread:
            unallocated += moved
            continue
        for rate, base, vat in spread:
            line = rates.setdefault(_rate_key(rate), RateLine(rate=rate))
            line.base += base
            line.vat += vat
    return VatReturn(
        period=period,
        collected=totals["collected"],
        deductible_fixed_assets=totals["fixed"],
        deductible_other=totals["other"],
        rates=sorted(rates.values(), key=lambda line: -line.rate),
        unallocated=unallocated,
    )


@dataclass
class PeriodTotals:
    period: Period
    collected: Decimal = ZERO
    deductible: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.collected - self.deductible


def year_overview(year: int, kind: str) -> list[PeriodTotals]:
    """Collected, deductible and net of each month or quarter of ``year`` (one grouped query)."""
    rows = (
        EntryLine.objects.filter(
            date__gte=datetime.date(year, 1, 1),
            date__lte=datetime.date(year, 12, 31),
            account__code__startswith="445",
        )
        .order_by()
        .annotate(month=ExtractMonth("date"))
        .values("month", "account_id")
        .annotate(debit=_sum("debit"), credit=_sum("credit"))
    )
    periods = {period.number: PeriodTotals(period) for period in periods_of_year(year, kind)}
    for row in rows:
        number = row["month"] if kind == "month" else (row["month"] - 1) // 3 + 1
        totals = periods[number]
        account = row["account_id"]
        if account == chart.VAT_COLLECTED:
            totals.collected += row["credit"] - row["debit"]
        elif account.startswith("4456") and account != CARRIED_CREDIT:
            totals.deductible += row["debit"] - row["credit"]
    return list(periods.values())


# --- the annual report ------------------------------------------------------------------------------------


def vat_net(year: int) -> Decimal:
    """Σ over the lines dated in ``year`` of (credit − debit on 4457*) − Σ (debit − credit on 4456*); the
    opening entries (à-nouveaux) are left out: they carry earlier years' balances, not the year's VAT."""
    lines = EntryLine.objects.filter(
        date__gte=datetime.date(year, 1, 1),
        date__lte=datetime.date(year, 12, 31),
        account__code__startswith="445",
    ).exclude(journal_id=OPENING_JOURNAL)
    totals = lines.aggregate(
        collected=_sum(
            Case(When(account__code__startswith="4457", then=F("credit") - F("debit")), default=Value(ZERO))
        ),
        deductible=_sum(
            Case(When(account__code__startswith="4456", then=F("debit") - F("credit")), default=Value(ZERO))
        ),
    )
    return round_cents(totals["collected"] - totals["deductible"])
