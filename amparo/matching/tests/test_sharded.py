"""The batch dedupe split by blocking key across task workers (issue 19): the shards' pairs
joined give the clusters one process gives; tasks are idempotent; two real `amparo db_worker
--batch` processes draining the queue together give the same clusters as one process."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from amparo.matching import services, sharded
from amparo.matching.models import BatchPair, BatchRun
from amparo.registry.models import Person

ROOT = Path(__file__).resolve().parents[3]
NAMES = [
    ("María José", "López", "García"),
    ("Juan Carlos", "Pérez", "Hernández"),
    ("Ana Lucía", "Ramírez", "Flores"),
    ("José Luis", "Martínez", "Cruz"),
    ("Rosa Elena", "Gómez", "Díaz"),
    ("Carlos Andrés", "Morales", "Reyes"),
    ("Wilna", "Joseph", ""),
    ("Franklin", "Vásquez", "Hernández"),
    ("Daniela", "Castillo", "Mejía"),
    ("Kevin Josué", "Mendoza", "Aguilar"),
]


def people(organization):
    """Each person registered twice (the second time without accents, a phone written without
    its prefix), plus a namesake born another year, who is somebody else."""
    made = []
    for k, (given, first, second) in enumerate(NAMES):
        born = date(1980 + k, 1 + k % 12, 3 + k)
        phone = f"+502 5555 {1000 + k:04d}"
        for variant in (0, 1):
            fold = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")
            made.append(
                Person.objects.create(
                    registering_organization=organization,
                    given_names=given if variant == 0 else given.translate(fold).upper(),
                    first_surname=first,
                    second_surname=second,
                    birth_date=born,
                    nationality="GT",
                    source_record_id=f"{k}-{variant}",
                )
            )
            if variant == 0:
                made[-1].contacts.create(kind="phone", value=phone.replace(" ", ""))
        made.append(
            Person.objects.create(
                registering_organization=organization,
                given_names=given,
                first_surname=first,
                birth_date=date(1950 + k, 6, 20),
                nationality="HN",
            )
        )
    services.refresh_keys(p.pk for p in made)
    return made


@pytest.mark.django_db
def test_shards_joined_give_the_clusters_of_one_process(shelter, django_capture_on_commit_callbacks):
    people(shelter)
    threshold = 0.5
    reference = sharded.single_process_clusters(threshold)
    assert len(reference) >= 8  # the re-registrations are found
    with django_capture_on_commit_callbacks(execute=True):
        run = sharded.start(shards=3, threshold=threshold)
    for shard in (2, 0, 1):
        sharded.dedupe_shard.call(run.pk, shard)
    sharded.dedupe_shard.call(run.pk, 1)  # again: nothing new
    sharded.build_clusters.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.shards_done == [0, 1, 2] and run.people == 30
    assert run.clusters == reference
    # no shard wrote its pairs twice
    shards = BatchPair.objects.filter(run=run).values_list("shard", "person_a", "person_b")
    assert len(set(shards)) == shards.count()


@pytest.mark.django_db
def test_a_shard_killed_mid_way_is_run_again_from_the_start(shelter):
    people(shelter)
    run = BatchRun.objects.create(shards=2, threshold=0.5, max_person_id=10**9, created_by_label="test")
    BatchPair.objects.create(
        run=run, shard=0, person_a=10**8, person_b=10**8 + 1, probability=0.9
    )  # a dead attempt's row
    sharded.dedupe_shard.call(run.pk, 0)
    assert not BatchPair.objects.filter(run=run, person_a=10**8).exists()
    assert sharded.build_clusters.call(run.pk) == 0  # shard 1 not done: no clusters yet
    sharded.dedupe_shard.call(run.pk, 1)
    assert sharded.build_clusters.call(run.pk) == len(sharded.single_process_clusters(0.5))


def test_a_key_belongs_to_the_same_shard_in_every_process():
    code = (
        "import django; django.setup(); from amparo.matching.sharded import shard_of; "
        "print(shard_of('gn:maria|s:lopez', 8), hash('gn:maria|s:lopez') % 8)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "amparo.settings", "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    shard, salted = out.stdout.split()
    assert int(shard) == sharded.shard_of("gn:maria|s:lopez", 8)  # Python's own hash would differ: salted


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="a second process cannot open SQLite's in-memory test database",
)
def test_two_worker_processes_give_the_clusters_of_one_process(shelter):
    from django_tasks_db.models import DBTaskResult

    people(shelter)
    threshold = 0.5
    reference = sharded.single_process_clusters(threshold)
    run = sharded.start(shards=6, threshold=threshold)  # autocommit: the shards are enqueued now
    assert DBTaskResult.objects.filter(status="READY", task_path__contains="dedupe_shard").count() == 6
    env = {**os.environ, "DATABASE_URL": _database_url(), "AMPARO_LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).parent / "amparo"), "db_worker", "--batch", "--queue-name", "*"]
    workers = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 240
        while BatchRun.objects.get(pk=run.pk).status == "running" and time.monotonic() < deadline:
            if all(w.poll() is not None for w in workers) and not DBTaskResult.objects.filter(status="READY").exists():
                break
            time.sleep(0.2)
    finally:
        for w in workers:
            if w.poll() is None:
                w.wait(timeout=120)
            w.stderr.close()
    run.refresh_from_db()
    assert run.status == "done", list(DBTaskResult.objects.values_list("task_path", "status"))
    assert run.clusters == reference
    ours = DBTaskResult.objects.filter(task_path__startswith="amparo.matching.sharded.")
    assert set(ours.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert ours.count() == 7  # six shards and the clusters


@pytest.mark.django_db(transaction=True)
def test_the_command_enqueues_one_task_per_shard(shelter):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    people(shelter)
    out = StringIO()
    call_command("dedupe", "--shards", "3", stdout=out)
    run = BatchRun.objects.get()
    assert (
        f"batch run {run.pk}: 3 shard tasks" in out.getvalue() and run.max_person_id == Person.objects.latest("pk").pk
    )
    assert DBTaskResult.objects.filter(task_path__endswith="dedupe_shard", status="READY").count() == 3
