"""The entrepreneur's "Mes formations" in the portal: open sessions, register and cancel, history,
certificates. Registrations are looked up among the signed-in person's own (404 for anyone else's)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coodyssee.errors import DomainError
from coodyssee.permissions import permission
from formation import pdf, selectors, services
from formation.models import RegistrationStatus, SessionStatus, TrainingSession


def _entrepreneur(request):
    return getattr(request.user, "entrepreneur", None)


@permission("portal.training")
def portal_trainings(request):
    entrepreneur = _entrepreneur(request)
    if entrepreneur is None:
        return render(request, "formation/portal_trainings.html", {"entrepreneur": None})
    today = timezone.localdate()
    now = timezone.now()
    history = selectors.training_history_for(entrepreneur)
    upcoming = [r for r in history if r.session.end_date >= today]
    past = selectors.TrainingHistory(
        r for r in history if r.session.end_date < today and r.status == RegistrationStatus.REGISTERED
    )
    positions = selectors.waiting_positions(upcoming)
    for registration in upcoming:
        registration.can_cancel = registration.status == RegistrationStatus.WAITING or (
            now < registration.session.cancellation_deadline
        )
        registration.position = positions.get(registration.pk)
    return render(
        request,
        "formation/portal_trainings.html",
        {
            "entrepreneur": entrepreneur,
            "open_sessions": selectors.open_sessions(entrepreneur=entrepreneur, today=today),
            "upcoming": upcoming,
            "past": past,
        },
    )


@require_POST
@permission("portal.training")
def portal_register(request, pk):
    entrepreneur = _entrepreneur(request)
    if entrepreneur is None:
        raise Http404
    # Only sessions offered in the portal exist here: a draft or cancelled session is a 404.
    session = get_object_or_404(
        TrainingSession, pk=pk, status__in=[SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.HELD]
    )
    try:
        registration = services.registration_register(
            session=session, entrepreneur=entrepreneur, by=request.user, self_service=True
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if registration.status == RegistrationStatus.WAITING:
            messages.warning(
                request,
                _(
                    "La session « %(title)s » est complète : vous êtes sur la liste d'attente. "
                    "Si une place se libère, elle vous est attribuée et vous êtes prévenu·e par e-mail."
                )
                % {"title": session.title},
            )
        else:
            messages.success(
                request,
                _("Vous êtes inscrit·e à « %(title)s » le %(date)s.")
                % {"title": session.title, "date": session.date.strftime("%d/%m/%Y")},
            )
    return redirect("portal:trainings")


@require_POST
@permission("portal.training")
def portal_cancel(request, pk):
    registration = selectors.access_own_registration(request.user, pk)
    try:
        services.registration_cancel(registration=registration, by=request.user, self_service=True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Votre inscription à « %(title)s » est annulée.") % {"title": registration.session.title},
        )
    return redirect("portal:trainings")


@permission("portal.training")
def portal_certificate(request, pk):
    registration = selectors.access_own_registration(request.user, pk)
    registration.attended_hours = selectors.attended_hours_of(registration)
    if registration.status != RegistrationStatus.REGISTERED or registration.attended_hours <= 0:
        raise Http404
    return pdf.response(pdf.certificates([registration]), f"attestation-{registration.session.ref}.pdf")
