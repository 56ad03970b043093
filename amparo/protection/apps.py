from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_defaults(sender, using="default", **kwargs):
    """Seed the default profiles, questions, rules and pathways on an empty database (after
    `migrate`, and after a test flush): data a country then edits in the admin."""
    from django.db import connections

    from amparo.protection.defaults import load_defaults

    if "protection_countrydirectory" not in connections[using].introspection.table_names():
        return  # migrated backwards, or not yet (the directory's tables come with 0003)
    load_defaults(only_if_empty=True)


class ProtectionConfig(AppConfig):
    name = "amparo.protection"
    label = "protection"
    verbose_name = _("Protection")

    def ready(self) -> None:
        from amparo.accounts.policy import NAMING_ROLES, SENSITIVE_ROLES
        from amparo.core import ui
        from amparo.protection import access  # noqa: F401  (registers the access rules)

        post_migrate.connect(_seed_defaults, sender=self, dispatch_uid="protection-defaults")
        ui.add_nav("protection:directory", _("Services"), roles=None, order=40)
        ui.add_nav("protection:referral_list", _("Referrals"), roles=NAMING_ROLES, order=42)
        ui.add_home_card("protection/_home_card.html", roles=SENSITIVE_ROLES | {"provider_staff"}, order=40)
        from amparo.protection.queries import person_panel

        ui.add_person_panel("protection/_person_panel.html", roles=NAMING_ROLES, order=40, context=person_panel)

    # --- Retention (amparo/registry/retention.py): screenings and referrals go with the person ---
    def purge_person(self, person_ids) -> None:
        from amparo.protection.models import Referral, Screening

        Referral.objects.filter(person_id__in=person_ids).delete()
        Screening.objects.filter(person_id__in=person_ids).delete()

    # --- Merging two person records (called by the matching app inside its transaction) ---

    def merge_person(self, *, survivor, merged, actor) -> dict:
        from amparo.protection.models import Referral, Screening

        screenings = list(Screening.objects.filter(person=merged).values_list("pk", flat=True))
        referrals = list(Referral.objects.filter(person=merged).values_list("pk", flat=True))
        Screening.objects.filter(pk__in=screenings).update(person=survivor)
        Referral.objects.filter(pk__in=referrals).update(person=survivor)
        return {"screenings": screenings, "referrals": referrals}

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.protection.models import Referral, Screening

        Screening.objects.filter(pk__in=moved.get("screenings", []), person=survivor).update(person=merged)
        Referral.objects.filter(pk__in=moved.get("referrals", []), person=survivor).update(person=merged)
