"""API: who am I, and the organization directory."""

from ninja import Router, Schema

from amparo.accounts import policy
from amparo.accounts.models import Organization

router = Router(tags=["accounts"])


class SeatOut(Schema):
    organization: str
    role: str


class MeOut(Schema):
    username: str
    seats: list[SeatOut]
    sees_sensitive: bool


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    country: str
    served_nationality: str
    jurisdiction_country: str


@router.get("/me", response=MeOut)
def me(request):
    principal = policy.principal_for(request.user)
    slugs = dict(Organization.objects.filter(pk__in=principal.organization_ids()).values_list("pk", "slug"))
    return {
        "username": principal.label,
        "seats": [{"organization": slugs[s.organization_id], "role": s.role} for s in principal.seats],
        "sees_sensitive": principal.sees_sensitive,
    }


@router.get("/organizations", response=list[OrganizationOut])
def organizations(request):
    return list(policy.visible(request.user, Organization))
