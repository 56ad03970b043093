from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "amparo.core"
    label = "core"
    verbose_name = _("Amparo")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from amparo.core import checks  # noqa: F401  (registers the deployment checks)
        from amparo.core.database import plan_for_whole_results

        connection_created.connect(plan_for_whole_results, dispatch_uid="amparo-plan-whole-results")
