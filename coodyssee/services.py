"""Writes on people, roles and the cooperative's identity. One transaction each; rules raise DomainError."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from coodyssee.accounts import invitation_token_generator
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative, RoleGrant, User
from coodyssee.permissions import Role


def invitation_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return reverse("invitation_accept", kwargs={"uidb64": uidb64, "token": token})


def _send_invitation(*, user: User, base_url: str, invited_by: User | None) -> None:
    cooperative = Cooperative.objects.first()
    context = {
        "user": user,
        "url": base_url.rstrip("/") + invitation_path(user),
        "cooperative": cooperative,
        "invited_by": invited_by,
        "roles": [Role(role).label for role in sorted(user.roles)],
    }
    subject = render_to_string("coodyssee/email/invitation_subject.txt", context).strip()
    body = render_to_string("coodyssee/email/invitation_body.txt", context)
    send_mail(subject, body, None, [user.email])


def person_roles_set(*, user: User, roles: set[str]) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(
            _("Rôle inconnu : %(roles)s") % {"roles": ", ".join(sorted(unknown))}, field="roles"
        )
    if Role.ENTREPRENEUR in roles and not hasattr(user, "entrepreneur"):
        raise DomainError(
            _("Le rôle entrepreneur·e demande une fiche entrepreneur liée à cette personne."), field="roles"
        )
    with transaction.atomic():
        current = {grant.role: grant for grant in RoleGrant.objects.select_for_update().filter(user=user)}
        for role, grant in current.items():
            if role not in roles:
                grant.delete()
        for role in sorted(set(roles) - set(current)):
            RoleGrant.objects.create(user=user, role=role)
    user.forget_roles()


def person_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: set[str],
    invited_by: User | None,
    base_url: str,
) -> User:
    """Create a person without a password and e-mail them a link to choose one."""
    from entrepreneurs.models import Entrepreneur

    email = User.objects.normalize_email(email).strip().lower()
    if not roles:
        raise DomainError(_("Choisissez au moins un rôle."), field="roles")
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("Une personne a déjà cette adresse e-mail."), field="email")
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        if Role.ENTREPRENEUR in roles:
            entrepreneur = Entrepreneur.objects.filter(user__isnull=True, email__iexact=email).first()
            if entrepreneur is None:
                entrepreneur = Entrepreneur(first_name=user.first_name, last_name=user.last_name, email=email)
            entrepreneur.user = user
            entrepreneur.save()
        person_roles_set(user=user, roles=set(roles))
        user.invited_at = timezone.now()
        user.save(update_fields=["invited_at"])
        transaction.on_commit(lambda: _send_invitation(user=user, base_url=base_url, invited_by=invited_by))
    return user


def person_invitation_resend(*, user: User, invited_by: User | None, base_url: str) -> None:
    if user.has_usable_password():
        raise DomainError(_("Cette personne a déjà choisi son mot de passe."))
    if not user.is_active:
        raise DomainError(_("Ce compte est désactivé."))
    with transaction.atomic():
        user.invited_at = timezone.now()
        user.save(update_fields=["invited_at"])
        transaction.on_commit(lambda: _send_invitation(user=user, base_url=base_url, invited_by=invited_by))


def invitation_accept(*, user: User, password: str) -> None:
    """Set the invited person's first password; their address is thereby verified."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="new_password1") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


def person_set_active(*, user: User, active: bool, by: User) -> None:
    if user == by and not active:
        raise DomainError(_("Vous ne pouvez pas désactiver votre propre compte."))
    user.is_active = active
    user.save(update_fields=["is_active"])


def cooperative_get() -> Cooperative:
    cooperative = Cooperative.objects.order_by("pk").first()
    if cooperative is None:
        cooperative = Cooperative.objects.create(name="Coopérative")
    return cooperative


def cooperative_update(*, cooperative: Cooperative, data: dict) -> Cooperative:
    from coodyssee.forms import CooperativeForm

    editable = set(CooperativeForm.Meta.fields)
    unknown = set(data) - editable
    if unknown:
        raise DomainError(_("Champs non modifiables : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(cooperative, name, value)
    cooperative.full_clean()
    cooperative.save()
    return cooperative
