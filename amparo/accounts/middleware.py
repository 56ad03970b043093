"""Show times in the user's zone (their own setting, else their organization's, else UTC) and
pages in the user's language.

Language, from strongest to weakest: the language switcher (its cookie, also set at sign-in and
when the profile is saved), the profile's language, the browser's Accept-Language (Django's
LocaleMiddleware, which runs before authentication and so cannot read the profile itself)."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from amparo.accounts.models import UserProfile
from amparo.accounts.policy import principal_for


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        profile = _profile(user)
        zone = _zone_for(user, profile)
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        language = profile.language if profile else ""
        if language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def _profile(user):
    if user is None or not user.is_authenticated:
        return None
    return UserProfile.objects.filter(user=user).first()


def _zone_for(user, profile):
    if user is None or not user.is_authenticated:
        return None
    name = profile.time_zone if profile and profile.time_zone else ""
    if not name:
        organization = principal_for(user).organization
        name = organization.zone if organization else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


# The session key that holds the exercise organization a user joined (drills.views sets it).
EXERCISE_SESSION_KEY = "amparo_exercise"


class ExerciseMiddleware:
    """A user who joined a drill acts in its exercise organization only, until they leave it: the
    access policy then shows them that drill's synthetic world and nothing real (policy's
    exercise wall). Runs before anything computes the user's principal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        exercise = request.session.get(EXERCISE_SESSION_KEY) if hasattr(request, "session") else None
        if exercise and user is not None and user.is_authenticated:
            from amparo.accounts.models import Membership

            if Membership.objects.filter(
                user=user, organization_id=exercise, is_active=True, organization__is_exercise=True,
                organization__is_active=True,
            ).exists():  # fmt: skip
                user._amparo_exercise = int(exercise)
            else:
                request.session.pop(EXERCISE_SESSION_KEY, None)  # the drill ended or the seat went
        return self.get_response(request)


class RefusedAccessAuditMiddleware:
    """Record every refused access as an audit event an organization administrator sees: a 404
    on a record that exists but is not the user's to see (policy.NotVisible), under that record's
    organization, and a 403 (PermissionDenied), under the record's organization when known
    (policy.Refused), else under each organization of the user. The response stays what it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        record_refusal(request, exception)
        return None


def record_refusal(request, exception) -> None:
    from django.core.exceptions import PermissionDenied

    from amparo.accounts import audit, policy
    from amparo.accounts.codes import AuditAction

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    obj = getattr(exception, "obj", None)
    if isinstance(exception, policy.NotVisible | policy.Refused) and obj is not None:
        status = 404 if isinstance(exception, policy.NotVisible) else 403
        audit.denied(user, obj, request=request, reason=str(exception), status=status)
    elif isinstance(exception, PermissionDenied):
        principal = principal_for(user)
        for organization_id in sorted(principal.organization_ids()) or [None]:
            audit.record(
                principal,
                AuditAction.ACCESS_DENIED,
                request=request,
                organization=organization_id,
                summary=(str(exception) or "refused 403")[:300],
                status=403,
                path=request.path[:200],
            )
