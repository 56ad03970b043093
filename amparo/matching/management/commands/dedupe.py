"""`amparo dedupe`: find duplicates in the registry (pairs for the review queue), or in a file
before import: `amparo dedupe --input FILE.csv --output FILE.csv` writes
`source_record_id,cluster_id,match_score` for every input row (cluster_id: the source_record_id
of the cluster's first row; match_score: the highest probability linking the row to another row
of its cluster, 0 for a row alone)."""

from __future__ import annotations

import sys
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from amparo.accounts import policy
from amparo.matching import batch, columns, files, services
from amparo.matching.features import Features
from amparo.matching.scoring import Model, PairScore, default_model, review_threshold, score


class Command(BaseCommand):
    help = "Find duplicate people in the registry (pairs for review) or in a file (clusters)."

    def add_arguments(self, parser):
        parser.add_argument("--input", help="a CSV/XLSX with the registry import columns")
        parser.add_argument("--output", help="where to write source_record_id,cluster_id,match_score")
        parser.add_argument("--threshold", type=float, default=None, help="match probability to join a cluster")
        parser.add_argument("--estimate", action="store_true", help="re-estimate the weights with EM on this data")
        parser.add_argument("--save-weights", help="write the estimated weights to this JSON file")
        parser.add_argument("--as", dest="as_user", help="act as this user (sees only what they may see)")
        parser.add_argument("--org", help="only people registered by this organization (slug)")
        parser.add_argument("--merge-automatic", action="store_true", help="merge pairs above the automatic threshold")
        parser.add_argument(
            "--shards",
            type=int,
            help="split the registry's dedupe by blocking key into this many tasks for the workers "
            "(amparo db_worker, on any machine); the clusters are stored on the run",
        )

    def handle(self, *args, **options):
        threshold = options["threshold"] if options["threshold"] is not None else review_threshold()
        if options["input"]:
            if not options["output"]:
                raise CommandError("--input needs --output FILE.csv")
            return self._file(options["input"], options["output"], threshold, options)
        if options["shards"]:
            return self._sharded(threshold, options)
        return self._registry(threshold, options)

    # --- the registry, split across task workers ---
    def _sharded(self, threshold: float, options) -> None:
        from amparo.matching import sharded

        if options["as_user"] or options["org"] or options["merge_automatic"] or options["estimate"]:
            raise CommandError("--shards runs over the whole registry as the system, with the shipped weights")
        self.stdout.write(f"refreshed the keys of {services.refresh_stale()} people")
        try:
            run = sharded.start(shards=options["shards"], threshold=threshold, actor_label="cli:dedupe")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"batch run {run.pk}: {run.shards} shard tasks enqueued for the workers")

    # --- a file before import ---
    def _file(self, path: str, output: str, threshold: float, options) -> None:
        started = time.perf_counter()
        try:
            table = files.read_table(path)
        except files.UnreadableInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"read {table.n} rows from {path}")
        records = columns.records(table)
        result = batch.dedupe(records, threshold=threshold, estimate_model=options["estimate"])
        self._save_weights(result.model, options)
        files.write_clusters(output, table.source_ids(), result.cluster, result.best)
        clusters = int(np.unique(result.cluster).size)
        self.stdout.write(
            f"wrote {table.n} rows, {clusters} clusters ({table.n - clusters} rows are duplicates) "
            f"to {output} in {time.perf_counter() - started:.1f}s"
        )

    # --- the registry ---
    def _registry(self, threshold: float, options) -> None:
        from amparo.accounts.models import Organization
        from amparo.matching.models import PersonFeatures
        from amparo.registry.models import Person

        principal = self._principal(options)
        started = time.perf_counter()
        refreshed = services.refresh_stale()
        self.stdout.write(f"refreshed the keys of {refreshed} people")
        people = policy.visible(principal, Person).exclude(record_status="merged")
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"--org {options['org']}: no such organization")
            people = people.filter(registering_organization=org)
        rows = PersonFeatures.objects.filter(person__in=people.values("pk")).values_list("person_id", "data")
        ids: list[int] = []
        features: list[Features] = []
        for pid, data in rows.iterator(chunk_size=5000):
            ids.append(pid)
            features.append(Features.from_json(data))
        self.stdout.write(f"comparing {len(ids)} people")
        result = batch.dedupe(features, threshold=threshold, estimate_model=options["estimate"])
        self._save_weights(result.model, options)
        hit = result.probability >= threshold
        pairs = []
        for a, b in zip(result.i[hit].tolist(), result.j[hit].tolist(), strict=True):
            pairs.append((ids[a], ids[b], score(features[a], features[b], result.model, registry_size=len(features))))
        created, updated = services.record_pairs(pairs, found_by="dedupe")
        merged = 0
        if options["merge_automatic"]:
            merged = self._merge_automatic(principal, pairs)
        self.stdout.write(
            f"{len(pairs)} likely pairs ({created} new, {updated} re-scored, {merged} merged) "
            f"in {time.perf_counter() - started:.1f}s"
        )

    def _merge_automatic(self, principal, pairs: list[tuple[int, int, PairScore]]) -> int:
        from django.core.exceptions import PermissionDenied, ValidationError

        from amparo.registry.models import Person

        merged = 0
        for a, b, s in sorted(pairs, key=lambda p: -p[2].probability):
            if s.band != "automatic":
                continue
            survivor, other = Person.objects.filter(pk__in=[a, b]).order_by("created_at", "pk")
            try:
                services.merge_people(actor=principal, survivor=survivor, merged=other)
            except (ValidationError, PermissionDenied) as exc:
                self.stderr.write(f"not merged {a} / {b}: {exc}")
                continue
            merged += 1
        return merged

    def _principal(self, options):
        if not options["as_user"]:
            return policy.system_principal("cli:dedupe")
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"--as {options['as_user']}: no such user")
        return policy.principal_for(user)

    def _save_weights(self, model: Model, options) -> None:
        if options["save_weights"]:
            from pathlib import Path

            model.save(Path(options["save_weights"]))
            self.stdout.write(f"weights written to {options['save_weights']}")
        elif options["estimate"] and model is not default_model():
            print(model.to_json(), file=sys.stderr)
