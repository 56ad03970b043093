"""Reply reading (issue 12): the reader against the old one, per language, on two labelled sets.

- the test corpus (amparo/messaging/tests/data/replies_corpus.csv, also checked in `make test`);
- the held-out set (bench/replies/heldout.csv), written separately before the new reader and
  never used to tune its vocabulary.

Figures per language and overall, for both readers in the same run:
  safe recall     replies labelled safe that are read as safe
  help recall     replies labelled help that are read as help (needs assistance)
  safe precision  replies read as safe that are labelled safe (a miss here hides someone)
  help precision  replies read as help that are labelled help
  route           replies sent the right way (safe, needs assistance, staff inbox, keyword)
  needs           help replies read as help whose needs are exactly the labelled ones
  DANGER          replies that ask for help or ask a question, read as safe (must be 0)
and the reading speed (replies per second, one process) with the load average.

Usage: bench/replies/run.sh   (or: .venv/bin/python bench/replies/bench_replies.py)
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

import old_reader  # noqa: E402  (the reference: the reader before issue 12)

from amparo.messaging.replies import read_reply  # noqa: E402

SETS = {
    "test corpus": ROOT / "amparo/messaging/tests/data/replies_corpus.csv",
    "held-out set": ROOT / "bench/replies/heldout.csv",
}
INBOX = {"question", "unclear"}
LANGUAGES = ("es", "en", "fr", "ht", "pt")


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def route(intent: str) -> str:
    return "inbox" if intent in INBOX else intent


def new(row):
    reading = read_reply(row["text"], language=row["lang"])
    return reading.intent, set(reading.needs)


def old(row):
    reading = old_reader.read_reply(row["text"])
    return reading.intent, set(reading.needs)


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%} ({part}/{whole})" if whole else "     — (0/0)"


def figures(rows: list[dict], reader) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        intent, needs = reader(row)
        label = row["label"]
        for key in (row["lang"], "all"):
            c = counts[key]
            c["n"] += 1
            c["safe"] += label == "safe"
            c["help"] += label == "help"
            c["read_safe"] += intent == "safe"
            c["read_help"] += intent == "help"
            c["safe_hit"] += label == intent == "safe"
            c["help_hit"] += label == intent == "help"
            c["route"] += route(intent) == route(label)
            c["needs"] += label == intent == "help" and needs == set(row["needs"].split())
            c["danger"] += intent == "safe" and label in ("help", "question")
            c["wrong_safe"] += intent == "safe" and label != "safe"
    return counts


def report(name: str, rows: list[dict]) -> None:
    print(f"\n## {name}: {len(rows)} replies")
    header = "| reader | lang | safe recall | help recall | safe precision | help precision | route | needs | DANGER |"
    print(header)
    print("| --- " * 9 + "|")
    for reader_name, reader in (("old (reference)", old), ("new", new)):
        counts = figures(rows, reader)
        for key in (*LANGUAGES, "all"):
            c = counts[key]
            print(
                f"| {reader_name} | {key} | {ratio(c['safe_hit'], c['safe'])} | {ratio(c['help_hit'], c['help'])} "
                f"| {ratio(c['safe_hit'], c['read_safe'])} | {ratio(c['help_hit'], c['read_help'])} "
                f"| {ratio(c['route'], c['n'])} | {ratio(c['needs'], c['help_hit'])} | {c['danger']} |"
            )


def speed(rows: list[dict]) -> None:
    texts = [row["text"] for row in rows] * 20
    for reader_name, function in (("old (reference)", old_reader.read_reply), ("new", read_reply)):
        start = time.perf_counter()
        for text in texts:
            function(text)
        elapsed = time.perf_counter() - start
        print(f"- {reader_name}: {len(texts) / elapsed:,.0f} replies/s ({len(texts)} replies, {elapsed:.2f} s)")


def main() -> None:
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    everything = []
    for name, path in SETS.items():
        rows = load(path)
        everything += rows
        report(name, rows)
    print("\n## speed")
    speed(everything)


if __name__ == "__main__":
    main()
