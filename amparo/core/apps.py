from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "amparo.core"
    label = "core"
    verbose_name = _("Amparo")

    def ready(self) -> None:
        from amparo.core import checks  # noqa: F401  (registers the deployment checks)
