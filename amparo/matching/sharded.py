"""The registry-wide batch dedupe split by blocking key across task workers (issue 19).

`start()` (the coordinator) records a BatchRun and enqueues one `dedupe_shard` task per shard.
Shard s owns the blocking keys whose CRC-32 is s modulo the number of shards: its worker, on any
machine, reads the same people (those with features up to the run's `max_person_id`, in id
order), keeps only its keys, and finds, compares and scores the candidate pairs of those keys'
blocks exactly as `batch.dedupe` does for all of them (blocks are per key, so the union of the
shards' pairs is the single-process run's pairs; a pair whose two people share keys in two shards
is found by both, and counted once). It writes its likely pairs (BatchPair) and marks itself done
in one transaction; the last shard to finish enqueues `build_clusters`, which joins the pairs of
every shard into clusters (connected components, `batch.clusters`) and stores them on the run.

Every task is idempotent: a shard already done does nothing, a shard killed mid-way is run again
from the start (its partial pairs are replaced), the clusters are built once. Each worker holds
the encoded records of the whole run in memory (about 2 GB at 1M people); what is split is the
blocking, the comparisons and the scoring, which grow with the number of candidate pairs.
"""

from __future__ import annotations

import zlib

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from amparo.matching import batch
from amparo.matching.features import Features
from amparo.matching.models import BatchPair, BatchRun, PersonFeatures
from amparo.matching.scoring import default_model, review_threshold

DEFAULT_SHARDS = 8


def shard_of(key: str, shards: int) -> int:
    """The shard that owns a blocking key: the same on every machine and in every process
    (Python's own str hash is salted per process)."""
    return zlib.crc32(key.encode()) % shards


def _people():
    return PersonFeatures.objects.exclude(person__record_status="merged")


def start(*, shards: int = DEFAULT_SHARDS, threshold: float | None = None, actor_label: str = "cli:dedupe") -> BatchRun:
    """Record a run over the people who have features now and enqueue its shards."""
    if shards < 1:
        raise ValueError("shards must be 1 or more")
    with transaction.atomic():
        top = _people().aggregate(top=Max("person_id"))["top"] or 0
        run = BatchRun.objects.create(
            shards=shards,
            threshold=review_threshold() if threshold is None else threshold,
            max_person_id=top,
            created_by_label=actor_label,
        )
        transaction.on_commit(lambda: [dedupe_shard.enqueue(run.pk, s) for s in range(shards)])
    return run


def load(run: BatchRun) -> tuple[list[int], list[Features]]:
    """The run's people, in id order (the same list in every worker)."""
    ids: list[int] = []
    features: list[Features] = []
    rows = _people().filter(person_id__lte=run.max_person_id).order_by("person_id")
    for pid, data in rows.values_list("person_id", "data").iterator(chunk_size=5000):
        ids.append(pid)
        features.append(Features.from_json(data))
    return ids, features


def shard_pairs(features: list[Features], shard: int, shards: int, threshold: float):
    """(i, j, probability) of the likely pairs found under the keys shard `shard` owns."""
    records = batch.Records(features)
    rows, codes = [], []
    for index, f in enumerate(features):
        for key in f.blocking_keys():
            if shard_of(key, shards) == shard:
                rows.append(index)
                codes.append(hash(key))
    records.key_rows = np.asarray(rows, dtype=np.int64)
    records.key_codes = np.asarray(codes, dtype=np.int64)
    i, j = batch.candidate_pairs(records)
    if not i.size:
        return i, j, np.zeros(0)
    levels = batch.parallel_compare(records, i, j)
    probability = batch.probabilities(batch.match_weights(levels, default_model(), records.n))
    hit = probability >= threshold
    return i[hit], j[hit], probability[hit]


@task()
def dedupe_shard(run_id: int, shard: int) -> int:
    """Find, compare and score one shard's candidate pairs; write its likely pairs."""
    run = BatchRun.objects.filter(pk=run_id).first()
    if run is None or shard in run.shards_done or run.status != BatchRun.Status.RUNNING:
        return 0
    ids, features = load(run)
    i, j, probability = shard_pairs(features, shard, run.shards, run.threshold)
    people = np.asarray(ids, dtype=np.int64)
    with transaction.atomic():
        run = BatchRun.objects.select_for_update().get(pk=run_id)
        if shard in run.shards_done:
            return 0
        BatchPair.objects.filter(run=run, shard=shard).delete()  # a killed attempt's rows
        BatchPair.objects.bulk_create(
            [
                BatchPair(run=run, shard=shard, person_a=a, person_b=b, probability=p)
                for a, b, p in zip(people[i].tolist(), people[j].tolist(), probability.tolist(), strict=True)
            ],
            batch_size=5000,
        )
        run.shards_done = sorted({*run.shards_done, shard})
        run.people = len(ids)
        run.save(update_fields=["shards_done", "people"])
        if len(run.shards_done) == run.shards:
            transaction.on_commit(lambda: build_clusters.enqueue(run_id))
    return int(i.size)


def clusters_of(pairs: np.ndarray) -> list[list[int]]:
    """Clusters (sorted person ids, two or more) of (person_a, person_b) rows."""
    if not len(pairs):
        return []
    people, index = np.unique(pairs.reshape(-1), return_inverse=True)
    index = index.reshape(-1, 2)
    label = batch.clusters(people.size, index[:, 0], index[:, 1])
    groups: dict[int, list[int]] = {}
    for person, root in zip(people.tolist(), label.tolist(), strict=True):
        groups.setdefault(root, []).append(person)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


@task()
def build_clusters(run_id: int) -> int:
    """Join every shard's pairs into clusters, once."""
    with transaction.atomic():
        run = BatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != BatchRun.Status.RUNNING or len(run.shards_done) < run.shards:
            return len(run.clusters)
        pairs = np.asarray(list(run.pairs.values_list("person_a", "person_b")), dtype=np.int64).reshape(-1, 2)
        run.clusters = clusters_of(pairs)
        run.status = BatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["clusters", "status", "finished_at"])
    return len(run.clusters)


def single_process_clusters(threshold: float, max_person_id: int | None = None) -> list[list[int]]:
    """The same people's clusters from `batch.dedupe` in one process (the reference)."""
    run = BatchRun(max_person_id=max_person_id or (_people().aggregate(top=Max("person_id"))["top"] or 0))
    ids, features = load(run)
    result = batch.dedupe(features, threshold=threshold)
    people = np.asarray(ids, dtype=np.int64)
    hit = result.probability >= threshold
    return clusters_of(np.stack([people[result.i[hit]], people[result.j[hit]]], axis=1))
