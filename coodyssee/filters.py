import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coodyssee.models import User
from coodyssee.permissions import Role


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    role = django_filters.ChoiceFilter(
        label=_("Rôle"), choices=Role.choices, field_name="role_grants__role", distinct=True
    )
    is_active = django_filters.BooleanFilter(label=_("Actif"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        return queryset
