"""Django admin is a superuser's repair tool (see coodyssee/admin.py); the team works in the back-office."""

from django.contrib import admin

from formation.models import (
    Attendance,
    FundingRequest,
    ProgrammeCommitment,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
    TrainingType,
)


@admin.register(TrainingType)
class TrainingTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "duration_hours", "bpf_objective", "is_active")
    search_fields = ("name",)


class RegistrationInline(admin.TabularInline):
    model = TrainingRegistration
    extra = 0
    fields = ("entrepreneur", "status", "registered_at", "promoted_at", "cancelled_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ("ref", "date", "title", "training_type", "place", "status", "capacity")
    list_filter = ("status", "training_type")
    search_fields = ("ref", "title", "place")
    date_hierarchy = "date"
    inlines = [RegistrationInline]


@admin.register(TrainingRegistration)
class TrainingRegistrationAdmin(admin.ModelAdmin):
    list_display = ("session", "entrepreneur", "status", "registered_at")
    list_filter = ("status",)
    search_fields = ("entrepreneur__last_name", "session__ref")
    raw_id_fields = ("session", "entrepreneur", "registered_by", "cancelled_by")


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("registration", "day", "period", "present")
    raw_id_fields = ("registration", "recorded_by")


class CommitmentInline(admin.TabularInline):
    model = ProgrammeCommitment
    extra = 0


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "partner", "training_days", "participants")
    inlines = [CommitmentInline]


@admin.register(FundingRequest)
class FundingRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_on", "funder", "subject", "amount_requested", "status", "amount_granted")
    list_filter = ("status", "funder_kind")
