from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "amparo.messaging"
    label = "messaging"
    verbose_name = _("Communication")

    def ready(self) -> None:
        from amparo.accounts.policy import NAMING_ROLES
        from amparo.core import ui
        from amparo.messaging import access  # noqa: F401  (registers the access rules)
        from amparo.messaging.queries import person_panel
        from amparo.messaging.retention import register as register_retention

        register_retention()

        ui.add_nav("messaging:broadcast_list", _("Communication"), roles=NAMING_ROLES, order=40)
        ui.add_home_card("messaging/_home_card.html", roles=NAMING_ROLES, order=40)
        ui.add_person_panel("messaging/_person_panel.html", roles=NAMING_ROLES, order=35, context=person_panel)

    # --- merging two person records (called by the matching app, inside its transaction) ---------
    def merge_person(self, *, survivor, merged, actor) -> dict:
        """Move the merged record's messages, replies and check-in answers to the survivor."""
        from amparo.messaging.models import CheckInAnswer, InboundMessage, Message

        moved = {}
        for key, model in (("messages", Message), ("inbound", InboundMessage), ("checkin_answers", CheckInAnswer)):
            ids = list(model.objects.filter(person=merged).values_list("pk", flat=True))
            model.objects.filter(pk__in=ids).update(person=survivor)
            moved[key] = ids
        return moved

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.messaging.models import CheckInAnswer, InboundMessage, Message

        for key, model in (("messages", Message), ("inbound", InboundMessage), ("checkin_answers", CheckInAnswer)):
            model.objects.filter(pk__in=moved.get(key, []), person=survivor).update(person=merged)
