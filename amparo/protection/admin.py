"""The admin is where a country adapts the protection data: profiles, questions, rules,
pathways (with their steps) and the service directory."""

from django.contrib import admin

from amparo.protection.models import (
    CountryDirectory,
    DirectoryReview,
    Indicator,
    PathwayStep,
    Profile,
    Referral,
    ReferralEvent,
    ReferralPathway,
    ScreeningRule,
    Service,
    ServiceProvider,
)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "asylum_regime", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "profile", "level", "factor", "answer_kind", "observation", "order", "is_active")
    list_filter = ("profile", "level", "factor", "is_active")
    search_fields = ("code", "question")


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "profile", "min_matches", "urgent_flag", "priority", "is_active")
    list_filter = ("profile", "urgent_flag", "priority", "is_active")

    def save_model(self, request, obj, form, change):
        from amparo.protection.rules import RuleSpec, validate

        validate(
            RuleSpec(code=obj.code, profile=None, conditions=tuple(obj.conditions), min_matches=obj.min_matches),
            [*Indicator.objects.values_list("code", flat=True), "wishes_asylum"],
        )
        super().save_model(request, obj, form, change)


class PathwayStepInline(admin.TabularInline):
    model = PathwayStep
    extra = 1
    fields = ("order", "service_kind", "name", "authority", "contact", "source_url", "provider")


@admin.register(ReferralPathway)
class ReferralPathwayAdmin(admin.ModelAdmin):
    """Pathways are written from the countries' data files (`amparo load-directory`); a change made
    here is overwritten by the next load: correct the file, and review the country again."""

    list_display = ("profile", "country", "subdivision", "urgency", "response_hours", "is_active")
    list_filter = ("country", "profile", "urgency")
    inlines = [PathwayStepInline]


class DirectoryReviewInline(admin.TabularInline):
    model = DirectoryReview
    extra = 0
    can_delete = False
    readonly_fields = ("organization", "reviewed_by_label", "reviewed_at", "data_digest", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CountryDirectory)
class CountryDirectoryAdmin(admin.ModelAdmin):
    list_display = ("country", "loaded_at", "reviewed_at", "reviewed_by_label")
    readonly_fields = ("data_digest", "loaded_at", "reviewed_at", "reviewed_by_label", "reviewed_digest")
    inlines = [DirectoryReviewInline]


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    fields = ("kind", "name", "capacity_total", "capacity_free", "country", "subdivision", "is_active")


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "city", "is_demo")
    list_filter = ("kind", "country", "is_demo")
    search_fields = ("name", "slug")
    inlines = [ServiceInline]
    fields = ("name", "kind", "country", "city", "email", "phone", "address", "latitude", "longitude")
    readonly_fields = ("name", "kind", "country")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "provider",
        "kind",
        "country",
        "subdivision",
        "capacity_free",
        "capacity_total",
        "is_active",
    )
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "provider__name")
    filter_horizontal = ("profiles",)


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_label", "from_status", "to_status", "note")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change only through their lifecycle (services.py)."""

    list_display = ("reference", "from_organization", "to_organization", "service_kind", "status", "respond_by")
    list_filter = ("status", "service_kind", "urgency")
    inlines = [ReferralEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
