"""Messaging benchmarks (issues 6, 12 and 19), on PostgreSQL, everything on 127.0.0.1.

1. Outbox creation: a 100,000-recipient check-in broadcast (audience query, consent, contacts,
   language choice, rendering, personal check-in tokens, bulk insert) against the references:
   a raw bulk insert (COPY) of the same 100,000 rows already built, and raw multi-row INSERTs.
2. Dispatch throughput: 2 `amparo db_worker` processes, already started, send a 10,000-recipient
   broadcast to the provider emulator (Twilio API); messages per second from the confirmation to
   the last row sent, and the CPU each part spends per message (workers, PostgreSQL, the emulator
   with this script): a figure the machine's load does not change. `--profile` also samples the
   workers with py-spy (one's CPU, the other's wall time, waiting included) and prints where
   their time goes.
3. Crash test: a 10,000-recipient broadcast; one of the two workers is killed with SIGKILL while
   sending, then restarted: every message must end sent, none twice, checked against the
   emulator's own log; the recovery time is how long the dead worker's rows stay out of reach
   (until the last of them is taken over) and until all of them are sent.
4. Storm: 30% of the provider's answers are 5xx or 429 (with Retry-After); every message must end
   sent or explicitly failed, none twice.

Workers run with production settings (AMPARO_ENV=production: DEBUG off; the default lease, batch
and budget) as `amparo db_worker --queue-name '*'`, as docs/operators.md says. Only the storm
shortens the retry backoff (base 0.1 s instead of 5 s), or it would mostly measure waiting.

Usage: bench/messaging/run.sh [--people 100000] [--dispatch 10000] [--storm 5000]
                              [--only outbox,throughput,crash,storm] [--profile]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
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
    "AMPARO_ENV": "production",
    "AMPARO_SECRET_KEY": secrets.token_urlsafe(50),
    "AMPARO_ALLOWED_HOSTS": "127.0.0.1",
    "AMPARO_SITE_URL": "http://127.0.0.1:8104",
}
STORM_ENV = {"AMPARO_MESSAGING_RETRY_BASE_S": "0.1", "AMPARO_MESSAGING_RETRY_CAP_S": "2"}
GROUPS = {"MX-CHP": "throughput", "MX-OAX": "crash", "MX-VER": "storm"}
PARTS = ("outbox", "throughput", "crash", "storm")


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
        options=options,  # the default request timeout (10 s), as in production
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
    # References: the same rows, already built, inserted raw: multi-row INSERT statements of 2,000
    # rows (the SQL bulk_create sends, without the ORM) and PostgreSQL's COPY.
    plan = audience.plan_broadcast(user, broadcast)
    rows = audience.build_messages(broadcast, plan)
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f.column for f in fields)
    values = [tuple(f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields) for m in rows]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            chunk = values[start : start + 2000]
            sql = f"INSERT INTO {Message._meta.db_table} ({columns}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
            cursor.execute(sql, [v for row in chunk for v in row])
    reference = time.perf_counter() - t
    Message.objects.filter(broadcast=broadcast).delete()
    t = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {Message._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in values:
            copy.write_row(row)
    copy_s = time.perf_counter() - t
    Message.objects.filter(broadcast=broadcast).delete()
    del rows, values, plan
    t = time.perf_counter()
    services.confirm_broadcast(actor=user, broadcast=broadcast)
    ours = time.perf_counter() - t
    assert Message.objects.filter(broadcast=broadcast).count() == people
    log(f"reference  raw bulk insert (COPY) of the same {people:,} rows, already built: {copy_s:.2f}s")
    log(f"reference  raw multi-row INSERT of the same rows (2,000 per statement): {reference:.2f}s")
    log(f"Amparo     confirm_broadcast (audience, consent, contacts, language, render, tokens, COPY): {ours:.2f}s")
    log(f"ratio      {ours / copy_s:.2f}x the raw COPY (target <= 2x); {ours / reference:.2f}x the raw INSERT")
    Message.objects.filter(broadcast=broadcast).delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    return {"reference_s": reference, "copy_s": copy_s, "ours_s": ours, "ratio": ours / copy_s}


# --- workers -------------------------------------------------------------------------------------


def start_worker(token: str, name: str, extra_env: dict | None = None):
    env = {**os.environ, **WORKER_ENV, **(extra_env or {}), "BENCH_TWILIO_TOKEN": token}
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/amparo"), "db_worker", "--queue-name", "*", "--worker-id", name],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(worker_log(name), "w"),  # noqa: SIM115
    )  # fmt: skip


def worker_log(name: str) -> Path:
    return Path(f"/tmp/bench-messaging-{name}.log")


def wait_ready(names: list[str], timeout: float = 120) -> None:
    """Each db_worker logs "Starting worker" once Django is up."""
    deadline = time.monotonic() + timeout
    while not all("Starting worker" in worker_log(n).read_text(errors="replace") for n in names):
        if time.monotonic() > deadline:
            raise SystemExit(f"workers {names} not ready after {timeout}s")
        time.sleep(0.1)
    time.sleep(1.0)  # the worker's first poll (startup delay up to 1 s)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def db_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        return [row[0] for row in cursor.fetchall()]


class CpuMeter:
    """CPU spent by the workers, the database server's backends for this database, and this
    process (the emulator's threads and the bench's own polling) between start() and stop()."""

    def __init__(self, workers):
        self.workers = workers

    def _read(self) -> dict:
        return {
            "workers": sum(cpu_seconds(w.pid) for w in self.workers),
            "postgres": {pid: cpu_seconds(pid) for pid in db_backends()},
            "emulator": time.process_time(),
        }

    def start(self):
        self.before = self._read()
        return self

    def stop(self) -> dict:
        after = self._read()
        pg = sum(v - self.before["postgres"].get(pid, 0.0) for pid, v in after["postgres"].items())
        return {
            "workers": after["workers"] - self.before["workers"],
            "postgres": pg,
            "emulator": after["emulator"] - self.before["emulator"],
        }


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


def wait_done(broadcast, *, timeout: float, on_tick=None, poll: float = 0.25) -> float:
    """Seconds until no row of the broadcast is open. Polls rarely while much is left (the count
    costs CPU in this process and in PostgreSQL, which the CPU figures would otherwise include),
    every `poll` seconds near the end."""
    t = time.perf_counter()
    while left := open_count(broadcast):
        if time.perf_counter() - t > timeout:
            raise SystemExit(f"timeout: {left} messages still open after {timeout}s")
        if on_tick:
            on_tick()
        time.sleep(poll if left < 500 else 0.5)
    return time.perf_counter() - t


def send(org, user, subdivision: str, title: str, *, allow_fallback=True):
    from amparo.messaging import services

    broadcast = services.create_broadcast(
        actor=user, organization=org, title=title, template=checkin_template(), audience={"subdivisions": [subdivision]},
        allow_fallback=allow_fallback,
    )  # fmt: skip
    services.confirm_broadcast(actor=user, broadcast=broadcast)  # enqueues 2 dispatch chains on commit
    return broadcast


CHECKIN_LINK = re.compile(r"https?://\S+?/messaging/c/[^/\s]+/")


def check_against_log(broadcast, emulator) -> dict:
    accepted = emulator.accepted()
    # The outbox keeps "{checkin_link}" in the body; each recipient's link is made as it is sent.
    by_pair = Counter((m.to, CHECKIN_LINK.sub("{checkin_link}", m.body)) for m in accepted)
    ids = {m.id for m in accepted}
    messages = list(broadcast.messages.values("to_address", "body", "status", "provider_id"))
    statuses = Counter(m["status"] for m in messages)
    sent = [m for m in messages if m["status"] in ("sent", "delivered")]
    missing = [m for m in sent if m["provider_id"] not in ids or by_pair[(m["to_address"], m["body"])] == 0]
    if missing:  # say what did not match, so a broken check is told from a lost message
        sample = missing[0]
        near = next((a for a in accepted if a.to == sample["to_address"]), None)
        print(f"not in the emulator's log: {sample!r}; the emulator has for that number: {near!r}")
    lost = len(missing)
    twice = sum(1 for n in by_pair.values() if n > 1)
    extra = len(accepted) - len(by_pair)
    return {"messages": len(messages), "statuses": dict(statuses), "accepted_by_provider": len(accepted),
            "lost": lost + statuses.get("queued", 0), "sent_twice": twice, "duplicate_accepts": extra}  # fmt: skip


# --- 2. throughput -------------------------------------------------------------------------------


def bench_throughput(org, user, emulator, n: int, *, profile: bool = False):
    log(f"\n== 2. dispatch throughput, {n:,} messages, 2 db_worker processes, Twilio API on the emulator")
    emulator.clear()
    channel(org, emulator)
    names = ["w0", "w1"]
    workers = [start_worker(emulator.auth_token, name) for name in names]
    spies = []
    try:
        wait_ready(names)
        if profile:  # w0: where its CPU goes (samples holding the GIL); w1: where its wall time goes
            spies = [spy_on(workers[0], PROFILES["cpu"], "--gil"), spy_on(workers[1], PROFILES["wall"], "--idle")]
        broadcast = send(org, user, "MX-CHP", "Bench throughput")  # dispatch starts when it commits
        meter = CpuMeter(workers).start()
        total = wait_done(broadcast, timeout=900, poll=0.02)
        cpu = meter.stop()
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        for w in workers:
            stop(w)
    result = check_against_log(broadcast, emulator)
    rate = n / total
    per = {k: 1000 * v / n for k, v in cpu.items()}
    log(f"{n:,} messages in {total:.1f}s from confirmation to the last one sent: {rate:.0f} messages/s")
    log(
        f"CPU per message: workers {per['workers']:.2f} ms (both together), PostgreSQL {per['postgres']:.2f} ms, "
        f"emulator and bench {per['emulator']:.2f} ms; total {sum(per.values()):.2f} ms"
        f" → at most {2000 / sum(per.values()):.0f} messages/s on 2 idle cores"
    )
    log(f"reference  the emulator alone answers {emulator_reference(emulator):.0f} requests/s from one client thread")
    log(f"check      {result}")
    if profile:
        summarize_profile(PROFILES["cpu"], "Python CPU (py-spy --gil: samples holding the GIL)")
        summarize_profile(PROFILES["wall"], "wall time (py-spy --idle: waiting included)")
    return {"messages_per_s": rate, "cpu_ms": per, **result}


PROFILES = {"cpu": Path("/tmp/bench-messaging-w0.pyspy"), "wall": Path("/tmp/bench-messaging-w1.pyspy")}


def spy_on(worker, output: Path, mode: str):
    output.unlink(missing_ok=True)
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(worker.pid), "--rate", "250", "--format", "raw",
         "--output", str(output), "--nonblocking", mode],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


PROFILE_BUCKETS = [
    # (label, substring of a frame) — the first match from the innermost frame outwards wins.
    ("psycopg waiting for PostgreSQL", "psycopg/waiting.py"),
    ("waiting for the provider (socket read)", "socket.py"),
    ("http.client (request, response headers)", "http/client.py"),
    ("email header parsing (http.client)", "email/"),
    ("Django ORM: building and compiling SQL", "django/db/models/sql/"),
    ("Django ORM: other", "django/db/models/"),
    ("psycopg (adapting, results)", "psycopg/"),
    ("Django: other", "django/"),
    ("adapters (Twilio form, auth, JSON)", "amparo/messaging/channels/"),
    ("dispatch (Amparo)", "amparo/messaging/dispatch.py"),
]


def summarize_profile(path: Path, what: str) -> None:
    """Where one worker's time went, from py-spy's collapsed stacks: only samples inside
    dispatch.run count (not the task runner's polling)."""
    if not path.exists():
        log("profile    no py-spy output (is py-spy installed and may it trace processes?)")
        return
    counts: Counter = Counter()
    total = everything = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        everything += int(n)
        if "dispatch.py" not in stack:
            continue
        total += int(n)
        frames = stack.split(";")
        label = next(
            (name for frame in reversed(frames) for name, key in PROFILE_BUCKETS if key in frame), "other Python"
        )
        counts[label] += int(n)
    if not total:
        log("profile    no samples inside dispatch")
        return
    log(
        f"profile    one worker's {what}: {total:,} samples at 250 Hz inside dispatch.run"
        f" ({100 * total / everything:.0f}% of its {everything:,}; the rest is the task runner between runs):"
    )
    for label, n in counts.most_common():
        log(f"           {100 * n / total:5.1f}%  {label}")


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
    from amparo.messaging.models import MessageStatus

    emulator.clear()
    channel(org, emulator)
    names = ["c0", "c1"]
    workers = [start_worker(emulator.auth_token, name) for name in names]
    try:
        wait_ready(names)
        broadcast = send(org, user, "MX-OAX", "Bench crash")
        while len(emulator.accepted()) < n // 3:
            time.sleep(0.05)
        victim = workers[0]
        os.kill(victim.pid, signal.SIGKILL)
        killed = time.perf_counter()
        victim.wait()
        killed_at = len(emulator.accepted())
        held = broadcast.messages.filter(claimed_by__contains=f"-{victim.pid}-")
        held_ids = list(
            held.filter(status__in=(MessageStatus.CLAIMED, MessageStatus.SENDING)).values_list("pk", flat=True)
        )
        on_wire = held.filter(status=MessageStatus.SENDING).count()
        log(
            f"killed worker c0 (pid {victim.pid}) with SIGKILL after {killed_at:,} messages had been accepted; "
            f"it held {len(held_ids)} rows, {on_wire} of them on the wire"
        )
        workers[0] = start_worker(emulator.auth_token, "c0-restarted")
        log("restarted it (it does not resume anything: its successor worker takes what is due)")
        rows = broadcast.messages.filter(pk__in=held_ids)
        taken_over = settled = None
        while settled is None:
            now = time.perf_counter() - killed
            if (
                taken_over is None
                and not rows.filter(claimed_by__contains=f"-{victim.pid}-")
                .exclude(status__in=(MessageStatus.SENT, MessageStatus.DELIVERED))
                .exists()
            ):
                taken_over = now
            if not rows.exclude(status__in=(MessageStatus.SENT, MessageStatus.DELIVERED)).exists():
                settled = now
            if now > 900:
                raise SystemExit("timeout waiting for the dead worker's rows")
            time.sleep(0.05)
        wait_done(broadcast, timeout=900)
        elapsed = time.perf_counter() - killed
    finally:
        for w in workers:
            stop(w)
    result = check_against_log(broadcast, emulator)
    log(
        f"recovery   the dead worker's {len(held_ids)} rows were all taken over {taken_over:.1f}s after the kill "
        f"and all sent {settled:.1f}s after it (lease {lease_s():g} s)"
    )
    log(f"done {elapsed:.1f}s after the kill. check against the emulator's log: {result}")
    assert result["lost"] == 0 and result["sent_twice"] == 0 and result["statuses"].get("sent", 0) == n, result
    return {**result, "taken_over_s": taken_over, "settled_s": settled, "held": len(held_ids)}


def lease_s() -> float:
    from amparo.messaging import dispatch

    return dispatch.lease_s()


# --- 4. storm ------------------------------------------------------------------------------------


def bench_storm(org, user, emulator, n: int):
    log(f"\n== 4. provider storm, {n:,} messages: 30% of answers are 500/503/429 (Retry-After 0.2 s)")
    emulator.clear()
    channel(org, emulator)
    names = ["s0", "s1"]
    workers = [start_worker(emulator.auth_token, name, STORM_ENV) for name in names]
    try:
        wait_ready(names)
        emulator.storm(0.3, seed=6, kinds=("500", "503", "429"))
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
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ",".join(PARTS))
    parser.add_argument("--profile", action="store_true", help="sample one throughput worker with py-spy")
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if unknown := parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    people = max(args.people, 2 * args.dispatch + args.storm)
    fresh_database()
    setup_django()
    from amparo.messaging.emulator import ProviderEmulator

    log(f"load average at the start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    org, user = make_world(people, args.dispatch, args.storm)
    results = {}
    with ProviderEmulator() as emulator:
        os.environ["BENCH_TWILIO_TOKEN"] = emulator.auth_token
        channel(org, emulator)
        if "outbox" in parts:
            results["outbox"] = bench_outbox(org, user, people)
        if "throughput" in parts:
            results["throughput"] = bench_throughput(org, user, emulator, args.dispatch, profile=args.profile)
        if "crash" in parts:
            results["crash"] = bench_crash(org, user, emulator, args.dispatch)
        if "storm" in parts:
            results["storm"] = bench_storm(org, user, emulator, args.storm)
    log("\n== summary")
    if "outbox" in results:
        outbox = results["outbox"]
        log(
            f"outbox creation {people:,}: Amparo {outbox['ours_s']:.2f}s vs raw COPY {outbox['copy_s']:.2f}s"
            f" = {outbox['ratio']:.2f}x (raw multi-row INSERT {outbox['reference_s']:.2f}s)"
        )
    if "throughput" in results:
        throughput = results["throughput"]
        cpu = throughput["cpu_ms"]
        log(
            f"dispatch, 2 workers: {throughput['messages_per_s']:.0f} messages/s; CPU per message "
            f"{sum(cpu.values()):.2f} ms (workers {cpu['workers']:.2f}, PostgreSQL {cpu['postgres']:.2f}, "
            f"emulator {cpu['emulator']:.2f})"
        )
    if "crash" in results:
        crash = results["crash"]
        log(
            f"crash: lost {crash['lost']}, sent twice {crash['sent_twice']}, statuses {crash['statuses']}; "
            f"recovery: taken over in {crash['taken_over_s']:.1f}s, sent in {crash['settled_s']:.1f}s"
        )
    if "storm" in results:
        storm = results["storm"]
        log(
            f"storm: statuses {storm['statuses']}, sent twice {storm['sent_twice']}, "
            f"provider answers {storm['answers']}"
        )
    log(f"load average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
