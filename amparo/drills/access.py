"""Who sees what of drills, and the exercise wall (plugged into accounts.policy).

A drill is seen by the facilitators of its host organization and by its participants (members of
its exercise organization, who see it from inside the drill). The wall: every model that can hold
a drill's synthetic records names the path to its owning organization, so the policy keeps them
out of every real list, count and export, and shows a participant inside a drill only that drill's
records (policy.exercise_wall).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from amparo.accounts import policy
from amparo.drills.models import Drill

FACILITATOR_ROLES = frozenset({"org_admin", "supervisor", "consular_officer", "civil_protection_coordinator"})


def _drills(p: policy.Principal) -> Q:
    return Q(host_id__in=p.organization_ids(FACILITATOR_ROLES)) | Q(exercise_organization_id__in=p.organization_ids())


policy.register(Drill, names=_drills)

# model label: path to the Organization that owns the record
WALLS = {
    "registry.Person": "registering_organization",
    "registry.Household": "registering_organization",
    "crises.Crisis": "organization",
    "crises.AffectedArea": "crisis__organization",
    "crises.WelfareStatus": "crisis__organization",
    "crises.WelfareHistory": "crisis__organization",
    "crises.ConsularAlertLevel": "crisis__organization",
    "messaging.Broadcast": "organization",
    "messaging.Message": "organization",
    "messaging.InboundMessage": "organization",
    "messaging.CheckInAnswer": "message__organization",
    "messaging.Channel": "organization",
    "protection.Screening": "person__registering_organization",
    "protection.Referral": "person__registering_organization",
    "cases.Case": "person__registering_organization",
    "matching.MatchPair": "person_a__registering_organization",
    "portal.SelfRegistration": "organization",
    "portal.DataRequest": "organization",
}


def declare_walls() -> None:
    for label, path in WALLS.items():
        app_label, model_name = label.split(".")
        if not apps.is_installed(f"amparo.{app_label}"):
            continue
        model = apps.get_model(app_label, model_name)
        root = path.split("__")[0]
        if any(f.name == root for f in model._meta.get_fields()):
            policy.exercise_wall(model, path)
