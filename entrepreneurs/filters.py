import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entrepreneurs.forms import DateInput, StaffChoiceField, staff_queryset
from entrepreneurs.models import (
    PRESENT_STATUSES,
    Appointment,
    Entrepreneur,
    InfoSession,
    JourneyStatus,
    Territory,
)

STATUS_CHOICES = [("present", _("Présent·es (CAPE, CESA, associé·es)")), *JourneyStatus.choices]


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class EntrepreneurFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Situation"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("Toutes")
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territoire"), queryset=Territory.objects.all(), empty_label=_("Tous")
    )
    referent = StaffFilter(label=_("Référent·e"), queryset=staff_queryset(), empty_label=_("Tous"))
    rsa_beneficiary = django_filters.BooleanFilter(
        label=_("RSA"),
        widget=forms.Select(
            choices=[("", _("Tous")), ("true", _("Bénéficiaires")), ("false", _("Non bénéficiaires"))]
        ),
    )

    class Meta:
        model = Entrepreneur
        fields = ["q", "status", "territory", "referent", "rsa_beneficiary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets evaluated per request (staff list can change between requests).
        self.filters["referent"].queryset = staff_queryset()

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(ref__iexact=word)
                | Q(email__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if value == "present":
            return queryset.filter(status__in=PRESENT_STATUSES)
        return queryset.filter(status=value)


class AppointmentFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(label=_("Du"), field_name="date", lookup_expr="gte", widget=DateInput())
    end = django_filters.DateFilter(label=_("Au"), field_name="date", lookup_expr="lte", widget=DateInput())
    staff = StaffFilter(label=_("Avec"), queryset=staff_queryset(), empty_label=_("Tous"))
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=Appointment.Status.choices, empty_label=_("Tous")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Appointment.Kind.choices, empty_label=_("Tous")
    )

    class Meta:
        model = Appointment
        fields = ["start", "end", "staff", "status", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["staff"].queryset = staff_queryset()


class InfoSessionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Année"), field_name="date", lookup_expr="year")
    place = django_filters.CharFilter(label=_("Lieu"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=InfoSession.Kind.choices, empty_label=_("Tous")
    )

    class Meta:
        model = InfoSession
        fields = ["year", "place", "kind"]
