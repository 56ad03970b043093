"""Messaging benchmarks (issue 6), on PostgreSQL, everything on 127.0.0.1.

1. Outbox creation: a 100,000-recipient check-in broadcast (audience query, consent, contacts,
   language choice, rendering, personal check-in tokens, bulk insert) against the reference:
   a raw bulk insert of the same 100,000 rows through the database cursor.
2. Dispatch throughput: 2 `amparo db_worker` processes send a 10,000-recipient broadcast to the
   provider emulator (Twilio API); messages per second.
3. Crash test: a 10,000-recipient broadcast; one of the two workers is killed with SIGKILL while
   sending, then restarted: every message must end sent, none twice, checked against the
   emulator's own log.
4. Storm: 30% of the provider's answers are 5xx or 429 (with Retry-After); every message must end
   sent or explicitly failed, none twice.

Usage: bench/messaging/run.sh [--people 100000] [--dispatch 10000] [--storm 5000]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE_PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "amparo_messaging_bench")
DATABASE_URL = f"{BASE_PG}/{DB_NAME}"
WORKER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "AMPARO_MESSAGING_LEASE_S": "8",
    "AMPARO_MESSAGING_DISPATCH_BUDGET_S": "15",
    "AMPARO_MESSAGING_BATCH": "50",
    "AMPARO_MESSAGING_RETRY_BASE_S": "0.1",
    "AMPARO_MESSAGING_RETRY_CAP_S": "2",
    "AMPARO_MESSAGING_MAX_ATTEMPTS": "10",
    "AMPARO_SITE_URL": "http://127.0.0.1:8104",
    "AMPARO_LOG_LEVEL": "WARNING",
}
GROUPS = {"MX-CHP": "throughput", "MX-OAX": "crash", "MX-VER": "storm"}


def log(*args):
    print(*args, flush=True)


def fresh_database():
    import psycopg

    with psycopg.connect(f"{BASE_PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    env = {**os.environ, **WORKER_ENV}
    subprocess.run([str(ROOT / ".venv/bin/amparo"), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)


def setup_django():
    os.environ.update(WORKER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_world(people: int, dispatch_n: int, storm_n: int):
    """An organization, people with a phone and consent, spread over the benchmark's groups."""
    from django.utils import timezone

    from amparo.accounts.models import Membership, Organization
    from amparo.registry.models import Consent, ContactPoint, Nationality, Person

    org = Organization.objects.create(
        slug="gt-consulate-bench", name="Consulado de Guatemala (bench)", kind="consulate", country="MX",
        served_nationality="GT", jurisdiction_country="MX", phone="+52 55 5000 0000",
    )  # fmt: skip
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-officer", password="x" * 12)  # noqa: S106
    Membership.objects.create(user=user, organization=org, role="consular_officer")
    sizes = [("MX-CHP", dispatch_n), ("MX-OAX", dispatch_n), ("MX-VER", storm_n)]
    subdivisions = []
    for code, n in sizes:
        subdivisions += [code] * n
    subdivisions += ["MX-GRO"] * max(0, people - len(subdivisions))
    langs = ["es"] * 6 + ["en", "fr", "ht", "pt"]
    now = timezone.now()
    t = time.perf_counter()
    for start in range(0, people, 10000):
        chunk = range(start, min(people, start + 10000))
        persons = Person.objects.bulk_create(
            [
                Person(
                    registering_organization=org,
                    given_names=f"Persona{i}",
                    first_surname="Prueba",
                    nationality="GT",
                    preferred_language=langs[i % len(langs)],
                    languages=[langs[i % len(langs)]],
                    country="MX",
                    subdivision=subdivisions[i],
                    created_at=now,
                )  # fmt: skip
                for i in chunk
            ]
        )
        Nationality.objects.bulk_create([Nationality(person=p, country="GT") for p in persons])
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(person=p, kind="phone", value=f"+5255{20000000 + i:08d}")
                for p, i in zip(persons, chunk, strict=True)
            ]
        )
        Consent.objects.bulk_create(
            [Consent(person=p, purpose="crisis_alerts", given=True, method="written") for p in persons]
        )
    log(f"generated {people} people with phone and consent in {time.perf_counter() - t:.1f}s")
    return org, user


def checkin_template():
    from amparo.messaging.models import Template

    return Template.objects.get(organization__isnull=True, purpose="checkin")


def channel(org, emulator, **options):
    from amparo.messaging.models import Channel

    Channel.objects.filter(organization=org).update(is_active=False)
    return Channel.objects.create(
        organization=org, name=f"Twilio SMS {time.time_ns()}", kind="sms", provider="twilio", sender="+15005550006",
        base_url=emulator.url, account=emulator.account_sid, secret_name="BENCH_TWILIO_TOKEN", rate_per_second=2000,
        options={"timeout": 5, **options},
    )  # fmt: skip


# --- 1. outbox creation --------------------------------------------------------------------------


def bench_outbox(org, user, people: int):
    from django.db import connection, transaction

    from amparo.messaging import audience, services
    from amparo.messaging.models import Message

    log(f"\n== 1. outbox creation, {people:,} recipients")
    tpl = checkin_template()
    broadcast = services.create_broadcast(actor=user, organization=org, title="Bench outbox", template=tpl)
    assert broadcast.preview["reachable"] == people, broadcast.preview
    # Reference: the same rows, already built, inserted raw through the cursor.
    plan = audience.plan_broadcast(user, broadcast)
    rows = audience.build_messages(broadcast, plan)
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f.column for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [tuple(f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields) for m in rows]
    sql = f"INSERT INTO {Message._meta.db_table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, values)
    reference = time.perf_counter() - t
    Message.objects.filter(broadcast=broadcast).delete()
    del rows, values, plan
    t = time.perf_counter()
    services.confirm_broadcast(actor=user, broadcast=broadcast)
    ours = time.perf_counter() - t
    assert Message.objects.filter(broadcast=broadcast).count() == people
    log(f"reference  raw INSERT of {people:,} prepared rows (cursor.executemany): {reference:.2f}s")
    log(
        f"Amparo     confirm_broadcast (audience + consent + contacts + language + render + tokens + bulk_create): {ours:.2f}s"
    )
    log(f"ratio      {ours / reference:.2f}x  (target ≤ 2x)")
    Message.objects.filter(broadcast=broadcast).delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    return {"reference_s": reference, "ours_s": ours, "ratio": ours / reference}


# --- workers -------------------------------------------------------------------------------------


def start_worker(token: str, name: str):
    env = {**os.environ, **WORKER_ENV, "BENCH_TWILIO_TOKEN": token}
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/amparo"), "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.2",
         "--no-startup-delay", "--worker-id", name],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(f"/tmp/bench-messaging-{name}.log", "w"),  # noqa: SIM115
    )  # fmt: skip


def stop(worker):
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def open_count(broadcast) -> int:
    from amparo.messaging.models import OPEN_STATUSES

    return broadcast.messages.filter(status__in=OPEN_STATUSES).count()


def wait_done(broadcast, *, timeout: float, on_tick=None) -> float:
    t = time.perf_counter()
    while open_count(broadcast):
        if time.perf_counter() - t > timeout:
            raise SystemExit(f"timeout: {open_count(broadcast)} messages still open after {timeout}s")
        if on_tick:
            on_tick()
        time.sleep(0.25)
    return time.perf_counter() - t


def send(org, user, subdivision: str, title: str, *, allow_fallback=True):
    from amparo.messaging import services

    broadcast = services.create_broadcast(
        actor=user, organization=org, title=title, template=checkin_template(), audience={"subdivisions": [subdivision]},
        allow_fallback=allow_fallback,
    )  # fmt: skip
    services.confirm_broadcast(actor=user, broadcast=broadcast)  # enqueues 2 dispatch chains on commit
    return broadcast


def check_against_log(broadcast, emulator) -> dict:
    accepted = emulator.accepted()
    by_pair = Counter((m.to, m.body) for m in accepted)
    ids = {m.id for m in accepted}
    messages = list(broadcast.messages.values("to_address", "body", "status", "provider_id"))
    statuses = Counter(m["status"] for m in messages)
    sent = [m for m in messages if m["status"] in ("sent", "delivered")]
    lost = sum(1 for m in sent if m["provider_id"] not in ids or by_pair[(m["to_address"], m["body"])] == 0)
    twice = sum(1 for n in by_pair.values() if n > 1)
    extra = len(accepted) - len(by_pair)
    return {"messages": len(messages), "statuses": dict(statuses), "accepted_by_provider": len(accepted),
            "lost": lost + statuses.get("queued", 0), "sent_twice": twice, "duplicate_accepts": extra}  # fmt: skip


# --- 2. throughput -------------------------------------------------------------------------------


def bench_throughput(org, user, emulator, n: int):
    log(f"\n== 2. dispatch throughput, {n:,} messages, 2 db_worker processes, Twilio API on the emulator")
    emulator.clear()
    channel(org, emulator)
    workers = [start_worker(emulator.auth_token, f"w{i}") for i in range(2)]
    try:
        t = time.perf_counter()
        broadcast = send(org, user, "MX-CHP", "Bench throughput")
        elapsed = wait_done(broadcast, timeout=900)
        total = time.perf_counter() - t
    finally:
        for w in workers:
            stop(w)
    result = check_against_log(broadcast, emulator)
    rate = n / total
    log(f"{n:,} messages in {total:.1f}s (outbox drained in {elapsed:.1f}s after queueing): {rate:.0f} messages/s")
    log(f"reference  the emulator alone answers {emulator_reference(emulator):.0f} requests/s from one client thread")
    log(f"check      {result}")
    return {"messages_per_s": rate, **result}


def emulator_reference(emulator, n: int = 1000) -> float:
    """Requests per second one client thread gets from the emulator (the ceiling of one sender)."""
    from amparo.messaging.channels import Outgoing
    from amparo.messaging.channels.twilio import TwilioAdapter
    from amparo.messaging.models import Channel

    probe = Channel(name="probe", kind="sms", provider="twilio", sender="+15005550006", base_url=emulator.url,
                    account=emulator.account_sid, secret_name="BENCH_TWILIO_TOKEN")  # fmt: skip
    os.environ["BENCH_TWILIO_TOKEN"] = emulator.auth_token
    adapter = TwilioAdapter(probe)
    t = time.perf_counter()
    for i in range(n):
        adapter.send(Outgoing(key=f"probe{i}", kind="sms", to="+525599999999", body=f"probe {i}"))
    rate = n / (time.perf_counter() - t)
    with emulator._lock:  # keep the probe out of the log
        emulator._log[:] = [m for m in emulator._log if m.to != "+525599999999"]
    return rate


# --- 3. crash ------------------------------------------------------------------------------------


def bench_crash(org, user, emulator, n: int):
    log(f"\n== 3. crash test, {n:,} messages: kill -9 one of 2 workers mid-broadcast, restart it")
    emulator.clear()
    channel(org, emulator)
    workers = [start_worker(emulator.auth_token, f"c{i}") for i in range(2)]
    try:
        broadcast = send(org, user, "MX-OAX", "Bench crash")
        while len(emulator.accepted()) < n // 3:
            time.sleep(0.05)
        victim = workers[0]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        killed_at = len(emulator.accepted())
        log(f"killed worker c0 (pid {victim.pid}) with SIGKILL after {killed_at:,} messages had been accepted")
        time.sleep(1)
        workers[0] = start_worker(emulator.auth_token, "c0-restarted")
        log("restarted it")
        elapsed = wait_done(broadcast, timeout=900)
    finally:
        for w in workers:
            stop(w)
    result = check_against_log(broadcast, emulator)
    log(f"done {elapsed:.1f}s after the kill. check against the emulator's log: {result}")
    assert result["lost"] == 0 and result["sent_twice"] == 0 and result["statuses"].get("sent", 0) == n, result
    return result


# --- 4. storm ------------------------------------------------------------------------------------


def bench_storm(org, user, emulator, n: int):
    log(f"\n== 4. provider storm, {n:,} messages: 30% of answers are 500/503/429 (Retry-After 0.2 s)")
    emulator.clear()
    channel(org, emulator)
    emulator.storm(0.3, seed=6, kinds=("500", "503", "429"))
    workers = [start_worker(emulator.auth_token, f"s{i}") for i in range(2)]
    try:
        t = time.perf_counter()
        broadcast = send(org, user, "MX-VER", "Bench storm", allow_fallback=False)
        elapsed = wait_done(broadcast, timeout=900)
    finally:
        for w in workers:
            stop(w)
        emulator.storm(0)
    result = check_against_log(broadcast, emulator)
    answers = dict(emulator.requests)
    log(f"done in {elapsed:.1f}s ({time.perf_counter() - t:.1f}s); provider answers: {answers}")
    log(f"check      {result}")
    assert set(result["statuses"]) <= {"sent", "failed"} and result["sent_twice"] == 0, result
    return {**result, "answers": answers}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--dispatch", type=int, default=10_000)
    parser.add_argument("--storm", type=int, default=5_000)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    from amparo.messaging.emulator import ProviderEmulator

    org, user = make_world(args.people, args.dispatch, args.storm)
    outbox = bench_outbox(org, user, args.people)
    with ProviderEmulator() as emulator:
        os.environ["BENCH_TWILIO_TOKEN"] = emulator.auth_token
        throughput = bench_throughput(org, user, emulator, args.dispatch)
        crash = bench_crash(org, user, emulator, args.dispatch)
        storm = bench_storm(org, user, emulator, args.storm)
    log("\n== summary")
    log(
        f"outbox creation {args.people:,}: Amparo {outbox['ours_s']:.2f}s vs raw insert {outbox['reference_s']:.2f}s = {outbox['ratio']:.2f}x"
    )
    log(f"dispatch, 2 workers: {throughput['messages_per_s']:.0f} messages/s")
    log(f"crash: lost {crash['lost']}, sent twice {crash['sent_twice']}, statuses {crash['statuses']}")
    log(f"storm: statuses {storm['statuses']}, sent twice {storm['sent_twice']}, provider answers {storm['answers']}")


if __name__ == "__main__":
    main()
