from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "amparo.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from amparo.core import ui
        from amparo.registry import access  # noqa: F401  (registers the person access rule)

        ui.add_nav("registry:person_list", _("People"), roles=policy_naming_roles(), order=10)


def policy_naming_roles():
    from amparo.accounts.policy import NAMING_ROLES

    return NAMING_ROLES
