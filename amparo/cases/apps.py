from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "amparo.cases"
    label = "cases"
    verbose_name = _("Case management")

    def ready(self) -> None:
        from amparo.cases import access  # (registers the access rules)
        from amparo.core import ui

        roles = access.CASE_WORKER_ROLES
        ui.add_nav("cases:caseload", _("Cases"), roles=roles, order=45)
        ui.add_home_card("cases/_home_card.html", roles=roles, order=45)
        from amparo.cases.queries import person_panel

        ui.add_person_panel("cases/_person_panel.html", roles=roles, order=45, context=person_panel)

    # --- A new screening changed the person's profiles (protection.services.flag_profile_change) ---
    def profiles_changed(self, *, person, screening, actor) -> None:
        from amparo.cases.services import flag_profile_change

        flag_profile_change(person=person, screening=screening, actor=actor)

    # --- Retention (amparo/registry/retention.py) ---
    def retention_holds(self, now):
        """An open case, or one closed within RETENTION_DAYS["case_closed"], keeps its person."""
        from datetime import timedelta

        from django.conf import settings
        from django.db.models import Q

        from amparo.cases.models import Case

        recent = now - timedelta(days=settings.RETENTION_DAYS["case_closed"])
        held = Case.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=recent)).values("person_id")
        return Q(pk__in=held)

    def purge_person(self, person_ids) -> None:
        from amparo.cases.models import Case

        Case.objects.filter(person_id__in=person_ids).delete()  # notes, actions, follow-ups, events with it

    # --- Merging two person records (called by the matching app inside its transaction) ---

    def merge_person(self, *, survivor, merged, actor) -> dict:
        from amparo.cases.models import Case

        cases = list(Case.objects.filter(person=merged).values_list("pk", flat=True))
        Case.objects.filter(pk__in=cases).update(person=survivor)
        return {"cases": cases}

    def unmerge_person(self, *, survivor, merged, moved: dict, actor) -> None:
        from amparo.cases.models import Case

        Case.objects.filter(pk__in=moved.get("cases", []), person=survivor).update(person=merged)
