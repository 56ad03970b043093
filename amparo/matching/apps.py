from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "amparo.matching"
    label = "matching"
    verbose_name = _("Duplicate matching")

    def ready(self) -> None:
        from amparo.accounts.policy import REGISTRY_WRITERS
        from amparo.core import ui
        from amparo.matching import access  # noqa: F401  (registers the pair access rule)

        ui.add_nav("matching:review_queue", _("Duplicates"), roles=REGISTRY_WRITERS, order=15)

    def purge_person(self, person_ids) -> None:
        """Retention: the merges a purged person took part in go with them (pairs cascade)."""
        from django.db.models import Q

        from amparo.matching.models import Merge

        Merge.objects.filter(Q(survivor_id__in=person_ids) | Q(merged_id__in=person_ids)).delete()

    def person_saved(self, person_ids) -> None:
        """Optional hook for the registry to call after it writes people: keeps keys current at
        once (without it, the `refresh_stale_keys` task catches up within a minute)."""
        from amparo.matching.services import refresh_keys

        refresh_keys(person_ids)
