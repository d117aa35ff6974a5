"""Back-office pages of trainings: catalogue, sessions with registrations and attendance, printed
sheets and certificates, funding requests, programmes, the year summary."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from coodyssee.errors import DomainError
from coodyssee.permissions import has_perm, permission
from coodyssee.selectors import audit_history_for
from formation import pdf, selectors, services
from formation.filters import FundingRequestFilter, SessionFilter
from formation.forms import (
    FundingRequestForm,
    ProgrammeForm,
    RegistrationForm,
    SessionForm,
    SessionStatusForm,
    TrainingTypeForm,
    parse_attendance,
)
from formation.models import FundingRequest, SessionStatus, TrainingProgramme, TrainingType
from formation.tables import (
    FundingRequestLinkedTable,
    FundingRequestTable,
    SessionTable,
    TrainingTypeLinkedTable,
    TrainingTypeTable,
)

PER_PAGE = 50


# --- sessions ----------------------------------------------------------------------------------


@permission("training.view")
def session_list(request):
    today = timezone.localdate()
    data = request.GET.copy()
    if not data:
        data["period"] = "upcoming"  # what the team prepares; "Toutes" lists the history
    sessions = SessionFilter(
        data, queryset=selectors.sessions_with_counts().order_by("-date", "-start_time", "-ref"), today=today
    )
    table = SessionTable(sessions.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "formation/session_list.html",
        {"filter": sessions, "table": table, "can_manage": has_perm(request.user, "training.manage")},
    )


@permission("training.manage")
def session_create(request):
    form = SessionForm(request.POST or None, initial=SessionForm.initial_new(timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(**form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Session %(ref)s créée.") % {"ref": session.ref})
            return redirect("backoffice:training_session", pk=session.pk)
    return render(request, "formation/session_form.html", {"form": form})


@permission("training.manage")
def session_edit(request, pk):
    session = selectors.access_session(request.user, pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(session=session, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Session enregistrée."))
            return redirect("backoffice:training_session", pk=session.pk)
    return render(request, "formation/session_form.html", {"form": form, "session": session})


def _session_page(request, session, *, registration_form=None, status=200):
    roster = selectors.session_roster(session)
    can_manage = has_perm(request.user, "training.manage")
    today = timezone.localdate()
    half_days = session.half_days
    columns = [
        {"half_day": half_day, "editable": can_manage and half_day.day <= today} for half_day in half_days
    ]
    rows = [
        {
            "registration": registration,
            "cells": [
                {
                    "key": column["half_day"].key,
                    "editable": column["editable"],
                    "present": roster.presence.get((registration.pk, column["half_day"].key)),
                }
                for column in columns
            ],
        }
        for registration in roster.registered
    ]
    context = {
        "session": session,
        "roster": roster,
        "seats_left": selectors.seats_left(session),
        "columns": columns,
        "attendance_rows": rows,
        "can_record_attendance": can_manage and any(column["editable"] for column in columns) and rows,
        "can_manage": can_manage,
        "registration_form": registration_form
        or (
            RegistrationForm(session=session)
            if can_manage and session.status != SessionStatus.CANCELLED
            else None
        ),
        "status_form": SessionStatusForm(initial={"status": session.status}) if can_manage else None,
        "certificates_ready": any(registration.attended_hours > 0 for registration in roster.registered),
        "history": audit_history_for(session) if has_perm(request.user, "audit.view") else None,
        "today": today,
    }
    return render(request, "formation/session_detail.html", context, status=status)


@permission("training.view")
def session_detail(request, pk):
    return _session_page(request, selectors.access_session(request.user, pk))


@require_POST
@permission("training.manage")
def session_status(request, pk):
    session = selectors.access_session(request.user, pk)
    form = SessionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.session_set_status(session=session, status=form.cleaned_data["status"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("État de la session mis à jour."))
    return redirect("backoffice:training_session", pk=session.pk)


@require_POST
@permission("training.manage")
def session_register(request, pk):
    session = selectors.access_session(request.user, pk)
    form = RegistrationForm(request.POST, session=session)
    if form.is_valid():
        try:
            registration = services.registration_register(
                session=session,
                entrepreneur=form.cleaned_data["entrepreneur"],
                by=request.user,
                waiting_list=form.cleaned_data["waiting_list"],
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            if registration.status == "waiting":
                messages.warning(
                    request,
                    _("Session complète : %(name)s est sur la liste d'attente.")
                    % {"name": registration.entrepreneur},
                )
            else:
                messages.success(request, _("%(name)s est inscrit·e.") % {"name": registration.entrepreneur})
            return redirect("backoffice:training_session", pk=session.pk)
    return _session_page(request, session, registration_form=form, status=400)


@require_POST
@permission("training.manage")
def session_attendance(request, pk):
    session = selectors.access_session(request.user, pk)
    try:
        marks = parse_attendance(request.POST)
        changed = services.attendance_record(session=session, marks=marks, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Présences enregistrées (%(count)s case modifiée).",
                "Présences enregistrées (%(count)s cases modifiées).",
                changed,
            )
            % {"count": changed},
        )
    return redirect(f"{reverse('backoffice:training_session', args=[session.pk])}#presences")


@permission("training.view")
def session_sheet_pdf(request, pk):
    session = selectors.access_session(request.user, pk)
    roster = selectors.session_roster(session)
    return pdf.response(pdf.attendance_sheet(session, roster.registered), f"emargement-{session.ref}.pdf")


@permission("training.view")
def session_certificates_pdf(request, pk):
    session = selectors.access_session(request.user, pk)
    attended = [r for r in selectors.session_roster(session).registered if r.attended_hours > 0]
    if not attended:
        messages.warning(request, _("Aucune présence n'est enregistrée : pas d'attestation à imprimer."))
        return redirect("backoffice:training_session", pk=session.pk)
    return pdf.response(pdf.certificates(attended), f"attestations-{session.ref}.pdf")


@require_POST
@permission("training.manage")
def registration_cancel(request, pk):
    registration = selectors.access_registration(request.user, pk)
    try:
        promoted = services.registration_cancel(registration=registration, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Inscription de %(name)s annulée.") % {"name": registration.entrepreneur})
        for other in promoted:
            messages.info(
                request,
                _("%(name)s passe de la liste d'attente à la session (prévenu·e par e-mail).")
                % {"name": other.entrepreneur},
            )
    return redirect("backoffice:training_session", pk=registration.session_id)


@permission("training.view")
def registration_certificate_pdf(request, pk):
    registration = selectors.access_registration(request.user, pk)
    registration.attended_hours = selectors.attended_hours_of(registration)
    if registration.attended_hours <= 0:
        messages.warning(request, _("Aucune présence n'est enregistrée pour cette personne."))
        return redirect("backoffice:training_session", pk=registration.session_id)
    return pdf.response(
        pdf.certificates([registration]),
        f"attestation-{registration.session.ref}-{registration.entrepreneur_id}.pdf",
    )


# --- catalogue ---------------------------------------------------------------------------------


@permission("training.view")
def training_type_list(request):
    types = TrainingType.objects.annotate(session_count=Count("sessions")).order_by("-is_active", "name")
    can_manage = has_perm(request.user, "training.manage")
    table = (TrainingTypeLinkedTable if can_manage else TrainingTypeTable)(types)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "formation/training_type_list.html", {"table": table, "can_manage": can_manage})


@permission("training.manage")
def training_type_edit(request, pk=None):
    training_type = get_object_or_404(TrainingType, pk=pk) if pk else None
    initial = TrainingTypeForm.initial_for(training_type) if training_type else {"is_active": True}
    form = TrainingTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_type_save(training_type=training_type, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Catalogue enregistré."))
            return redirect("backoffice:training_types")
    return render(
        request,
        "formation/training_type_form.html",
        {
            "form": form,
            "training_type": training_type,
            "history": audit_history_for(training_type) if training_type else None,
        },
    )


# --- funding requests --------------------------------------------------------------------------


@permission("training.view")
def funding_list(request):
    requests = FundingRequestFilter(
        request.GET or None, queryset=FundingRequest.objects.order_by("-requested_on", "-id")
    )
    can_manage = has_perm(request.user, "training.manage")
    table = (FundingRequestLinkedTable if can_manage else FundingRequestTable)(requests.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request, "formation/funding_list.html", {"filter": requests, "table": table, "can_manage": can_manage}
    )


@permission("training.manage")
def funding_edit(request, pk=None):
    funding_request = get_object_or_404(FundingRequest, pk=pk) if pk else None
    initial = (
        FundingRequestForm.initial_for(funding_request)
        if funding_request
        else {"requested_on": timezone.localdate(), "funder_kind": "opco", "status": "requested"}
    )
    form = FundingRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_request_save(funding_request=funding_request, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Demande de financement enregistrée."))
            return redirect("backoffice:training_funding")
    return render(
        request,
        "formation/funding_form.html",
        {
            "form": form,
            "funding_request": funding_request,
            "history": audit_history_for(funding_request) if funding_request else None,
        },
    )


# --- programmes --------------------------------------------------------------------------------


@permission("training.view")
def programme_list(request):
    programmes = (
        TrainingProgramme.objects.prefetch_related("commitments")
        .annotate(session_count=Count("sessions"))
        .order_by("-year", "name")
    )
    return render(
        request,
        "formation/programme_list.html",
        {"programmes": programmes, "can_manage": has_perm(request.user, "training.manage")},
    )


@permission("training.manage")
def programme_edit(request, pk=None):
    programme = get_object_or_404(TrainingProgramme, pk=pk) if pk else None
    initial = ProgrammeForm.initial_for(programme) if programme else {"year": timezone.localdate().year}
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_save(programme=programme, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Programme enregistré."))
            return redirect("backoffice:training_programmes")
    return render(
        request,
        "formation/programme_form.html",
        {
            "form": form,
            "programme": programme,
            "sessions": selectors.sessions_with_counts().filter(programme=programme).order_by("date")
            if programme
            else [],
            "history": audit_history_for(programme) if programme else None,
        },
    )


# --- year summary ------------------------------------------------------------------------------


def _summary_csv(summary) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="formations-{summary.year}.csv"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read the accents right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        ["Date", "Type", "Résumé", "Lieu", "Nb inscrits", "Heures de formation", "Heures de présence"]
    )
    for row in summary.rows:
        writer.writerow(
            [
                row.session.date.strftime("%d/%m/%Y"),
                row.session.training_type.name,
                row.session.title,
                row.session.place,
                row.registered,
                str(row.participant_hours.normalize()).replace(".", ","),
                str(row.attended_hours.normalize()).replace(".", ","),
            ]
        )
    writer.writerow(
        [
            "Total",
            "",
            "",
            "",
            summary.total.trainees,
            str(summary.total.participant_hours.normalize()).replace(".", ","),
            str(summary.total.attended_hours.normalize()).replace(".", ","),
        ]
    )
    return response


@permission("training.view")
def year_summary(request, year=None):
    year = year or timezone.localdate().year
    if not 1900 <= year <= 2999:
        raise Http404
    summary = selectors.year_summary(year)
    if request.GET.get("format") == "csv":
        return _summary_csv(summary)
    years = selectors.training_years()
    if year not in years:
        years = sorted([*years, year], reverse=True)
    return render(request, "formation/year_summary.html", {"summary": summary, "year": year, "years": years})
