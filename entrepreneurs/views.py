"""Back-office pages of the journey: entrepreneurs, their record, appointments, information sessions."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from coodyssee.errors import DomainError
from coodyssee.permissions import has_perm, permission
from coodyssee.selectors import audit_history_for
from entrepreneurs import selectors, services
from entrepreneurs.filters import AppointmentFilter, EntrepreneurFilter, InfoSessionFilter
from entrepreneurs.forms import (
    STEP_FORMS,
    AppointmentDoneForm,
    AppointmentForm,
    EntrepreneurForm,
    InfoSessionForm,
    available_steps,
)
from entrepreneurs.models import Appointment, InfoSession
from entrepreneurs.tables import AppointmentTable, EntrepreneurTable, InfoSessionLinkedTable, InfoSessionTable
from formation.selectors import training_history_for

PER_PAGE = 50


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read the accents right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _csv_query(data) -> str:
    query = data.copy()
    query["format"] = "csv"
    return query.urlencode()


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- entrepreneurs ----------------------------------------------------------------------------


@permission("entrepreneurs.view")
def entrepreneur_list(request):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = "present"  # the people the team follows today; "Toutes" lists everyone
    people = EntrepreneurFilter(data, queryset=selectors.entrepreneurs_for(request.user))
    if request.GET.get("format") == "csv":
        return _csv_response(
            "entrepreneurs.csv",
            [
                "Référence",
                "Nom",
                "Prénom",
                "E-mail",
                "Situation",
                "Territoire",
                "Référent·e",
                "RSA",
                "Entrée",
                "Signature CESA",
                "Limite associé·e",
                "Sortie",
            ],
            (
                [
                    p.ref,
                    p.last_name,
                    p.first_name,
                    p.email,
                    p.get_status_display(),
                    p.territory or "",
                    p.referent.get_full_name() if p.referent else "",
                    "oui" if p.rsa_beneficiary else "non",
                    _date(p.entry_date),
                    _date(p.cesa_date),
                    _date(p.associate_deadline),
                    _date(p.exit_date),
                ]
                for p in people.qs.order_by("last_name", "first_name")
            ),
        )
    table = EntrepreneurTable(people.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "entrepreneurs/entrepreneur_list.html",
        {
            "filter": people,
            "table": table,
            "csv_query": _csv_query(data),
            "can_edit": has_perm(request.user, "entrepreneurs.edit"),
        },
    )


@permission("entrepreneurs.edit")
def entrepreneur_create(request):
    form = EntrepreneurForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            entrepreneur = services.entrepreneur_create(**form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Fiche de %(name)s créée.") % {"name": entrepreneur})
            return redirect("backoffice:entrepreneur", pk=entrepreneur.pk)
    return render(request, "entrepreneurs/entrepreneur_form.html", {"form": form, "creating": True})


@permission("entrepreneurs.edit")
def entrepreneur_edit(request, pk):
    entrepreneur = selectors.access_entrepreneur(request.user, pk)
    form = EntrepreneurForm(request.POST or None, initial=EntrepreneurForm.initial_for(entrepreneur))
    if request.method == "POST" and form.is_valid():
        try:
            services.entrepreneur_update(
                entrepreneur=entrepreneur, data={name: form.cleaned_data[name] for name in form.changed_data}
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("backoffice:entrepreneur", pk=entrepreneur.pk)
    return render(
        request, "entrepreneurs/entrepreneur_form.html", {"form": form, "entrepreneur": entrepreneur}
    )


def _record_page(request, entrepreneur, *, step_form=None, step_key=None, appointment_form=None, status=200):
    steps = selectors.journey_steps_for(entrepreneur)
    can_edit = has_perm(request.user, "entrepreneurs.edit")
    can_meet = has_perm(request.user, "appointments.manage")
    step_forms = []
    if can_edit:
        keys = available_steps(entrepreneur, steps)
        if step_key and step_key not in keys:
            keys.insert(0, step_key)  # a refused step keeps its form on screen, with the error
        for key in keys:
            label, form_class = STEP_FORMS[key]
            form = step_form if key == step_key else form_class(prefix=key)
            step_forms.append({"key": key, "label": label, "form": form, "active": key == step_key})
        if step_forms and not any(item["active"] for item in step_forms):
            step_forms[0]["active"] = True
    today = timezone.localdate()
    appointments = list(selectors.appointments_for(entrepreneur))
    days_to_deadline = (
        (entrepreneur.associate_deadline - today).days if entrepreneur.associate_deadline else None
    )
    context = {
        "entrepreneur": entrepreneur,
        "steps": steps,
        "activities": selectors.activities_for(entrepreneur),
        "appointments": appointments,
        "today": today,
        "days_to_deadline": days_to_deadline,
        "days_overdue": -days_to_deadline if days_to_deadline is not None else None,
        "step_forms": step_forms,
        "can_edit": can_edit,
        "can_meet": can_meet,
        "appointment_form": appointment_form
        or (AppointmentForm(initial={"staff": request.user, "date": today}) if can_meet else None),
        "done_form": AppointmentDoneForm(),
        "training_registrations": training_history_for(entrepreneur),
        "history": audit_history_for(entrepreneur) if has_perm(request.user, "audit.view") else None,
    }
    return render(request, "entrepreneurs/entrepreneur_detail.html", context, status=status)


@permission("entrepreneurs.view")
def entrepreneur_detail(request, pk):
    return _record_page(request, selectors.access_entrepreneur(request.user, pk))


def _record_step(key: str, entrepreneur, data: dict):
    if key == "info_session":
        return services.journey_info_session_record(entrepreneur=entrepreneur, **data)
    if key == "cape":
        return services.journey_cape_start(entrepreneur=entrepreneur, **data)
    if key == "cape_renew":
        return services.journey_cape_renew(entrepreneur=entrepreneur, **data)
    if key == "cesa":
        return services.journey_cesa_sign(entrepreneur=entrepreneur, **data)
    if key == "associate":
        return services.journey_associate_record(entrepreneur=entrepreneur, **data)
    data["reason"] = data.pop("exit_reason")
    return services.journey_exit_record(entrepreneur=entrepreneur, **data)


@require_POST
@permission("entrepreneurs.edit")
def journey_step_record(request, pk, step):
    entrepreneur = selectors.access_entrepreneur(request.user, pk)
    if step not in STEP_FORMS:
        raise Http404
    label, form_class = STEP_FORMS[step]
    form = form_class(request.POST, prefix=step)
    if form.is_valid():
        try:
            _record_step(step, entrepreneur, dict(form.cleaned_data))
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Étape enregistrée : %(step)s.") % {"step": label})
            return redirect("backoffice:entrepreneur", pk=entrepreneur.pk)
    return _record_page(request, entrepreneur, step_form=form, step_key=step, status=400)


@require_POST
@permission("entrepreneurs.edit")
def journey_step_undo(request, pk):
    entrepreneur = selectors.access_entrepreneur(request.user, pk)
    try:
        services.journey_last_step_remove(entrepreneur=entrepreneur)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dernière étape annulée (elle reste dans l'historique)."))
    return redirect("backoffice:entrepreneur", pk=entrepreneur.pk)


# --- appointments -----------------------------------------------------------------------------


@require_POST
@permission("appointments.manage")
def appointment_plan(request, pk):
    entrepreneur = selectors.access_entrepreneur(request.user, pk)
    form = AppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_plan(entrepreneur=entrepreneur, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Rendez-vous enregistré."))
            return redirect("backoffice:entrepreneur", pk=entrepreneur.pk)
    return _record_page(request, entrepreneur, appointment_form=form, status=400)


@require_POST
@permission("appointments.manage")
def appointment_update(request, pk, action):
    appointment = get_object_or_404(
        Appointment.objects.filter(entrepreneur__in=selectors.entrepreneurs_for(request.user)), pk=pk
    )
    try:
        if action == "done":
            form = AppointmentDoneForm(request.POST)
            notes = form.cleaned_data["notes"] if form.is_valid() else None
            services.appointment_complete(appointment=appointment, notes=notes or None)
            messages.success(request, _("Rendez-vous marqué comme réalisé."))
        elif action == "cancel":
            services.appointment_cancel(appointment=appointment)
            messages.success(request, _("Rendez-vous annulé."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("backoffice:entrepreneur", pk=appointment.entrepreneur_id)


@permission("entrepreneurs.view")
def appointment_list(request):
    data = request.GET.copy()
    if not data:
        data["start"] = timezone.localdate().isoformat()
    appointments = AppointmentFilter(
        data,
        queryset=Appointment.objects.filter(entrepreneur__in=selectors.entrepreneurs_for(request.user))
        .select_related("entrepreneur", "staff")
        .order_by("date", "time", "id"),
    )
    if request.GET.get("format") == "csv":
        return _csv_response(
            "rendez-vous.csv",
            ["Date", "Heure", "Entrepreneur·e", "Référence", "Avec", "Type", "État"],
            (
                [
                    _date(a.date),
                    a.time.strftime("%H:%M") if a.time else "",
                    str(a.entrepreneur),
                    a.entrepreneur.ref,
                    a.staff.get_full_name() if a.staff else "",
                    a.get_kind_display(),
                    a.get_status_display(),
                ]
                for a in appointments.qs
            ),
        )
    table = AppointmentTable(appointments.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "entrepreneurs/appointment_list.html",
        {"filter": appointments, "table": table, "csv_query": _csv_query(data)},
    )


# --- information sessions ---------------------------------------------------------------------


@permission("info_sessions.view")
def info_session_list(request):
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(timezone.localdate().year)
    sessions = InfoSessionFilter(data, queryset=InfoSession.objects.order_by("-date", "place"))
    if request.GET.get("format") == "csv":
        return _csv_response(
            "informations-collectives.csv",
            ["Date", "Type", "Lieu", "Inscrites", "Reçues"],
            ([_date(s.date), s.get_kind_display(), s.place, s.registered, s.attended] for s in sessions.qs),
        )
    can_manage = has_perm(request.user, "info_sessions.manage")
    table = (InfoSessionLinkedTable if can_manage else InfoSessionTable)(sessions.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    totals = sessions.qs.aggregate(registered=Sum("registered"), attended=Sum("attended"))
    return render(
        request,
        "entrepreneurs/info_session_list.html",
        {
            "filter": sessions,
            "table": table,
            "totals": totals,
            "count": table.paginator.count,
            "csv_query": _csv_query(data),
            "can_manage": can_manage,
        },
    )


@permission("info_sessions.manage")
def info_session_edit(request, pk=None):
    session = get_object_or_404(InfoSession, pk=pk) if pk else None
    initial = (
        {name: getattr(session, name) for name in InfoSessionForm.base_fields}
        if session
        else {"date": timezone.localdate()}
    )
    form = InfoSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.info_session_save(info_session=session, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Information collective enregistrée."))
            year = form.cleaned_data["date"].year
            return redirect(f"{reverse('backoffice:info_sessions')}?year={year}")
    return render(
        request,
        "entrepreneurs/info_session_form.html",
        {"form": form, "session": session, "history": audit_history_for(session) if session else None},
    )
