"""Calibrate the default weights (amparo/matching/data/weights.json) on a generated registry.

    python bench/matching/calibrate.py [--people 100000 1000000] [--seed 1]

The training registries use another seed than the benchmark's (7), so the benchmark measures
weights on people they were not fitted on. The weights are fitted jointly by logistic regression
on the candidate pairs whose truth is known (families included): see batch.fit_weights; m and u
are counted on the same pairs and kept in the file for reference. Pairs of registries of two
sizes are pooled so that the slope of the intercept with the registry's size is fitted too: in
a registry ten times larger, ten times more strangers share a name and a birthday.
"""

import argparse
import csv
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from amparo.matching import batch, columns, files  # noqa: E402
from amparo.matching.scoring import WEIGHTS_FILE  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from bench import latam_file  # noqa: E402  (bench.py in this folder)

    pooled: dict[str, list] = {}
    matches, sizes = [], []
    for people in args.people:
        path = latam_file(people, args.seed)
        table = files.read_table(path)
        size = table.n
        with open(path, encoding="utf-8") as handle:
            true_ids = np.array([int(r["true_id"]) for r in csv.DictReader(handle)])
        result = batch.dedupe(columns.records(table))
        for field, levels in result.levels.items():
            pooled.setdefault(field, []).append(levels)
        matches.append(true_ids[result.i] == true_ids[result.j])
        sizes.append(np.full(result.i.size, size))
        print(f"{people} records: {result.i.size} candidate pairs", flush=True)
    levels = {field: np.concatenate(parts) for field, parts in pooled.items()}
    model = batch.fit_weights(
        levels, np.concatenate(matches), sizes=np.concatenate(sizes) if len(args.people) > 1 else None
    )
    sizes_text = " and ".join(f"{p:,}" for p in args.people)
    model.notes += f"; generated registries of {sizes_text} records, seed {args.seed} (bench/matching/calibrate.py)"
    model.save(WEIGHTS_FILE)
    print(f"wrote {WEIGHTS_FILE}: {model.notes}")
    print(
        f"  intercept {model.intercept:+.2f} bits, {model.size_slope:+.2f} bits per doubling above {model.reference_size:,}"
    )
    for field, weights in model.weights().items():
        print(f"  {field:<12} " + "  ".join(f"{w:+.1f}" for w in weights))


if __name__ == "__main__":
    main()
