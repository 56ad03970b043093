"""Background matching: each new inquiry, registration, welfare update and found-person note is
matched in a task (django-tasks), so the page that recorded it never waits. Matching is
idempotent (a pair is one row whatever its state), so a task run twice proposes nothing twice."""

from __future__ import annotations

from django_tasks import task

CHUNK = 2000


def enqueue_matching(*, inquiry_ids=(), person_ids=()) -> None:
    inquiry_ids, person_ids = list(inquiry_ids), list(person_ids)
    for inquiry_id in inquiry_ids:
        match_inquiry_task.enqueue(inquiry_id)
    for start in range(0, len(person_ids), CHUNK):
        match_people_task.enqueue(person_ids[start : start + CHUNK])


@task()
def match_inquiry_task(inquiry_id: int) -> int:
    from amparo.tracing.services import match_inquiry

    return match_inquiry(inquiry_id)


@task()
def match_people_task(person_ids: list[int]) -> int:
    from amparo.tracing.services import match_people

    return match_people(person_ids)
