"""Tables of the accountant's ledger pages (django-tables2). Cells read the row's own fields and the relations
the readers joined: no query per row. Lists keep their reader's order (the indexes' order), not sortable."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptabilite.models import Account, ContributionRule, Entry
from comptabilite.tables import NOWRAP, NUMBER, TABLE_ATTRS, WIDE_ONLY
from coodyssee.templatetags.money import format_euros, rate


class EntryTable(tables.Table):
    number = tables.Column(verbose_name=_("N°"), empty_values=(), orderable=False, attrs=NOWRAP)
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y", orderable=False, attrs=NOWRAP)
    journal = tables.Column(verbose_name=_("Journal"), orderable=False, attrs=WIDE_ONLY)
    label = tables.Column(verbose_name=_("Libellé"), orderable=False)
    piece_ref = tables.Column(verbose_name=_("Pièce"), orderable=False, attrs=WIDE_ONLY)
    total = tables.Column(verbose_name=_("Montant"), orderable=False, attrs=NUMBER)

    class Meta:
        model = Entry
        fields = ("number", "date", "journal", "label", "piece_ref", "total")
        sequence = ("number", "date", "journal", "label", "piece_ref", "total")
        attrs = TABLE_ATTRS | {"class": "table table-hover align-middle ledger-table"}
        empty_text = _("Aucune écriture ne correspond à ces critères.")

    def render_number(self, record):
        return format_html(
            '<a href="{}" class="fw-medium font-monospace">{}</a>',
            reverse("backoffice:ledger_entry", args=[record.pk]),
            record.fec_number,
        )

    def render_journal(self, record):
        return format_html('<span title="{}">{}</span>', record.journal.label, record.journal_id)

    def render_label(self, record):
        if record.reversal_of_id:
            return format_html(
                '{} <span class="badge text-bg-light border">{}</span>',
                record.label,
                gettext("contre-passation"),
            )
        return record.label

    def render_total(self, value):
        return format_euros(value)


class AccountTable(tables.Table):
    code = tables.Column(verbose_name=_("Numéro"), orderable=False, attrs=NOWRAP)
    label = tables.Column(verbose_name=_("Intitulé"), orderable=False)
    used = tables.Column(verbose_name=_("Écritures"), orderable=False, empty_values=(), attrs=NOWRAP)
    is_active = tables.Column(verbose_name=_("État"), orderable=False)
    actions = tables.Column(
        verbose_name="", orderable=False, empty_values=(), attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Account
        fields = ("code", "label", "used", "is_active", "actions")
        attrs = TABLE_ATTRS | {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Aucun compte.")

    def render_code(self, record):
        return format_html('<span class="font-monospace fw-medium">{}</span>', record.code)

    def render_used(self, record):
        if not record.used:
            return format_html('<span class="text-body-secondary">{}</span>', gettext("aucune"))
        return format_html(
            '<a href="{}?account={}">{}</a>',
            reverse("backoffice:ledger_account"),
            record.code,
            gettext("grand livre"),
        )

    def render_is_active(self, value):
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', gettext("utilisable"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("désactivé"))

    def render_actions(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("backoffice:ledger_chart_edit", args=[record.code]),
            gettext("Modifier"),
        )


class ContributionRuleTable(tables.Table):
    activity = tables.Column(verbose_name=_("Activité"), orderable=False, empty_values=())
    period = tables.Column(verbose_name=_("Période"), orderable=False, empty_values=())
    rate = tables.Column(verbose_name=_("Taux"), orderable=False, attrs=NUMBER)
    fixed_monthly = tables.Column(
        verbose_name=_("Fixe mensuel"),
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end text-nowrap"}},
    )
    note = tables.Column(verbose_name=_("Motif"), orderable=False, attrs=WIDE_ONLY)
    state = tables.Column(verbose_name=_("État"), orderable=False, empty_values=())
    actions = tables.Column(
        verbose_name="", orderable=False, empty_values=(), attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = ContributionRule
        fields = ("activity", "period", "rate", "fixed_monthly", "note", "state", "actions")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune règle : le taux par défaut de la coopérative s'applique.")

    def __init__(self, *args, can_edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.can_edit = can_edit

    def render_activity(self, record):
        if record.activity_id is None:
            return format_html('<span class="fw-medium">{}</span>', gettext("Règle par défaut (toutes)"))
        return format_html(
            '<span class="font-monospace">{}</span> {}', record.activity.code, record.activity.name
        )

    def render_period(self, record):
        start = record.starts_on.strftime("%d/%m/%Y")
        if record.ends_on:
            return gettext("du %(start)s au %(end)s") % {
                "start": start,
                "end": record.ends_on.strftime("%d/%m/%Y"),
            }
        return gettext("depuis le %(start)s") % {"start": start}

    def render_rate(self, value):
        return rate(value)

    def render_fixed_monthly(self, value):
        return format_euros(value) if value else "—"

    def _state(self, record) -> str:
        if record.starts_on > self.today:
            return "future"
        if record.ends_on is not None and record.ends_on < self.today:
            return "ended"
        return "current"

    def render_state(self, record):
        state = self._state(record)
        label, css = {
            "future": (gettext("à venir"), "text-bg-info"),
            "ended": (gettext("terminée"), "text-bg-secondary"),
            "current": (gettext("en cours"), "text-bg-success"),
        }[state]
        return format_html('<span class="badge {}">{}</span>', css, label)

    def render_actions(self, record):
        if not self.can_edit or self._state(record) == "ended":
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("backoffice:ledger_rule_end", args=[record.pk]),
            gettext("Terminer"),
        )
