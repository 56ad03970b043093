"""Background work of the crises app: polling CAP feeds, recomputing the affected set.

django-tasks-db has no scheduler, so a feed's poll re-enqueues itself with `run_after`. Each
start of polling stamps the feed with a new token; a poll carrying an older token stops, so a
restarted feed never ends up with two chains. Whatever a poll meets (an unreachable feed, a bad
entry, an unexpected error), the next poll is still scheduled, and the feed keeps the error and its
time (`last_error`, `last_error_at`) for its page.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from amparo.accounts import policy
from amparo.crises import cap
from amparo.crises.cap_import import import_batch
from amparo.crises.models import CapFeed, Crisis

log = logging.getLogger(__name__)


def start_polling(feed: CapFeed) -> str:
    """(Re)start a feed's chain of polls: the first runs as soon as a worker is free."""
    token = secrets.token_hex(8)
    CapFeed.objects.filter(pk=feed.pk).update(poll_token=token)
    feed.poll_token = token
    transaction.on_commit(lambda: poll_cap_feed.enqueue(feed.pk, token))
    return token


@task()
def poll_cap_feed(feed_id: int, token: str) -> dict:
    feed = CapFeed.objects.filter(pk=feed_id).first()
    if feed is None or not feed.is_active or feed.poll_token != token:
        return {"stopped": True}
    summary: dict = {"stopped": False}
    try:
        batch = cap.load_url(feed.url)
        outcomes = import_batch(actor=policy.system_principal("task:cap-feed"), batch=batch, source_url=feed.url)
        summary["outcomes"] = {o.action: 0 for o in outcomes}
        for o in outcomes:
            summary["outcomes"][o.action] += 1
        error = "; ".join(o.message for o in outcomes if o.action == "rejected")[:2000]
    except cap.InvalidCapAlert as exc:
        error = str(exc)[:2000]
    except Exception:  # noqa: BLE001 (the chain of polls must go on; the trace goes to the log)
        log.exception("CAP feed %s: poll failed", feed.url)
        error = "unexpected error while reading the feed (see the server log)"
    now = timezone.now()
    changes = {"last_polled_at": now}
    if error:
        changes.update(last_error=error, last_error_at=now)
        log.warning("CAP feed %s: %s", feed.url, error)
    else:
        changes["last_error"] = ""  # the time of the last error stays, for the feed page
    CapFeed.objects.filter(pk=feed.pk).update(**changes)
    summary["error"] = error
    if default_task_backend.supports_defer:
        run_after = timezone.now() + timedelta(seconds=max(30, feed.interval_seconds))
        poll_cap_feed.using(run_after=run_after).enqueue(feed.pk, token)
        summary["next"] = run_after.isoformat()
    return summary


@task()
def recompute_affected_task(crisis_id: int) -> int:
    """Recompute a crisis's affected set (after people moved); idempotent."""
    from amparo.crises.services import recompute_affected

    crisis = Crisis.objects.filter(pk=crisis_id).first()
    return recompute_affected(crisis=crisis).total if crisis else 0
