from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from coodyssee import selectors, services
from coodyssee.accounts import invitation_token_generator
from coodyssee.errors import DomainError
from coodyssee.filters import PeopleFilter
from coodyssee.forms import CooperativeForm, InvitationPasswordForm, PersonInviteForm, PersonRolesForm
from coodyssee.models import User
from coodyssee.permissions import SPACE_HOME_URLS, Role, Space, has_perm, permission, public, user_spaces
from coodyssee.tables import PeopleTable

SPACE_SESSION_KEY = "coodyssee_space"


@permission("account.self")
def home(request):
    """Send a person to the space they used last, else to their first space."""
    spaces = user_spaces(request.user)
    if not spaces:
        return render(request, "coodyssee/no_space.html", status=403)
    preferred = request.session.get(SPACE_SESSION_KEY)
    space = preferred if preferred in spaces else spaces[0]
    return redirect(SPACE_HOME_URLS[space])


@permission("account.self")
def space_switch(request, space):
    if space not in Space.values:
        raise Http404
    if space not in user_spaces(request.user):
        return render(request, "403.html", status=403)
    request.session[SPACE_SESSION_KEY] = space
    return redirect(SPACE_HOME_URLS[space])


@public
def invitation_accept(request, uidb64, token):
    try:
        user = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is None or not invitation_token_generator.check_token(user, token):
        return render(request, "coodyssee/invitation_invalid.html", status=400)
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Votre mot de passe est enregistré : connectez-vous."))
            return redirect("account_login")
    return render(request, "coodyssee/invitation_accept.html", {"form": form, "invited": user})


# --- back-office ------------------------------------------------------------------------------


@permission("backoffice.view")
def backoffice_home(request):
    """The support team's to-do: legal deadlines and follow-up that must not be missed."""
    from entrepreneurs.selectors import staff_todo

    mine = request.GET.get("mine") == "1"
    context = {
        "todo": staff_todo(referent=request.user if mine else None),
        "mine": mine,
        "today": timezone.localdate(),
        "pending_invitations": User.objects.filter(is_active=True, password__startswith="!").count()
        if has_perm(request.user, "people.view")
        else None,
    }
    if has_perm(request.user, "invoicing.view"):
        from comptabilite.selectors import control_queue, overdue_invoices

        # One COUNT query each: documents waiting for control, issued invoices past due.
        context["invoices_to_control"] = control_queue().count()
        context["invoices_overdue"] = overdue_invoices().count()
    if has_perm(request.user, "treasury.view"):
        from comptabilite.treasury import open_alerts

        # The open treasury alerts: a count and the latest few (two queries).
        context["treasury_alerts_count"] = open_alerts().count()
        context["treasury_alerts"] = list(open_alerts()[:8]) if context["treasury_alerts_count"] else []
    return render(request, "coodyssee/backoffice_home.html", context)


@permission("people.view")
def people_list(request):
    people_filter = PeopleFilter(request.GET, queryset=selectors.people_for(request.user))
    table = PeopleTable(people_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    template = "coodyssee/_people_table.html" if request.htmx else "coodyssee/people_list.html"
    return render(
        request,
        template,
        {"filter": people_filter, "table": table, "can_invite": has_perm(request.user, "people.invite")},
    )


@permission("people.view")
def person_detail(request, pk):
    person = selectors.access_person(request.user, pk)
    return render(
        request,
        "coodyssee/person_detail.html",
        {
            "person": person,
            "roles": [Role(role).label for role in sorted(person.roles)],
            "roles_form": PersonRolesForm(initial={"roles": sorted(person.roles)}),
            "can_manage_roles": has_perm(request.user, "people.manage_roles"),
            "can_invite": has_perm(request.user, "people.invite"),
            "history": selectors.audit_history_for(person) if has_perm(request.user, "audit.view") else None,
        },
    )


@permission("people.invite")
def person_invite(request):
    form = PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(
                invited_by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": person.email})
            return redirect(person)
    return render(request, "coodyssee/person_invite.html", {"form": form})


@require_POST
@permission("people.invite")
def person_invitation_resend(request, pk):
    person = selectors.access_person(request.user, pk)
    try:
        services.person_invitation_resend(
            user=person, invited_by=request.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation renvoyée à %(email)s.") % {"email": person.email})
    return redirect(person)


@require_POST
@permission("people.manage_roles")
def person_roles(request, pk):
    person = selectors.access_person(request.user, pk)
    form = PersonRolesForm(request.POST)
    if form.is_valid():
        try:
            services.person_roles_set(user=person, roles=set(form.cleaned_data["roles"]))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Rôles mis à jour."))
    return redirect(person)


@permission("cooperative.edit")
def cooperative_edit(request):
    cooperative = services.cooperative_get()
    form = CooperativeForm(request.POST or None, request.FILES or None, instance=cooperative)
    if request.method == "POST" and form.is_valid():
        services.cooperative_update(
            cooperative=cooperative, data={name: form.cleaned_data[name] for name in form.changed_data}
        )
        messages.success(request, _("Informations de la coopérative enregistrées."))
        return redirect("backoffice:cooperative")
    return render(
        request,
        "coodyssee/cooperative_edit.html",
        {"form": form, "history": selectors.audit_history_for(cooperative)},
    )


# --- portal and associates' space --------------------------------------------------------------


@permission("portal.view")
def portal_home(request):
    context = {"entrepreneur": getattr(request.user, "entrepreneur", None)}
    if has_perm(request.user, "portal.invoicing"):
        from comptabilite.models import InvoiceStatus
        from comptabilite.selectors import invoices_for, unpaid_for_entrepreneur

        context["unpaid_invoices"] = list(unpaid_for_entrepreneur(request.user)[:6])
        context["returned_drafts"] = list(
            invoices_for(request.user, status=InvoiceStatus.DRAFT).exclude(return_comment="")
        )
    if has_perm(request.user, "portal.treasury"):
        from comptabilite.treasury import activities_for, open_alerts

        context["treasury_alerts"] = list(open_alerts(activities_for(request.user, own=True).values("pk")))
    return render(request, "coodyssee/portal_home.html", context)


@permission("associates.view")
def associates_home(request):
    return render(request, "coodyssee/associates_home.html")
