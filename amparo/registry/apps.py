from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "amparo.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from amparo.accounts.policy import NAMING_ROLES, REGISTRY_WRITERS
        from amparo.core import ui
        from amparo.registry import access  # noqa: F401  (registers the person access rule)
        from amparo.registry.retention import register as register_retention

        register_retention()

        ui.add_nav("registry:person_list", _("People"), roles=NAMING_ROLES, order=10)
        ui.add_nav("registry:import_start", _("Import"), roles=REGISTRY_WRITERS, order=11)
        ui.add_home_card("registry/_home_card.html", roles=NAMING_ROLES, order=10)
