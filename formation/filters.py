import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from formation.models import (
    FunderKind,
    FundingRequest,
    FundingStatus,
    SessionStatus,
    TrainingSession,
    TrainingType,
)


class SessionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Année"), field_name="date", lookup_expr="year")
    period = django_filters.ChoiceFilter(
        label=_("Période"),
        choices=[("upcoming", _("À venir")), ("past", _("Passées"))],
        method="filter_period",
        empty_label=_("Toutes"),
    )
    training_type = django_filters.ModelChoiceFilter(
        label=_("Formation"), queryset=TrainingType.objects.order_by("name"), empty_label=_("Toutes")
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=SessionStatus.choices, empty_label=_("Tous")
    )
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")

    class Meta:
        model = TrainingSession
        fields = ["year", "period", "training_type", "status", "q"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["training_type"].queryset = TrainingType.objects.order_by("name")

    def filter_period(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(end_date__gte=self.today).order_by("date", "start_time", "ref")
        return queryset.filter(end_date__lt=self.today)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(place__icontains=word)
                | Q(ref__iexact=word)
                | Q(training_type__name__icontains=word)
            )
        return queryset


class FundingRequestFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Année"), field_name="requested_on", lookup_expr="year")
    funder_kind = django_filters.ChoiceFilter(
        label=_("Financeur"), choices=FunderKind.choices, empty_label=_("Tous")
    )
    status = django_filters.ChoiceFilter(
        label=_("Décision"), choices=FundingStatus.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = FundingRequest
        fields = ["year", "funder_kind", "status"]
