from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "amparo.portal"
    label = "portal"
    verbose_name = _("Migrant portal")

    def ready(self) -> None:
        from amparo.accounts.policy import REGISTRY_WRITERS
        from amparo.core import ui
        from amparo.portal import access  # noqa: F401  (registers the access rules)
        from amparo.portal.access import EDITOR_ROLES

        ui.add_nav("portal:staff_home", _("Portal"), roles=EDITOR_ROLES, order=60)
        ui.add_home_card("portal/_home_card.html", roles=REGISTRY_WRITERS, order=60)

    # --- merging two person records (called by the matching app, inside its transaction) ---------
    def merge_person(self, *, survivor, merged, actor) -> dict:
        """The merged record's data requests follow it; its self-registration stays with it (a
        merge is how staff resolve a self-registration that duplicated a known person)."""
        from amparo.portal.models import DataRequest

        ids = list(DataRequest.objects.filter(person=merged).values_list("pk", flat=True))
        DataRequest.objects.filter(pk__in=ids).update(person=survivor)
        return {"data_requests": ids}

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.portal.models import DataRequest

        DataRequest.objects.filter(pk__in=moved.get("data_requests", []), person=survivor).update(person=merged)
