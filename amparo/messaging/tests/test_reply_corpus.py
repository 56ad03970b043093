"""The reply reader against a labelled corpus of 300+ realistic replies (data/replies_corpus.csv):
no reply that asks for help or asks a question is ever read as safe, and the reader gets the
route (safe, needs assistance, staff inbox, keyword) and the needs right at the level it reaches
today. bench/replies/ measures the same on a separately written set, against the old reader."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from amparo.messaging.replies import read_reply
from amparo.messaging.reply_vocabulary import LANGUAGES, NEED_CODES

CORPUS = Path(__file__).parent / "data" / "replies_corpus.csv"
LABELS = {"safe", "help", "question", "unclear", "info", "shelters", "consulate", "stop"}
INBOX = {"question", "unclear"}  # both wait for a person
# The level the reader reaches on this corpus; lower it only with a reason in the commit.
ROUTE_ACCURACY = 0.98
NEEDS_ACCURACY = 0.95


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def route(intent: str) -> str:
    return "inbox" if intent in INBOX else intent


ROWS = load_corpus()


def test_the_corpus_is_large_and_covers_every_language_and_hard_case():
    assert len(ROWS) >= 300
    per_language = Counter(row["lang"] for row in ROWS)
    assert set(per_language) == set(LANGUAGES) and min(per_language.values()) >= 40
    assert {row["label"] for row in ROWS} == LABELS
    cases = Counter(row["case"] for row in ROWS)
    for case in ("menu", "negation", "intensifier", "contrast", "question", "texting", "emoji", "plural", "mixed"):
        assert cases[case] >= 5, case
    for row in ROWS:
        assert set(row["needs"].split()) <= set(NEED_CODES), row
        assert not row["needs"] or row["label"] == "help", row


@pytest.mark.parametrize("row", [r for r in ROWS if r["label"] in ("help", "question")], ids=lambda r: r["text"])
def test_no_reply_that_asks_for_help_or_asks_a_question_is_read_as_safe(row):
    assert read_reply(row["text"], language=row["lang"]).intent != "safe"


def test_nothing_unclear_is_read_as_safe():
    wrong = [
        r["text"] for r in ROWS if r["label"] != "safe" and read_reply(r["text"], language=r["lang"]).intent == "safe"
    ]
    assert wrong == []


def test_route_and_needs_accuracy():
    routed = needs_right = helps = 0
    misses = []
    for row in ROWS:
        reading = read_reply(row["text"], language=row["lang"])
        if route(reading.intent) == route(row["label"]):
            routed += 1
        else:
            misses.append((row["text"], row["label"], reading.intent))
        if row["label"] == "help" and reading.intent == "help":
            helps += 1
            needs_right += set(reading.needs) == set(row["needs"].split())
    assert routed / len(ROWS) >= ROUTE_ACCURACY, misses
    assert needs_right / helps >= NEEDS_ACCURACY
