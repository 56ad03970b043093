from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "amparo.tracing"
    label = "tracing"
    verbose_name = _("Tracing")

    def ready(self) -> None:
        from amparo.accounts.policy import NAMING_ROLES
        from amparo.core import ui
        from amparo.tracing import access, panels  # noqa: F401  (access registers the rules)

        ui.add_nav("tracing:inquiry_list", _("Tracing"), roles=NAMING_ROLES, order=35)
        ui.add_person_panel("tracing/_person_panel.html", roles=NAMING_ROLES, order=60, context=panels.person_panel)
        ui.add_crisis_panel("tracing/_crisis_panel.html", context=panels.crisis_panel)

    # --- Hooks: new registrations and welfare updates are matched against open inquiries -------

    def person_saved(self, person_ids) -> None:
        from amparo.tracing.models import InquiryKey
        from amparo.tracing.tasks import enqueue_matching

        if person_ids and InquiryKey.objects.exists():
            enqueue_matching(person_ids=person_ids)

    def welfare_changed(self, *, crisis_id: int, person_id: int, status: str) -> None:
        self.person_saved([person_id])

    def inbound_reply(self, *, item, person, message) -> bool:
        """A reply to a consent question (messaging's hook): True when tracing took it."""
        from amparo.tracing.replies import consent_reply

        return consent_reply(item=item, person=person, message=message)

    # --- Matching's merge hooks: tracing rows follow the surviving record -----------------------

    def merge_person(self, *, survivor, merged, actor) -> dict:
        from amparo.tracing.models import FoundNote, Inquiry

        notes = list(FoundNote.objects.filter(person=merged).values_list("pk", flat=True))
        inquiries = list(Inquiry.objects.filter(person=merged).values_list("pk", flat=True))
        FoundNote.objects.filter(pk__in=notes).update(person=survivor)
        Inquiry.objects.filter(pk__in=inquiries).update(person=survivor)
        return {"notes": notes, "inquiries": inquiries}

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.tracing.models import FoundNote, Inquiry

        FoundNote.objects.filter(pk__in=moved.get("notes", []), person=survivor).update(person=merged)
        Inquiry.objects.filter(pk__in=moved.get("inquiries", []), person=survivor).update(person=merged)
