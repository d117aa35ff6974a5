"""The accountant's ledger pages (back-office): journals and entries, an entry with its reversal, manual
entries, the general ledger of an account, the trial balance, the chart of accounts, the closing date, the
contribution rules, the VAT return helper and the FEC.

Views read through ``comptabilite.ledger.books`` / ``comptabilite.vat`` (a fixed number of queries per
page) and write through ``comptabilite.services.ledger``; a refused write comes back as a ``DomainError``
shown on the form, nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from comptabilite import fec, vat
from comptabilite.forms_ledger import (
    AccountCreateForm,
    AccountEditForm,
    ClosingForm,
    ContributionRuleForm,
    EntryFilterForm,
    EntryForm,
    EntryLineFormSet,
    GeneralLedgerForm,
    ReverseForm,
    RuleEndForm,
    TrialBalanceForm,
    VatPeriodForm,
)
from comptabilite.ledger import books
from comptabilite.ledger.opening import openable_year
from comptabilite.models import Account, AnalyticSection, ContributionRule, Entry, EntryCounter
from comptabilite.services import ledger as services
from comptabilite.tables_ledger import AccountTable, ContributionRuleTable, EntryTable
from comptabilite.views._common import PER_PAGE, csv_amount, csv_query, csv_response
from coodyssee.errors import DomainError
from coodyssee.permissions import has_perm, permission
from coodyssee.selectors import cooperative_current

LINES_PREFIX = "lines"
LEDGER_PER_PAGE = 100


def _attach(error: DomainError, form) -> None:
    error.attach_to(form)


# --- journals and entries ---------------------------------------------------------------------------------


@permission("ledger.view")
def journal_list(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    years = sorted(set(EntryCounter.objects.values_list("year", flat=True)) | {today.year}, reverse=True)
    return render(
        request,
        "comptabilite/ledger/journal_list.html",
        {"year": year, "years": years, "journals": books.journals_of_year(year)},
    )


@permission("ledger.view")
def entry_list(request):
    form = EntryFilterForm(request.GET or None)
    table = EntryTable(books.entries(**form.values()) if form.is_bound else books.entries())
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/ledger/entry_list.html",
        {"filter": {"form": form}, "table": table, "can_post": has_perm(request.user, "ledger.post")},
    )


def _source_link(entry: Entry) -> tuple[str, str | None] | None:
    """What the entry records, as ``(label, url)``: the invoice (or the invoice a payment settles), the
    expense, or nothing for a manual entry."""
    if entry.invoice_id:
        if entry.payment_id:
            label = _("Règlement de la facture %(number)s") % {"number": entry.invoice.number}
        else:
            label = str(entry.invoice)
        return label, reverse("backoffice:invoice", args=[entry.invoice_id])
    if entry.expense_id:
        try:
            url = reverse("backoffice:expense", args=[entry.expense_id])
        except NoReverseMatch:
            url = None
        return str(entry.expense), url
    return None


@permission("ledger.view")
def entry_detail(request, pk):
    try:
        entry = books.entry_detail(pk)
    except Entry.DoesNotExist:
        raise Http404 from None
    lines = books.entry_lines(entry)
    can_reverse = (
        has_perm(request.user, "ledger.post")
        and entry.reversal_of_id is None
        and entry.reversed_by_pk is None
        and not services.records_a_document(entry)
    )
    return render(
        request,
        "comptabilite/ledger/entry_detail.html",
        {
            "entry": entry,
            "lines": lines,
            "debit": sum((line.debit for line in lines), 0),
            "credit": sum((line.credit for line in lines), 0),
            "source": _source_link(entry),
            "reverse_form": ReverseForm() if can_reverse else None,
            "document_entry": services.records_a_document(entry),
        },
    )


@require_POST
@permission("ledger.post")
def entry_reverse(request, pk):
    entry = get_object_or_404(Entry.objects.select_related("journal"), pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.entry_reverse(by=request.user, entry=entry, date=form.cleaned_data["date"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Écriture %(number)s contre-passée par %(reversal)s.")
                % {"number": entry.fec_number, "reversal": reversal.fec_number},
            )
            return redirect("backoffice:ledger_entry", pk=reversal.pk)
    else:
        messages.error(request, _("Indiquez une date valide pour la contre-passation."))
    return redirect("backoffice:ledger_entry", pk=entry.pk)


def _datalists() -> dict:
    return {
        "accounts": list(
            Account.objects.filter(is_active=True).order_by("code").values_list("code", "label")
        ),
        "sections": list(AnalyticSection.objects.order_by("code").values_list("code", "name")),
    }


@permission("ledger.post")
def entry_create(request):
    form = EntryForm(request.POST or None)
    lines = EntryLineFormSet(request.POST or None, prefix=LINES_PREFIX)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            entry = services.manual_entry_post(by=request.user, lines=lines.lines(), **form.cleaned_data)
        except DomainError as error:
            if error.field in form.fields:
                _attach(error, form)
            else:
                lines.non_form_errors().append(error.message)
        else:
            messages.success(request, _("Écriture %(number)s enregistrée.") % {"number": entry.fec_number})
            return redirect("backoffice:ledger_entry", pk=entry.pk)
    return render(
        request, "comptabilite/ledger/entry_form.html", {"form": form, "lines": lines, **_datalists()}
    )


# --- general ledger and trial balance ---------------------------------------------------------------------


@permission("ledger.view")
def account_ledger(request):
    form = GeneralLedgerForm(request.GET or None)
    start, end = form.period()
    account = form.cleaned_data.get("account") if form.is_valid() else None
    context = {"form": form, "start": start, "end": end, "ledger": None}
    if account is not None:
        try:
            page = int(request.GET.get("page") or 1)
        except ValueError:
            page = 1
        context["ledger"] = books.account_ledger(
            account, start=start, end=end, section=form.section_id(), page=page, per_page=LEDGER_PER_PAGE
        )
        query = request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
    return render(request, "comptabilite/ledger/account_ledger.html", context)


@permission("ledger.view")
def trial_balance(request):
    form = TrialBalanceForm(request.GET or None)
    start, end = form.period()
    balance = books.trial_balance(start, end, form.section_id())
    if request.GET.get("format") == "csv":
        return csv_response(
            f"balance-{start:%Y%m%d}-{end:%Y%m%d}.csv",
            ["Compte", "Intitulé", "Débit", "Crédit", "Solde débiteur", "Solde créditeur"],
            (
                [
                    row.code,
                    row.label,
                    csv_amount(row.debit),
                    csv_amount(row.credit),
                    csv_amount(row.debit_balance),
                    csv_amount(row.credit_balance),
                ]
                for row in balance.rows
            ),
        )
    return render(
        request,
        "comptabilite/ledger/trial_balance.html",
        {"form": form, "balance": balance, "csv_query": csv_query(request.GET)},
    )


# --- chart of accounts ------------------------------------------------------------------------------------


@permission("ledger.view")
def chart(request):
    can_edit = has_perm(request.user, "ledger.settings")
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("ledger.settings")
        if form.is_valid():
            try:
                account = services.account_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                _attach(error, form)
            else:
                messages.success(request, _("Compte %(account)s ajouté.") % {"account": account})
                return redirect("backoffice:ledger_chart")
    table = AccountTable(books.chart_of_accounts(), exclude=None if can_edit else ("actions",))
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request, "comptabilite/ledger/chart.html", {"table": table, "form": form, "can_edit": can_edit}
    )


@permission("ledger.settings")
def chart_edit(request, code):
    account = get_object_or_404(Account, code=code)
    initial = {"label": account.label, "is_active": account.is_active}
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(by=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            _attach(error, form)
        else:
            messages.success(request, _("Compte %(code)s enregistré.") % {"code": account.code})
            return redirect("backoffice:ledger_chart")
    used = books.chart_of_accounts().filter(code=account.code, used=True).exists()
    return render(
        request, "comptabilite/ledger/chart_edit.html", {"account": account, "form": form, "used": used}
    )


# --- closing ----------------------------------------------------------------------------------------------


@permission("ledger.settings")
def closing(request):
    cooperative = cooperative_current()
    current = cooperative.ledger_closed_until if cooperative else None
    form = ClosingForm(request.POST or None)
    confirm = None
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        try:
            services.check_closing(until, current)
        except DomainError as error:
            _attach(error, form)
        else:
            if not form.cleaned_data["confirm"]:
                confirm = services.closing_impact(until, current)
            else:
                try:
                    services.ledger_close(by=request.user, until=until)
                except DomainError as error:
                    _attach(error, form)
                else:
                    day = until.strftime("%d/%m/%Y")
                    messages.success(request, _("Comptabilité clôturée jusqu'au %(date)s.") % {"date": day})
                    return redirect("backoffice:ledger_closing")
    openings = Entry.objects.filter(source="opening").order_by("-year")
    return render(
        request,
        "comptabilite/ledger/closing.html",
        {
            "form": form,
            "current": current,
            "confirm": confirm,
            "today": timezone.localdate(),
            "openable": openable_year(),
            "openings": list(openings.only("pk", "year", "journal_id", "number", "posted_at")[:5]),
        },
    )


@require_POST
@permission("ledger.settings")
def opening(request):
    """Post the opening entries (à-nouveaux) of the year given (the one after the last closed year)."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    try:
        entry = services.ledger_open_year(by=request.user, year=year)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        lines = entry.lines.count()
        messages.success(
            request,
            _("À-nouveaux %(year)s passés : écriture %(number)s, %(lines)s lignes.")
            % {"year": year, "number": entry.fec_number, "lines": lines},
        )
    return redirect("backoffice:ledger_closing")


# --- contribution rules -----------------------------------------------------------------------------------


@permission("ledger.view")
def rule_list(request):
    can_edit = has_perm(request.user, "ledger.settings")
    form = ContributionRuleForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("ledger.settings")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contribution_rule_create(
                    by=request.user,
                    activity=data["activity"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    rate=data["rate"],
                    fixed_monthly=data["fixed_monthly"] or 0,
                    note=data["note"],
                )
            except DomainError as error:
                _attach(error, form)
            else:
                messages.success(request, _("Règle de contribution enregistrée."))
                return redirect("backoffice:ledger_rules")
    rules = ContributionRule.objects.select_related("activity")
    search = request.GET.get("q", "").strip()
    for word in search.split():
        rules = rules.filter(Q(activity__code__icontains=word) | Q(activity__name__icontains=word))
    rules = rules.order_by(F("activity__code").asc(nulls_first=True), "-starts_on", "-pk")
    table = ContributionRuleTable(rules, can_edit=can_edit)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    cooperative = cooperative_current()
    return render(
        request,
        "comptabilite/ledger/rules.html",
        {
            "table": table,
            "form": form,
            "can_edit": can_edit,
            "search": search,
            "default_rate": cooperative.default_contribution_rate if cooperative else None,
            "show_form": request.method == "POST",
        },
    )


@permission("ledger.settings")
def rule_end(request, pk):
    rule = get_object_or_404(ContributionRule.objects.select_related("activity"), pk=pk)
    form = RuleEndForm(request.POST or None, initial={"ends_on": rule.ends_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_rule_end(by=request.user, rule=rule, ends_on=form.cleaned_data["ends_on"])
        except DomainError as error:
            _attach(error, form)
        else:
            messages.success(request, _("Règle terminée."))
            return redirect("backoffice:ledger_rules")
    return render(request, "comptabilite/ledger/rule_end.html", {"rule": rule, "form": form})


# --- VAT --------------------------------------------------------------------------------------------------


@permission("vat.view")
def vat_page(request):
    cooperative = cooperative_current()
    kind = cooperative.vat_period if cooperative else "month"
    can_edit = has_perm(request.user, "ledger.settings")
    settings_form = VatPeriodForm(request.POST or None, initial={"period": kind})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("ledger.settings")
        if settings_form.is_valid():
            try:
                services.vat_period_set(by=request.user, period=settings_form.cleaned_data["period"])
            except DomainError as error:
                _attach(error, settings_form)
            else:
                messages.success(request, _("Périodicité des déclarations de TVA enregistrée."))
                return redirect("backoffice:ledger_vat")
    period = vat.parse_period(request.GET.get("period", ""), kind)
    if period is None:
        period = vat.period_of(timezone.localdate(), kind).previous()
    result = vat.vat_return(period)
    return render(
        request,
        "comptabilite/ledger/vat.html",
        {
            "period": period,
            "result": result,
            "ca3": result.ca3_lines(),
            "overview": vat.year_overview(period.year, kind),
            "settings_form": settings_form,
            "can_edit": can_edit,
            "kind": kind,
        },
    )


# --- FEC --------------------------------------------------------------------------------------------------


@permission("ledger.export")
def fec_page(request):
    cooperative = cooperative_current()
    siren = (cooperative.siren or "").strip() if cooperative else ""
    counters: dict[int, int] = {}
    for year, last in EntryCounter.objects.values_list("year", "last"):
        counters[year] = counters.get(year, 0) + last
    years = [
        {"year": year, "entries": entries, "filename": fec.fec_filename(siren, year) if siren else ""}
        for year, entries in sorted(counters.items(), reverse=True)
    ]
    return render(
        request,
        "comptabilite/ledger/fec.html",
        {"years": years, "siren": siren, "siren_ok": len(siren) == 9 and siren.isdigit()},
    )


@permission("ledger.export")
def fec_download(request, year):
    try:
        siren = fec.cooperative_siren()
    except fec.FecError as error:
        messages.error(request, str(error))
        return redirect("backoffice:ledger_fec")
    if not 1900 < year < 2200:
        raise Http404
    export = fec.FecExport(year)
    response = StreamingHttpResponse(export.chunks(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fec.fec_filename(siren, year)}"'
    response["X-Accel-Buffering"] = "no"  # nginx: pass the stream through as it comes
    return response
