from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from coodyssee.models import AuditEntry, Cooperative, RoleGrant, User


def _superuser_only(request):
    return request.user.is_active and request.user.is_superuser


# The support team works in the back-office; Django's admin is a superuser's repair tool.
admin.site.has_permission = _superuser_only
# The admin's own login would bypass allauth's rate limits and two-factor step: send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Coodyssée — administration technique"


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    exclude = ("password", "groups", "user_permissions")
    inlines = [RoleGrantInline]


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ("name", "siren")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_repr")
    list_filter = ("action", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
