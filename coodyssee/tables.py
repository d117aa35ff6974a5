import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from coodyssee.models import User
from coodyssee.permissions import Role


class PeopleTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Nom"), accessor="last_name", order_by=("last_name", "first_name"), linkify=True
    )
    email = tables.Column(verbose_name=_("E-mail"))
    roles = tables.Column(verbose_name=_("Rôles"), accessor="pk", orderable=False)
    status = tables.Column(verbose_name=_("Compte"), accessor="is_active", orderable=False)

    class Meta:
        model = User
        fields = ("name", "email", "roles", "status")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucune personne ne correspond.")

    def render_name(self, record):
        return str(record)

    def render_roles(self, record):
        return format_html_join(
            " ",
            '<span class="badge text-bg-secondary">{}</span>',
            ((Role(r).label,) for r in sorted(record.roles)),
        )

    def render_status(self, record):
        if not record.is_active:
            return format_html('<span class="badge text-bg-dark">{}</span>', _("désactivé"))
        if not record.has_usable_password():
            return format_html('<span class="badge text-bg-warning">{}</span>', _("invitation envoyée"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("actif"))
