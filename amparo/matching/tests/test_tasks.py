"""The background refresh keeps keys current after registry writes it does not see."""

from amparo.matching import tasks
from amparo.matching.models import PersonKey


def test_refresh_task_catches_up_with_new_people(make_person, shelter, settings):
    person = make_person(shelter, given_names="Lucía", first_surname="Pérez")
    assert not PersonKey.objects.filter(person=person).exists()
    assert tasks.refresh_stale_keys.func(reschedule_seconds=0) == 1
    assert PersonKey.objects.filter(person=person).exists()


def test_ensure_scheduled_enqueues_the_chain_once(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks._checked = False
    tasks.ensure_scheduled()
    tasks._checked = False
    tasks.ensure_scheduled()
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_stale_keys").count() == 1
