from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "amparo.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from amparo.core import ui
        from amparo.drills import access

        access.declare_walls()
        ui.add_nav("drills:drill_list", _("Drills"), roles=access.FACILITATOR_ROLES, order=80)
        ui.add_page_banner("drills/_banner.html", context=_inside_drill)


def _inside_drill(request) -> dict | None:
    """The banner's data when the user's session is inside a drill."""
    from amparo.accounts.policy import principal_for
    from amparo.drills.models import Drill
    from amparo.drills.services import sim_clock

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    exercise = principal_for(user).exercise_id
    drill = Drill.objects.filter(exercise_organization_id=exercise).first() if exercise else None
    return {"drill": drill, "clock": sim_clock(drill.sim_now())} if drill else None
