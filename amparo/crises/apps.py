from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisesConfig(AppConfig):
    name = "amparo.crises"
    label = "crises"
    verbose_name = _("Crises")

    def ready(self) -> None:
        from amparo.accounts.policy import NAMING_ROLES
        from amparo.core import ui
        from amparo.crises import access  # noqa: F401  (registers the access rules)
        from amparo.crises.queries import person_panel

        ui.add_nav("crises:crisis_list", _("Crises"), roles=None, order=30)
        ui.add_home_card("crises/_home_card.html", roles=None, order=30)
        ui.add_person_panel("crises/_person_panel.html", roles=NAMING_ROLES, order=30, context=person_panel)

    # --- Retention (amparo/registry/retention.py): a crisis in course keeps its people ----------

    def retention_holds(self, now):
        from django.db.models import Q

        from amparo.crises.codes import Phase
        from amparo.crises.models import WelfareStatus

        return Q(pk__in=WelfareStatus.objects.exclude(crisis__phase=Phase.CLOSED).values("person_id"))

    # --- Hooks called by the matching app when two person records are merged --------------------

    def merge_person(self, *, survivor, merged, actor) -> dict:
        from amparo.crises.merge import merge_person

        return merge_person(survivor=survivor, merged=merged, actor=actor)

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.crises.merge import unmerge_person

        unmerge_person(survivor=survivor, merged=merged, moved=moved, actor=actor)
