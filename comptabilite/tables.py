"""Tables of the invoicing pages (django-tables2). Every cell reads the row's own fields or the
relations the selectors already joined: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptabilite.models import Customer, Invoice, InvoiceStatus, PaymentStatus, Quote
from coodyssee.templatetags.money import format_euros

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
TABLE_ATTRS = {"class": "table table-hover align-middle"}


def document_label(invoice: Invoice) -> str:
    """The number once issued; before that "Brouillon n° 12" or "Provisoire n° 12" (the row's id: numbers
    are given at issue only, so that they stay gapless)."""
    if invoice.number:
        return invoice.number
    if invoice.status == InvoiceStatus.DRAFT:
        return gettext("Brouillon n° %(pk)s") % {"pk": invoice.pk}
    return gettext("Provisoire n° %(pk)s") % {"pk": invoice.pk}


def customer_name(invoice: Invoice) -> str:
    """The copied buyer once issued (the customer record may have changed since), else the customer."""
    return invoice.buyer_name or invoice.customer.name


def status_badge(invoice: Invoice) -> str:
    if invoice.status == InvoiceStatus.DRAFT and invoice.return_comment:
        return format_html('<span class="badge invoice-returned">{}</span>', gettext("à corriger"))
    return format_html(
        '<span class="badge invoice-{}">{}</span>', invoice.status, invoice.get_status_display()
    )


def payment_badge(invoice: Invoice, today) -> str:
    status = invoice.payment_status(today)
    if status is None:
        return ""
    return format_html('<span class="badge payment-{}">{}</span>', status, PaymentStatus(status).label)


def kind_label(invoice: Invoice) -> str:
    return invoice.get_kind_display().capitalize()


NOWRAP = {"td": {"class": "text-nowrap"}}
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
AMOUNT_WIDE_ONLY = {
    "th": {"class": "text-end d-none d-sm-table-cell"},
    "td": {"class": "text-end text-nowrap d-none d-sm-table-cell"},
}


class _DocumentTable(tables.Table):
    """Columns shared by the staff's and the entrepreneur's lists of invoices and credit notes."""

    url_name = "backoffice:invoice"

    number = tables.Column(
        verbose_name=_("Numéro"), order_by=("year", "series", "sequence", "pk"), empty_values=(), attrs=NOWRAP
    )
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y", attrs=WIDE_ONLY)
    customer = tables.Column(verbose_name=_("Client"), order_by=("customer__name",), empty_values=())
    total_ttc = tables.Column(verbose_name=_("Total TTC"), attrs=NUMBER)
    due = tables.Column(verbose_name=_("Reste dû"), attrs=AMOUNT_WIDE_ONLY)
    status = tables.Column(verbose_name=_("État"), order_by=("status", "due_date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_number(self, record):
        link = format_html(
            '<a href="{}" class="fw-medium">{}</a>',
            reverse(self.url_name, args=[record.pk]),
            document_label(record),
        )
        if record.is_credit_note:
            return format_html(
                '{} <span class="badge text-bg-light border">{}</span>', link, gettext("avoir")
            )
        return link

    def render_customer(self, record):
        return customer_name(record)

    def render_total_ttc(self, value):
        return format_euros(value)

    def render_due(self, record, value):
        if not record.is_issued or record.is_credit_note:
            return "—"
        return format_euros(value)

    def render_status(self, record):
        return format_html(
            '<span class="d-inline-flex flex-wrap gap-1">{}{}</span>',
            status_badge(record),
            payment_badge(record, self.today),
        )


def activity_cell(record):
    """The activity of a document or expense in a staff list: its code (name on hover) above the person."""
    return format_html(
        '<span title="{}">{}</span><div class="small text-body-secondary">{}</div>',
        record.activity.name,
        record.activity.code,
        record.entrepreneur,
    )


class InvoiceTable(_DocumentTable):
    activity = tables.Column(
        verbose_name=_("Activité"), order_by=("activity__code",), attrs=WIDE_ONLY, empty_values=()
    )

    class Meta:
        model = Invoice
        fields = ("number", "date", "activity", "customer", "total_ttc", "due", "status")
        sequence = ("number", "date", "activity", "customer", "total_ttc", "due", "status")
        attrs = TABLE_ATTRS
        empty_text = _("Aucun document ne correspond à ces critères.")

    def render_activity(self, record):
        return activity_cell(record)


class PortalInvoiceTable(_DocumentTable):
    url_name = "portal:invoice"

    class Meta:
        model = Invoice
        fields = ("number", "date", "customer", "total_ttc", "due", "status")
        sequence = ("number", "date", "customer", "total_ttc", "due", "status")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune facture pour l'instant.")


class QueueTable(tables.Table):
    """Documents waiting for control, oldest first (the order of ``selectors.control_queue``)."""

    submitted_at = tables.DateTimeColumn(verbose_name=_("Soumis le"), format="d/m/Y H:i", orderable=False)
    kind = tables.Column(verbose_name=_("Type"), orderable=False)
    activity = tables.Column(verbose_name=_("Activité"), orderable=False)
    entrepreneur = tables.Column(verbose_name=_("Entrepreneur·e"), orderable=False)
    customer = tables.Column(verbose_name=_("Client"), orderable=False, empty_values=())
    total_ttc = tables.Column(verbose_name=_("Total TTC"), attrs=NUMBER, orderable=False)
    control = tables.Column(
        verbose_name="", accessor="pk", orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Invoice
        fields = ("submitted_at", "kind", "activity", "entrepreneur", "customer", "total_ttc")
        attrs = TABLE_ATTRS
        empty_text = _("Aucun document n'attend de contrôle.")

    def render_kind(self, record):
        if record.is_credit_note and record.credited_invoice:
            return gettext("Avoir sur %(number)s") % {"number": record.credited_invoice.number}
        return kind_label(record)

    def render_activity(self, value):
        return format_html('<span title="{}">{}</span>', value.name, value.code)

    def render_customer(self, record):
        return customer_name(record)

    def render_total_ttc(self, value):
        return format_euros(value)

    def render_control(self, record):
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}">{}</a>',
            reverse("backoffice:invoice_control", args=[record.pk]),
            gettext("Contrôler"),
        )


class OverdueTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Numéro"), linkify=("backoffice:invoice", {"pk": tables.A("pk")}), order_by=("number",)
    )
    customer = tables.Column(verbose_name=_("Client"), accessor="buyer_name")
    activity = tables.Column(verbose_name=_("Activité"), order_by=("activity__code",))
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    due_date = tables.DateColumn(verbose_name=_("Échéance"), format="d/m/Y")
    days_late = tables.Column(verbose_name=_("Retard"), accessor="due_date", attrs=NUMBER, orderable=False)
    total_ttc = tables.Column(verbose_name=_("Total TTC"), attrs=NUMBER)
    due = tables.Column(verbose_name=_("Reste dû"), attrs=NUMBER)

    class Meta:
        model = Invoice
        fields = ("number", "customer", "activity", "date", "due_date", "days_late", "total_ttc", "due")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune facture en retard.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_activity(self, value):
        return format_html('<span title="{}">{}</span>', value.name, value.code)

    def render_days_late(self, value):
        days = (self.today - value).days
        return format_html(
            '<span class="text-danger fw-medium">{}</span>', gettext("%(days)s j") % {"days": days}
        )

    def render_total_ttc(self, value):
        return format_euros(value)

    def render_due(self, value):
        return format_euros(value)


class CustomerTable(tables.Table):
    url_name = "backoffice:customer"

    name = tables.Column(verbose_name=_("Client"))
    kind = tables.Column(verbose_name=_("Type"))
    city = tables.Column(verbose_name=_("Ville"), empty_values=())
    siren = tables.Column(verbose_name=_("SIREN"))
    email = tables.EmailColumn(verbose_name=_("E-mail"))

    class Meta:
        model = Customer
        fields = ("name", "kind", "city", "siren", "email")
        attrs = TABLE_ATTRS
        empty_text = _("Aucun client.")

    def render_name(self, record):
        return format_html(
            '<a href="{}" class="fw-medium">{}</a>', reverse(self.url_name, args=[record.pk]), record.name
        )

    def render_kind(self, record):
        return gettext("particulier") if record.kind == "person" else gettext("professionnel")

    def render_city(self, record):
        return f"{record.postcode} {record.city}".strip() or "—"


class StaffCustomerTable(CustomerTable):
    activity = tables.Column(verbose_name=_("Activité"), order_by=("activity__code",))

    class Meta(CustomerTable.Meta):
        sequence = ("name", "activity", "kind", "city", "siren", "email")

    def render_activity(self, value):
        return format_html('<span title="{}">{}</span>', value.name, value.code)


class PortalCustomerTable(CustomerTable):
    url_name = "portal:customer"


class QuoteTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Numéro"),
        linkify=("portal:quote", {"pk": tables.A("pk")}),
        order_by=("year", "sequence"),
    )
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    customer = tables.Column(verbose_name=_("Client"), order_by=("customer__name",))
    subject = tables.Column(verbose_name=_("Objet"))
    total_ttc = tables.Column(verbose_name=_("Total TTC"), attrs=NUMBER)
    valid_until = tables.DateColumn(verbose_name=_("Valable jusqu'au"), format="d/m/Y")
    status = tables.Column(verbose_name=_("État"))

    class Meta:
        model = Quote
        fields = ("number", "date", "customer", "subject", "total_ttc", "valid_until", "status")
        attrs = TABLE_ATTRS
        empty_text = _("Aucun devis pour l'instant.")

    def render_customer(self, value):
        return value.name

    def render_total_ttc(self, value):
        return format_euros(value)

    def render_status(self, record):
        return format_html(
            '<span class="badge quote-{}">{}</span>', record.status, record.get_status_display()
        )
