import django_tables2 as tables
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from formation.models import FundingRequest, FundingStatus, SessionStatus, TrainingSession, TrainingType
from formation.templatetags.training import hours as format_hours

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

SESSION_BADGES = {
    SessionStatus.DRAFT: "text-bg-light border",
    SessionStatus.OPEN: "text-bg-success",
    SessionStatus.CLOSED: "text-bg-warning",
    SessionStatus.HELD: "text-bg-primary",
    SessionStatus.CANCELLED: "text-bg-secondary",
}
FUNDING_BADGES = {
    FundingStatus.REQUESTED: "text-bg-warning",
    FundingStatus.ACCEPTED: "text-bg-success",
    FundingStatus.REFUSED: "text-bg-secondary",
}


def session_status_badge(session) -> str:
    return format_html(
        '<span class="badge {}">{}</span>', SESSION_BADGES[session.status], session.get_status_display()
    )


def hours(value) -> str:
    return format_hours(value)


def euros(value) -> str:
    return f"{number_format(value, decimal_pos=2, force_grouping=True)} €" if value is not None else "—"


class SessionTable(tables.Table):
    date = tables.DateColumn(
        verbose_name=_("Date"),
        format="D d/m/Y",
        linkify=("backoffice:training_session", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "text-nowrap"}},
    )
    times = tables.Column(verbose_name=_("Horaires"), accessor="start_time", orderable=False, empty_values=())
    title = tables.Column(verbose_name=_("Session"))
    training_type = tables.Column(verbose_name=_("Formation"), order_by=("training_type__name",))
    place = tables.Column(verbose_name=_("Lieu"))
    trainer = tables.Column(
        verbose_name=_("Formateur·rice"), accessor="trainer_name", orderable=False, empty_values=()
    )
    duration_hours = tables.Column(verbose_name=_("Durée (h)"), attrs=NUMBER)
    registered_count = tables.Column(verbose_name=_("Inscrits"), attrs=NUMBER)
    status = tables.Column(verbose_name=_("État"))

    class Meta:
        model = TrainingSession
        fields = (
            "date",
            "times",
            "title",
            "training_type",
            "place",
            "trainer",
            "duration_hours",
            "registered_count",
            "status",
        )
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucune session ne correspond à ces critères.")

    def render_times(self, record):
        if record.start_time is None:
            return "—"
        return f"{record.start_time.hour}h{record.start_time:%M}–{record.end_time.hour}h{record.end_time:%M}"

    def render_trainer(self, record):
        return record.trainer_display or "—"

    def render_duration_hours(self, value):
        return hours(value)

    def render_registered_count(self, record):
        text = str(record.registered_count)
        if record.capacity is not None:
            text += f" / {record.capacity}"
        if record.waiting_count:
            return format_html(
                '{} <span class="badge text-bg-warning" title="{}">+{}</span>',
                text,
                _("liste d'attente"),
                record.waiting_count,
            )
        return text

    def render_status(self, record):
        return session_status_badge(record)


class TrainingTypeTable(tables.Table):
    name = tables.Column(verbose_name=_("Formation"))
    duration_hours = tables.Column(verbose_name=_("Durée indicative (h)"), attrs=NUMBER)
    session_count = tables.Column(verbose_name=_("Sessions"), attrs=NUMBER)
    bpf_objective = tables.Column(verbose_name=_("Objectif (BPF)"))
    is_active = tables.Column(verbose_name=_("Au catalogue"))

    class Meta:
        model = TrainingType
        fields = ("name", "duration_hours", "session_count", "bpf_objective", "is_active")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Le catalogue est vide.")

    def render_duration_hours(self, value):
        return hours(value)

    def render_is_active(self, value):
        return gettext("oui") if value else gettext("non")


class FundingRequestTable(tables.Table):
    requested_on = tables.DateColumn(verbose_name=_("Demandé le"), format="d/m/Y")
    funder = tables.Column(verbose_name=_("Financeur"))
    subject = tables.Column(verbose_name=_("Objet"))
    amount_requested = tables.Column(verbose_name=_("Demandé"), attrs=NUMBER)
    status = tables.Column(verbose_name=_("Décision"))
    decided_on = tables.DateColumn(verbose_name=_("Le"), format="d/m/Y")
    amount_granted = tables.Column(verbose_name=_("Accordé"), attrs=NUMBER, default="—")

    class Meta:
        model = FundingRequest
        fields = (
            "requested_on",
            "funder",
            "subject",
            "amount_requested",
            "status",
            "decided_on",
            "amount_granted",
        )
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Aucune demande de financement.")

    def render_amount_requested(self, value):
        return euros(value)

    def render_amount_granted(self, value):
        return euros(value)

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>', FUNDING_BADGES[record.status], record.get_status_display()
        )


class TrainingTypeLinkedTable(TrainingTypeTable):
    """For those who may edit the catalogue: the name links to its form."""

    name = tables.Column(
        verbose_name=_("Formation"), linkify=("backoffice:training_type_edit", {"pk": tables.A("pk")})
    )


class FundingRequestLinkedTable(FundingRequestTable):
    """For those who may edit the requests: the date links to its form."""

    requested_on = tables.DateColumn(
        verbose_name=_("Demandé le"),
        format="d/m/Y",
        linkify=("backoffice:training_funding_edit", {"pk": tables.A("pk")}),
    )
