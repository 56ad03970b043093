from django.contrib import admin

from amparo.messaging.models import Broadcast, Channel, InboundMessage, Message, Template, TemplateVariant


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "kind", "provider", "is_active", "rate_per_second", "sms_alphabet")
    list_filter = ("kind", "provider", "is_active")
    readonly_fields = ("webhook_key",)


class VariantInline(admin.TabularInline):
    model = TemplateVariant
    extra = 0


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "purpose", "organization", "sms_alphabet")
    inlines = [VariantInline]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "status", "recipients", "created_at")
    readonly_fields = ("preview",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "kind", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Message._meta.fields]


@admin.register(InboundMessage)
class InboundAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "kind", "intent", "status", "received_at")
    list_filter = ("status", "intent")
