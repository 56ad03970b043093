from django.contrib import admin

from amparo.accounts.models import AuditEvent, DataSharingAgreement, Membership, Organization, UserProfile


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "country", "served_nationality", "jurisdiction_country", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("organization",)


admin.site.register(UserProfile)


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(admin.ModelAdmin):
    list_display = (
        "provider",
        "recipient",
        "purpose",
        "nationality",
        "area_country",
        "valid_from",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("purpose",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events are filtered and read here, never changed."""

    list_display = (
        "created_at",
        "actor_label",
        "organization",
        "action",
        "object_type",
        "object_id",
        "summary",
        "ip_address",
    )
    list_filter = ("action", "object_type", "organization", ("created_at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "object_id", "summary")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
