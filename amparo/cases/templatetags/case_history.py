"""`{{ event|case_event }}`: a line of a case's history in words ("Step: Assessment → Case plan"),
never its codes (`opened`, `screening`, `goals_met`, `org-slug/username`)."""

from __future__ import annotations

from datetime import date

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.translation import gettext as _

from amparo.core import labels

register = template.Library()


def _step(code: str) -> str:
    return labels.label("cases.Step", code) if code else "—"


def _reason(code: str) -> str:
    return labels.label("cases.ClosureReason", code) if code else "—"


def _worker(value: str) -> str:
    """ "org-slug/username" → "username (Organization name)"."""
    from amparo.accounts.models import Organization

    slug, _sep, username = value.partition("/")
    if not username:
        return value
    org = Organization.objects.filter(slug=slug).values_list("name", flat=True).first()
    return f"{username} ({org or slug})"


def _date(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


@register.filter
def case_event(event) -> str:
    kind, before, after = event.kind, event.from_value, event.to_value
    if kind == "opened":
        return _("Case opened at the step “%(step)s”") % {"step": _step(after)}
    if kind == "step":
        return _("Step: %(before)s → %(after)s") % {"before": _step(before), "after": _step(after)}
    if kind == "closed":
        return _("Case closed: %(reason)s") % {"reason": _reason(after)}
    if kind == "reopened":
        return _("Case reopened (it had been closed: %(reason)s)") % {"reason": _reason(before)}
    if kind == "reviewed":
        return _("Case plan reviewed; next review by %(date)s") % {"date": _date(after)}
    if kind == "transferred":
        return _("Transferred from %(before)s to %(after)s") % {"before": _worker(before), "after": _worker(after)}
    if kind == "skipped":
        return _("Step skipped: %(step)s") % {"step": _step(after)}
    if kind == "assessed":
        return _("Assessment recorded")
    if kind == "referred":
        return _("Referral %(ref)s prepared from the plan") % {"ref": after}
    if kind == "left_open":
        return _("Left open at closure: %(item)s") % {"item": after}
    if kind == "follow_up_planned":
        return _("Follow-up after closure planned for %(date)s") % {"date": _date(after)}
    if kind == "no_follow_up":
        return _("No follow-up after closure")
    if kind == "profiles_changed":
        return _("A new screening changed the person's profiles: review")
    if kind == "profiles_reviewed":
        return _("Profile change reviewed")
    return " ".join(part for part in (kind, before and f"{before} →", after) if part)
