"""Django admin is a superuser's repair tool (see coodyssee/admin.py); the team works in the back-office.

Issued invoices and credit notes, their lines, payments, reminders, history and numbering counters are
read-only here: a counter edited by hand would break the gapless numbering, and an issued document is
corrected by a credit note, never in place.
"""

from django.contrib import admin

from comptabilite.models import (
    Customer,
    DocumentEvent,
    DunningLevel,
    DunningLog,
    Invoice,
    InvoiceLine,
    NumberingCounter,
    Payment,
    Quote,
    QuoteLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ("position", "description", "quantity", "unit", "unit_price", "vat_rate", "total_ht")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "status", "date", "activity", "buyer_name", "total_ht", "total_ttc")
    list_filter = ("kind", "status", "is_imported")
    search_fields = ("number", "buyer_name", "customer__name", "activity__code")
    list_select_related = ("activity", "customer")
    inlines = [InvoiceLineInline]
    raw_id_fields = ("activity", "entrepreneur", "customer", "quote", "credited_invoice")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return [field.name for field in self.model._meta.fields]
        return ("number", "series", "year", "sequence", "status", "total_ht", "total_vat", "total_ttc")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # "Delete selected" would run a queryset delete, refused for issued rows anyway.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "activity", "city", "siren")
    search_fields = ("name", "siren", "activity__code")
    raw_id_fields = ("activity",)


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "date", "activity", "customer", "total_ht")
    list_filter = ("status",)
    search_fields = ("number", "customer__name")
    raw_id_fields = ("activity", "entrepreneur", "customer")
    readonly_fields = ("number", "series", "year", "sequence")
    inlines = [QuoteLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "date", "amount", "method", "cancelled_at")
    list_select_related = ("invoice",)


@admin.register(DunningLevel)
class DunningLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "days_after_due", "channel", "with_penalties", "is_active")


@admin.register(DunningLog)
class DunningLogAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "level", "prepared_on", "channel", "status")
    list_filter = ("status", "channel")
    list_select_related = ("invoice", "level")


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor_label", "invoice", "quote")
    list_filter = ("kind",)
    list_select_related = ("invoice", "quote")


@admin.register(NumberingCounter)
class NumberingCounterAdmin(ReadOnlyAdmin):
    list_display = ("series", "year", "last")
