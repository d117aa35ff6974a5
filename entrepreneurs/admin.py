"""Django admin is a superuser's repair tool (see coodyssee/admin.py); the team works in the back-office.

The journey summary fields are read-only here: they are rebuilt from the steps by the services.
"""

from django.contrib import admin

from entrepreneurs.models import (
    Activity,
    ActivityMembership,
    Appointment,
    Entrepreneur,
    InfoSession,
    JourneyStep,
    Territory,
)
from entrepreneurs.rules import JourneySummary


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "is_active")
    list_editable = ("position", "is_active")


class JourneyStepInline(admin.TabularInline):
    model = JourneyStep
    extra = 0
    fields = ("kind", "date", "contract", "planned_end", "trial_end", "exit_reason", "reason_detail", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ActivityMembershipInline(admin.TabularInline):
    model = ActivityMembership
    extra = 0
    autocomplete_fields = ("entrepreneur",)


@admin.register(Entrepreneur)
class EntrepreneurAdmin(admin.ModelAdmin):
    list_display = ("ref", "last_name", "first_name", "status", "territory", "referent", "associate_deadline")
    list_filter = ("status", "territory", "rsa_beneficiary")
    search_fields = ("ref", "last_name", "first_name", "email")
    list_select_related = ("territory", "referent")
    raw_id_fields = ("user", "referent")
    readonly_fields = JourneySummary.FIELDS
    inlines = [JourneyStepInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [ActivityMembershipInline]


@admin.register(InfoSession)
class InfoSessionAdmin(admin.ModelAdmin):
    list_display = ("date", "place", "kind", "registered", "attended")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("date", "time", "entrepreneur", "staff", "kind", "status")
    list_filter = ("status", "kind")
    list_select_related = ("entrepreneur", "staff")
    raw_id_fields = ("entrepreneur", "staff")
    date_hierarchy = "date"
