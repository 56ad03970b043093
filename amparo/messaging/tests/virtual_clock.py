"""A virtual clock for several dispatch workers in one test: each worker is a thread, exactly one
runs at a time, and when the running one sleeps the clock jumps to the earliest wake-up and that
worker goes on. Time spent computing or in the database is zero on this clock, so what a test
measures is the dispatcher's own schedule (slots, leases, polling), never the machine's load; a
minute of a slow channel takes a second or two."""

from __future__ import annotations

import heapq
import itertools
import threading
from datetime import UTC, datetime
from types import SimpleNamespace

from django.db import connection


class VirtualClock:
    def __init__(self, start: float):
        self.now = start
        self._wakeups: list[tuple[float, int, threading.Event]] = []
        self._order = itertools.count()  # equal wake-up times: first come, first served
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    # What the dispatcher reads instead of time.time/time.monotonic/time.sleep/timezone.now.
    def time(self) -> float:
        return self.now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, tz=UTC)

    def sleep(self, seconds: float) -> None:
        me = threading.Event()
        self._hand_over(wake=(self.now + max(0.0, seconds), me))
        me.wait()

    def patch(self, monkeypatch, module) -> None:
        """Make `module` (which imported `time` and django's `timezone`) read this clock."""
        monkeypatch.setattr(module, "time", SimpleNamespace(time=self.time, monotonic=self.time, sleep=self.sleep))
        monkeypatch.setattr(module, "timezone", SimpleNamespace(now=self.datetime))

    def _hand_over(self, wake: tuple[float, threading.Event] | None) -> None:
        with self._lock:
            if wake is not None:
                heapq.heappush(self._wakeups, (wake[0], next(self._order), wake[1]))
            if self._wakeups:
                at, _, event = heapq.heappop(self._wakeups)
                self.now = max(self.now, at)
                event.set()

    def run(self, workers, *, timeout: float = 120) -> None:
        """Run each callable in its own thread on this clock until all have returned."""
        threads = []
        for work in workers:
            start = threading.Event()
            heapq.heappush(self._wakeups, (self.now, next(self._order), start))
            threads.append(threading.Thread(target=self._worker, args=(work, start), daemon=True))
        for thread in threads:
            thread.start()
        self._hand_over(None)
        for thread in threads:
            thread.join(timeout)
            assert not thread.is_alive(), "a worker is stuck outside the clock"
        if self.error is not None:
            raise self.error

    def _worker(self, work, start: threading.Event) -> None:
        start.wait()
        try:
            work()
        except BaseException as error:  # reported by run(), in the test's thread
            self.error = self.error or error
        finally:
            connection.close()  # each thread has its own database connection
            self._hand_over(None)
