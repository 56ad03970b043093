from django.contrib import admin

from amparo.cases.models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_label", "kind", "from_value", "to_value", "note")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only overview: cases change through their services (audited), not the admin."""

    list_display = ("reference", "organization", "case_worker", "priority", "step", "next_review_due")
    list_filter = ("step", "priority", "organization")
    inlines = [CaseEventInline]
    fields = (
        "organization",
        "case_worker",
        "supervisor",
        "priority",
        "step",
        "opened_at",
        "closed_at",
        "closure_reason",
        "next_review_due",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
