from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "amparo.accounts"
    label = "accounts"
    verbose_name = _("Organizations and access")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from amparo.accounts import access  # noqa: F401  (registers access rules)
        from amparo.accounts.chain import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="amparo-audit-sqlite-functions")
        from amparo.core import ui

        ui.add_nav("accounts:agreements", _("Data sharing"), roles=None, order=80)
        ui.add_nav("accounts:members", _("Members"), roles={"org_admin"}, order=85)
        ui.add_nav("accounts:audit", _("Audit log"), roles={"org_admin", "supervisor"}, order=90)
        ui.add_home_card("accounts/_home_card_admin.html", roles={"org_admin"}, order=5)
        ui.add_home_card("accounts/_home_card_account.html", roles=None, order=99)
