"""Starting dispatch: never more waiting chains than asked for, once per transaction."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from amparo.messaging.tasks import dispatch_after_commit, dispatch_outbox, schedule_dispatch

pytestmark = pytest.mark.django_db


def _waiting() -> int:
    return DBTaskResult.objects.filter(task_path=dispatch_outbox.module_path, status="READY").count()


def test_chains_already_waiting_to_run_now_are_counted():
    schedule_dispatch(parallel=2)
    schedule_dispatch(parallel=2)  # both chains are still waiting: nothing more to start
    assert _waiting() == 2
    schedule_dispatch(parallel=3)
    assert _waiting() == 3


def test_many_messages_in_one_transaction_start_dispatch_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(50):  # a batch of replies, each answered with a thank-you
            dispatch_after_commit(parallel=1)
    assert len(callbacks) == 1
    assert _waiting() == 1


def test_a_rolled_back_savepoint_does_not_swallow_the_start(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                dispatch_after_commit(parallel=1)
                raise RuntimeError("this reply failed")
        except RuntimeError:
            pass
        dispatch_after_commit(parallel=1)  # the next reply's thank-you still goes out
    assert _waiting() == 1
