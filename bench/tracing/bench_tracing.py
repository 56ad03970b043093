"""Tracing at scale (issue 16), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/amparo_tracing_bench \
        .venv/bin/python bench/tracing/bench_tracing.py match --people 100000 [--inquiries 500]
    DATABASE_URL=… .venv/bin/python bench/tracing/bench_tracing.py pfif --records 100000

`match`: loads the generated Latin American registry of bench/matching (people, match features,
blocking keys, with COPY, as bench/matching/online.py does), then records vague inquiries as an
inquirer remembers a person (a nickname instead of the name, often one surname only or a typo in
it, an age range rather than a date, the places of the route rather than an address, sex and
nationality sometimes missing) for people sampled from the registry, plus decoy inquiries for
people who are not in it. Times `services.match_inquiry` (the task run for each new inquiry:
candidates from the keys, scoring, writing them) next to an exact indexed lookup of one person by
source record id in the same run; precision and recall of the proposed candidates against the
generator's true identities.

`pfif`: writes a PFIF 1.4 file of N people from the same generator, each with a note
(believed_alive, last_known_location), imports it with `pfif.import_pfif` into a fresh
organization, and, as the reference, inserts the same rows (people and notes, already parsed)
with the registry's fastest bulk path (COPY) into another. Wall and CPU time (this process plus
its PostgreSQL backend, from /proc).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "bench" / "matching"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def cpu_seconds() -> float:
    """CPU time of this process and of its PostgreSQL backend (both local)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return time.process_time() + backend


def organization(slug: str, kind: str = "shelter"):
    from amparo.accounts.models import Organization

    org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": slug, "kind": kind, "country": "MX"})
    return org


# --- vague inquiries ---------------------------------------------------------------------------


def _dob(text: str):
    if not text:
        return None
    if "/" in text:
        d, m, y = text.split("/")
        return int(y), int(m), int(d)
    parts = text.split("-")
    if len(parts) == 3:
        return int(parts[0]), int(parts[1]), int(parts[2])
    return None


def _valid_dob(row: dict):
    """The row's date of birth when it is a real date (the generator writes field errors)."""
    from datetime import date

    parts = _dob(row.get("date_of_birth", ""))
    try:
        return date(*parts) if parts else None
    except ValueError:
        return None


def _nicknames_of() -> dict[str, list[str]]:
    from amparo.matching import normalize as n

    out: dict[str, list[str]] = {}
    for nick, options in n.nicknames().items():
        for full in options:
            if len(full) == 1:
                out.setdefault(full[0], []).append(nick)
    return out


def _typo(r: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = r.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def vague(r: random.Random, row: dict, municipalities: list[str], nicks: dict[str, list[str]], today_year: int):
    from amparo.matching import normalize as n

    given = (row["given_names"] or "?").split()[0]
    if r.random() < 0.4 and nicks.get(n.fold(given)):
        given = r.choice(nicks[n.fold(given)]).title()
    elif r.random() < 0.3:
        given = n.fold(given).title()
    x = r.random()
    s1, s2 = row["first_surname"], ""
    if x < 0.3:
        s2 = row["second_surname"]
    elif x < 0.4:
        s1 = _typo(r, s1)
    dob = _dob(row.get("date_of_birth", ""))
    if dob:
        age = today_year - dob[0]
        low, high = age - r.randint(0, 3), age + r.randint(0, 3)
        if high - low < 4:
            high = low + 4
    else:
        low, high = 18, 40
    route = []
    if r.random() < 0.75:
        route = [row["municipality"], *r.sample(municipalities, 2)]
        r.shuffle(route)
    sex = {"F": "female", "M": "male"}.get(row.get("sex", ""), "unknown") if r.random() < 0.7 else "unknown"
    return {
        "given_names": given, "first_surname": s1, "second_surname": s2, "sex": sex,
        "age_min": max(0, low), "age_max": high, "route": [p for p in route if p],
        "nationality": row.get("nationality", "") if r.random() < 0.5 else "",
    }  # fmt: skip


def match(args) -> None:
    import online
    from django.db.models import Count

    from amparo.accounts.policy import system_principal
    from amparo.registry.models import Person
    from amparo.tracing import services
    from amparo.tracing.models import Inquiry, MatchCandidate
    from bench import latam_file

    call_command("migrate", verbosity=0)
    path = latam_file(args.people, 7)
    shelter = organization("bench-shelter")
    if Person.objects.count() != args.people:
        if Person.objects.exists():
            sys.exit("the database holds another registry: drop it first")
        online.load(path, shelter, args.people)
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    true_of = {row["source_record_id"]: row["true_id"] for row in rows}
    municipalities = sorted({row["municipality"] for row in rows if row["municipality"]})
    r = random.Random(16)
    nicks = _nicknames_of()
    year = django.utils.timezone.now().year
    consulate = organization("bench-rfl", "ngo")  # the inquiring side (a Red Cross RFL desk)
    Inquiry.objects.filter(organization=consulate).delete()
    actor = system_principal("bench:tracing")
    genuine = [(vague(r, row, municipalities, nicks, year), row["true_id"]) for row in r.sample(rows, args.inquiries)]
    decoys = []
    for _ in range(args.inquiries // 5):  # people who are not in the registry: names recombined
        a, b, c = r.sample(rows, 3)
        fake = dict(a, first_surname=b["first_surname"], second_surname=c["second_surname"],
                    date_of_birth=f"{r.randint(1950, 2008)}-01-01")  # fmt: skip
        decoys.append((vague(r, fake, municipalities, nicks, year), None))
    cases = genuine + decoys
    r.shuffle(cases)
    times, ref, outcomes, scored = [], [], [], []
    sample_ids = [row["source_record_id"] for row in r.sample(rows, len(cases))]
    for index, (data, true_id) in enumerate(cases):
        inquiry = services.record_inquiry(
            actor=actor, organization=consulate,
            data=services.InquiryData(inquirer_name="Bench", inquirer_relationship="mother", **data),
        )  # fmt: skip
        started = time.perf_counter()
        services.match_inquiry(inquiry.pk)
        elapsed = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        Person.objects.filter(registering_organization=shelter, source_record_id=sample_ids[index]).first()
        reference = (time.perf_counter() - started) * 1000
        if index >= 20:  # warm-up excluded
            times.append(elapsed)
            ref.append(reference)
        found = list(
            MatchCandidate.objects.filter(inquiry=inquiry, person__isnull=False)
            .order_by("-score")
            .values_list("person__source_record_id", "score")
        )
        outcomes.append((true_id, [true_of[s] for s, _p in found]))
        scored.append((true_id, [(true_of[s], p) for s, p in found]))
    proposed = sum(len(f) for _t, f in outcomes)
    right = sum(sum(1 for t in f if t == true_id) for true_id, f in outcomes if true_id)
    recalled = sum(1 for true_id, f in outcomes if true_id and true_id in f)
    first = sum(1 for true_id, f in outcomes if true_id and f and f[0] == true_id)
    decoy_hits = sum(1 for true_id, f in outcomes if true_id is None and f)
    n_genuine = len(genuine)
    per = MatchCandidate.objects.filter(inquiry__organization=consulate).values("inquiry").annotate(n=Count("pk"))
    print(f"registry {args.people} people; {n_genuine} vague inquiries for registered people + {len(decoys)} decoys")
    print(f"match a new inquiry (services.match_inquiry): p50={percentile(times, .5):.1f} ms "
          f"p95={percentile(times, .95):.1f} ms max={max(times):.1f} ms over {len(times)} inquiries")  # fmt: skip
    print(f"reference, exact indexed lookup by source record id: p50={percentile(ref, .5):.2f} ms "
          f"p95={percentile(ref, .95):.2f} ms")  # fmt: skip
    print(f"recall: the person (any of their records) among the candidates for {recalled / n_genuine:.1%} "
          f"of inquiries; ranked first for {first / n_genuine:.1%}")  # fmt: skip
    print(f"precision: {right}/{proposed} proposed candidates are the sought person ({right / max(1, proposed):.1%}); "
          f"decoys with any candidate: {decoy_hits}/{len(decoys)}; "
          f"candidates per inquiry (those with any): max {max([p['n'] for p in per] or [0])}")  # fmt: skip
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95):
        kept = [(t, [x for x, p in f if p >= threshold]) for t, f in scored]
        hits = sum(sum(1 for x in f if x == t) for t, f in kept if t)
        total = sum(len(f) for _t, f in kept)
        got = sum(1 for t, f in kept if t and t in f)
        print(f"  at probability >= {threshold}: recall {got / n_genuine:.1%}, precision {hits}/{total} "
              f"({hits / max(1, total):.1%}), decoys with a candidate {sum(1 for t, f in kept if t is None and f)}")  # fmt: skip
    if args.splink:
        splink_job(rows, cases, year)


def splink_job(rows: list[dict], cases: list, year: int) -> None:
    """The same vague inquiries linked to the same registry by a Splink (DuckDB) link job: names
    folded, the birth year from the date of birth or the middle of the remembered age range, the
    places of the route against the registered municipality; every blocking rule on two fields
    (shared/design/PLATFORM.md); u by random sampling, m by EM; pairs at probability >= 0.5."""
    import pandas as pd
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from amparo.matching import normalize as n

    started = time.perf_counter()
    registry = pd.DataFrame({
        "unique_id": [f"r{i}" for i in range(len(rows))],
        "given": [n.fold((row["given_names"] or "").split(" ")[0]) or None for row in rows],
        "surname": [n.fold(row["first_surname"]) or None for row in rows],
        "sex": [{"F": "female", "M": "male"}.get(row.get("sex", "")) for row in rows],
        "birth_year": [(_dob(row.get("date_of_birth", "")) or (None,))[0] for row in rows],
        "places": [[n.fold(row["municipality"])] if row["municipality"] else [] for row in rows],
        "true_id": [row["true_id"] for row in rows],
    })  # fmt: skip
    inquiries = pd.DataFrame({
        "unique_id": [f"q{i}" for i in range(len(cases))],
        "given": [n.fold(d["given_names"]) or None for d, _t in cases],
        "surname": [n.fold(d["first_surname"]) or None for d, _t in cases],
        "sex": [None if d["sex"] == "unknown" else d["sex"] for d, _t in cases],
        "birth_year": [year - (d["age_min"] + d["age_max"]) // 2 for d, _t in cases],
        "places": [[n.fold(p) for p in d["route"]] for d, _t in cases],
        "true_id": [t for _d, t in cases],
    })  # fmt: skip
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("surname", "given"),
            block_on("surname", "birth_year"),
            block_on("given", "birth_year"),
        ],
        comparisons=[
            cl.NameComparison("given"),
            cl.NameComparison("surname"),
            cl.ExactMatch("sex"),
            cl.CustomComparison(
                output_column_name="birth_year",
                comparison_levels=[
                    cll.NullLevel("birth_year"),
                    cll.AbsoluteDifferenceLevel("birth_year", 1),
                    cll.AbsoluteDifferenceLevel("birth_year", 3),
                    cll.AbsoluteDifferenceLevel("birth_year", 6),
                    cll.ElseLevel(),
                ],
            ),
            cl.ArrayIntersectAtSizes("places", [1]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(registry, table_name="registry"), db_api.register(inquiries, table_name="inquiries")]
    linker = Linker(tables, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "given", "birth_year")], recall=0.5
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given"))
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    truth = dict(zip(registry["unique_id"], registry["true_id"], strict=True))
    sought = dict(zip(inquiries["unique_id"], inquiries["true_id"], strict=True))
    by_inquiry: dict[str, list] = {}
    for left, right in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True):
        q, r = (left, right) if left.startswith("q") else (right, left)
        by_inquiry.setdefault(q, []).append(truth[r])
    genuine = [q for q, t in sought.items() if t]
    proposed = sum(len(v) for v in by_inquiry.values())
    right = sum(sum(1 for t in by_inquiry.get(q, []) if t == sought[q]) for q in genuine)
    recalled = sum(1 for q in genuine if sought[q] in by_inquiry.get(q, []))
    decoys = sum(1 for q, t in sought.items() if not t and by_inquiry.get(q))
    print(f"Splink link job (DuckDB) on the same inquiries: {seconds:.0f} s for all of them; recall "
          f"{recalled / len(genuine):.1%}; precision {right}/{proposed} ({right / max(1, proposed):.1%}); "
          f"decoys with any candidate: {decoys}/{len(sought) - len(genuine)}")  # fmt: skip


# --- PFIF import vs raw insert ---------------------------------------------------------------------


def write_pfif(rows: list[dict], path: Path) -> None:
    from xml.sax.saxutils import escape

    def el(name, value):
        return f"<pfif:{name}>{escape(value)}</pfif:{name}>" if value else ""

    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n')
        for row in rows:
            pid = f"bench.example.org/person.{row['source_record_id']}"
            dob = _valid_dob(row)
            full = " ".join(p for p in (row["given_names"], row["first_surname"], row["second_surname"]) if p)
            out.write("".join([
                "<pfif:person>", el("person_record_id", pid), el("source_date", "2026-09-08T12:00:00Z"),
                el("full_name", full or "?"), el("given_name", row["given_names"]),
                el("family_name", " ".join(p for p in (row["first_surname"], row["second_surname"]) if p)),
                el("sex", {"F": "female", "M": "male"}.get(row.get("sex", ""), "")),
                el("date_of_birth", dob.isoformat() if dob else ""),
                el("home_city", row["municipality"]), el("home_country", row.get("country", "")),
                "<pfif:note>", el("note_record_id", f"bench.example.org/note.{row['source_record_id']}"),
                el("author_name", "Albergue"), el("source_date", "2026-09-09T12:00:00Z"),
                el("status", "believed_alive"), el("last_known_location", row["municipality"]),
                el("text", "Registrado en el albergue"), "</pfif:note></pfif:person>\n",
            ]))  # fmt: skip
        out.write("</pfif:pfif>\n")


def pfif_bench(args) -> None:

    from django.db import transaction
    from django.utils import timezone

    from amparo.accounts.policy import system_principal
    from amparo.registry.bulk import insert_dicts
    from amparo.registry.models import Person
    from amparo.tracing import pfif
    from amparo.tracing.models import FoundNote
    from bench import latam_file

    call_command("migrate", verbosity=0)
    with open(latam_file(args.records, 7), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[: args.records]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"pfif_{args.records}.xml"
    write_pfif(rows, path)
    size = path.stat().st_size / 1e6
    run = int(time.time())  # fresh organizations: deleting a previous run's 200,000 people takes longer
    importer, raw = organization(f"bench-pfif-import-{run}"), organization(f"bench-pfif-raw-{run}")
    # Reference: the same people and notes, already parsed, with the registry's COPY path.
    now = timezone.now()
    sex = {"F": "female", "M": "male"}
    cpu, wall = cpu_seconds(), time.perf_counter()
    with transaction.atomic():
        people = []
        for row in rows:
            dob = _valid_dob(row)
            people.append({
                "registering_organization_id": raw.pk, "source_record_id": f"bench.example.org/person.{row['source_record_id']}",
                "given_names": row["given_names"] or "?", "first_surname": row["first_surname"],
                "second_surname": row["second_surname"], "sex": sex.get(row.get("sex", ""), "unknown"),
                "birth_date": dob, "municipality": row["municipality"],
                "country": row.get("country", ""), "created_at": now, "updated_at": now,
            })  # fmt: skip
        pks = insert_dicts(Person, people, returning_pk=True)
        insert_dicts(FoundNote, [
            {"person_id": pk, "organization_id": raw.pk, "kind": "found", "place": row["municipality"],
             "text": "Registrado en el albergue", "source_record_id": f"bench.example.org/note.{row['source_record_id']}",
             "created_at": now}
            for pk, row in zip(pks, rows, strict=True)
        ])  # fmt: skip
    raw_wall, raw_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    cpu, wall = cpu_seconds(), time.perf_counter()
    with open(path, "rb") as handle:
        result = pfif.import_pfif(actor=system_principal("bench:pfif"), organization=importer, source=handle)
    imp_wall, imp_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    cpu, wall = cpu_seconds(), time.perf_counter()
    with open(path, "rb") as handle:
        again = pfif.import_pfif(actor=system_principal("bench:pfif"), organization=importer, source=handle)
    re_wall = time.perf_counter() - wall
    n = len(rows)
    print(f"PFIF file: {n} people with a note each, {size:.1f} MB")
    print(
        f"raw bulk insert (COPY, people + notes): {raw_wall:.1f} s wall, {raw_cpu:.1f} CPU-s ({n / raw_wall:,.0f} people/s)"
    )
    print(f"import-pfif: {imp_wall:.1f} s wall, {imp_cpu:.1f} CPU-s ({n / imp_wall:,.0f} people/s): "
          f"{result.people} people, {result.notes} notes, name index included")  # fmt: skip
    print(f"ratio: {imp_wall / raw_wall:.2f}x wall, {imp_cpu / raw_cpu:.2f}x CPU; "
          f"re-import (idempotent): {re_wall:.1f} s, {again.people} people and {again.notes} notes written, "
          f"{again.unchanged} already there")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="phase", required=True)
    m = sub.add_parser("match")
    m.add_argument("--people", type=int, default=100_000)
    m.add_argument("--inquiries", type=int, default=500)
    m.add_argument("--splink", action="store_true", help="also link the same inquiries with Splink")
    p = sub.add_parser("pfif")
    p.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    match(args) if args.phase == "match" else pfif_bench(args)


if __name__ == "__main__":
    main()
