import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Appointment, Entrepreneur, InfoSession, JourneyStatus

STATUS_BADGES = {
    JourneyStatus.PROSPECT: "text-bg-light border",
    JourneyStatus.CAPE: "text-bg-info",
    JourneyStatus.CESA: "text-bg-primary",
    JourneyStatus.ASSOCIATE: "text-bg-success",
    JourneyStatus.EXITED: "text-bg-secondary",
}


def status_badge(entrepreneur) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES[entrepreneur.status],
        entrepreneur.get_status_display(),
    )


class EntrepreneurTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Nom"),
        accessor="last_name",
        order_by=("last_name", "first_name"),
        linkify=("backoffice:entrepreneur", {"pk": tables.A("pk")}),
    )
    ref = tables.Column(verbose_name=_("Réf."))
    status = tables.Column(verbose_name=_("Situation"))
    territory = tables.Column(
        verbose_name=_("Territoire"), order_by=("territory__position", "territory__name")
    )
    referent = tables.Column(verbose_name=_("Référent·e"), order_by=("referent__first_name",))
    entry_date = tables.DateColumn(verbose_name=_("Entrée"), format="d/m/Y")
    associate_deadline = tables.DateColumn(verbose_name=_("Limite associé·e"), format="d/m/Y")
    rsa_beneficiary = tables.BooleanColumn(verbose_name=_("RSA"), yesno="RSA,")

    class Meta:
        model = Entrepreneur
        fields = (
            "name",
            "ref",
            "status",
            "territory",
            "referent",
            "entry_date",
            "associate_deadline",
            "rsa_beneficiary",
        )
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucune personne ne correspond à ces critères.")

    def render_name(self, record):
        return str(record)

    def render_status(self, record):
        return status_badge(record)

    def render_referent(self, value):
        return value.get_full_name() or value.email

    def render_associate_deadline(self, record, value):
        # Only meaningful while the person is under CESA and not yet an associate.
        if record.status != JourneyStatus.CESA:
            return "—"
        return value.strftime("%d/%m/%Y")


class AppointmentTable(tables.Table):
    date = tables.DateColumn(verbose_name=_("Date"), format="D d/m/Y")
    time = tables.TimeColumn(verbose_name=_("Heure"), format="H:i")
    entrepreneur = tables.Column(
        verbose_name=_("Entrepreneur·e"),
        order_by=("entrepreneur__last_name",),
        linkify=lambda record: reverse("backoffice:entrepreneur", args=[record.entrepreneur_id]),
    )
    staff = tables.Column(verbose_name=_("Avec"), order_by=("staff__first_name",))
    kind = tables.Column(verbose_name=_("Type"))
    status = tables.Column(verbose_name=_("État"))

    class Meta:
        model = Appointment
        fields = ("date", "time", "entrepreneur", "staff", "kind", "status")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucun rendez-vous sur cette période.")

    def render_staff(self, value):
        return value.get_full_name() or value.email

    def render_status(self, record):
        css = {"planned": "text-bg-warning", "done": "text-bg-success", "cancelled": "text-bg-secondary"}
        return format_html(
            '<span class="badge {}">{}</span>', css[record.status], record.get_status_display()
        )


class InfoSessionTable(tables.Table):
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    kind = tables.Column(verbose_name=_("Type"))
    place = tables.Column(verbose_name=_("Lieu"))
    registered = tables.Column(
        verbose_name=_("Inscrites"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    attended = tables.Column(
        verbose_name=_("Reçues"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )

    class Meta:
        model = InfoSession
        fields = ("date", "kind", "place", "registered", "attended")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucune information collective.")


class InfoSessionLinkedTable(InfoSessionTable):
    """For those who may edit a session: the date links to its form."""

    date = tables.DateColumn(
        verbose_name=_("Date"),
        format="d/m/Y",
        linkify=("backoffice:info_session_edit", {"pk": tables.A("pk")}),
    )
