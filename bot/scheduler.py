"""Scheduled work on APScheduler 3, with its job store in the bot's own database.

Jobs are registered by the features (`handlers.registry.periodic` / `calendar`). Their state
lives in our tables, so every job is safe to fire twice and several bot processes sharing the
database can all run the scheduler. Deadlines noticed by handlers ("escalate at 12:30") become
one-off wake-ups, so work happens on time rather than at the next periodic round.

The scheduler runs in a thread of its own: its job store is synchronous, and a synchronous
write waiting for SQLite's lock on the event loop's thread would wait for ever on a
transaction that needs that very loop to finish. Jobs themselves run on the bot's loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

import apscheduler.executors.base as executors_base
import apscheduler.schedulers.base as schedulers_base
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from bot.pipeline.telemetry import SILENT, Telemetry
from bot.pipeline.trouble import UNGUARDED, Guard, pause
from domain.clock import Clock
from handlers import registry
from handlers.context import Context
from handlers.rules import Rules
from storage.db import sync_url
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_ROUNDS = 50
WAKE_PREFIX = "wake@"

# The runner and loop of this process; the job store keeps a reference to `run_job` only.
_runner: JobRunner | None = None
_loop: asyncio.AbstractEventLoop | None = None


def run_job(name: str) -> None:
    """Entry point stored in the job store for every job (runs in a scheduler thread)."""
    _on_loop(lambda runner: runner.run(name), name)


def run_wake() -> None:
    """A one-off wake-up at a deadline: run every periodic job once, now."""
    _on_loop(lambda runner: runner.run_periodic(), "wake")


def _on_loop(make: Callable[[JobRunner], Any], name: str) -> None:
    runner, loop = _runner, _loop
    if runner is None or loop is None or loop.is_closed():
        log.warning("scheduled job fired while the bot is not running", extra={"job": name})
        return
    asyncio.run_coroutine_threadsafe(make(runner), loop).result()


class JobRunner:
    def __init__(self, uows: UnitOfWorkFactory, make_context: Callable[[Any], Context],
                 after_commit: Callable[[Context], None], *, guard: Guard = UNGUARDED,
                 telemetry: Telemetry = SILENT) -> None:
        self.uows = uows
        self.make_context = make_context
        self.after_commit = after_commit
        self.guard = guard
        self.telemetry = telemetry
        self.runs = 0

    async def run_periodic(self) -> None:
        for spec in registry.JOBS.values():
            if spec.every_seconds is not None:
                await self.run(spec.name)

    async def run(self, name: str) -> None:
        spec = registry.JOBS.get(name)
        if spec is None:
            log.warning("unknown job in the job store", extra={"job": name})
            return
        for _ in range(MAX_ROUNDS):
            try:
                async with self.uows() as uow:
                    ctx = self.make_context(uow)
                    more = await spec.handler(ctx)
                    await uow.commit()
            except Exception as error:
                # Every job is safe to run again: the next round (or wake-up) retries it.
                self.guard.failed(f"job:{name}", error)
                self.telemetry.job_ran(name, ok=False)
                log.exception("scheduled job failed", extra={"job": name})
                return
            self.runs += 1
            self.guard.succeeded(f"job:{name}")
            self.telemetry.job_ran(name, ok=True)
            self.after_commit(ctx)
            if not more:
                return


class Scheduler:
    def __init__(self, database_url: str, timezone: tzinfo, clock: Clock, runner: JobRunner,
                 rules: Rules) -> None:
        self.clock = clock
        self.runner = runner
        self.rules = rules
        # The wake-ups this process put in the job store (each runs once, at a time that
        # has not come yet when it is added).
        self._wakes_added: set[datetime] = set()
        _read_time_from(clock)
        self.aps = _CountingScheduler(
            runner.guard,
            jobstores={"default": SharedJobStore(
                url=sync_url(database_url), tablename="apscheduler_jobs",
                engine_options={"connect_args": _connect_args(database_url)},
            )},
            timezone=timezone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        )

    async def start(self) -> None:
        global _runner, _loop
        _runner, _loop = self.runner, asyncio.get_running_loop()
        await asyncio.to_thread(self._start)

    def _start(self) -> None:
        self.aps.start()
        for spec in registry.JOBS.values():
            if spec.every_seconds is not None:
                self.aps.add_job(run_job, "interval", args=[spec.name], id=spec.name,
                                 seconds=spec.every_seconds, replace_existing=True,
                                 next_run_time=self.clock.now())
            elif spec.cron is not None:
                self.aps.add_job(run_job, "cron", args=[spec.name], id=spec.name,
                                 replace_existing=True, **spec.cron(self.rules))

    @property
    def alive(self) -> bool:
        return self.aps.running and self.aps.thread_alive

    async def watch(self, stopping: asyncio.Event) -> None:
        """A supervised task: the scheduling thread must be alive while the bot runs. Its
        rounds survive database errors (see `_CountingScheduler`); should the thread end
        anyway, this raises, and the restart starts a new thread."""
        if self.aps.running and not self.aps.thread_alive:
            self.aps.revive()
        while not stopping.is_set():
            if not self.aps.thread_alive and self.aps.running:
                raise RuntimeError("the scheduling thread ended")
            await pause(stopping, 1.0)

    def shutdown(self) -> None:
        global _runner, _loop
        if self.aps.running:
            self.aps.shutdown(wait=False)
        if _runner is self.runner:
            _runner, _loop = None, None

    def wake_at(self, when: datetime) -> None:
        """Run the periodic jobs at `when` too (a deadline a handler just set)."""
        when = max(when, self.clock.now())
        # Wake-ups within a second share a job, so a burst of tickets adds a handful of rows.
        key = when.replace(microsecond=0) + timedelta(seconds=1)
        if key in self._wakes_added:
            # Already in the job store (a burst of tickets shares its deadlines' second):
            # adding it again would only write and sync the same row once more.
            return
        if len(self._wakes_added) > 4096:
            self._wakes_added.clear()
        self._wakes_added.add(key)
        asyncio.get_running_loop().run_in_executor(None, self._add_wake, key)

    def _add_wake(self, key: datetime) -> None:
        try:
            self.aps.add_job(run_wake, "date", run_date=key, id=f"{WAKE_PREFIX}{key.isoformat()}",
                             replace_existing=True, misfire_grace_time=None)
        except Exception:
            log.exception("could not add a wake-up; the periodic round covers it")

    async def tick(self, within: float = 60.0) -> None:
        """Run whatever is due now and wait until it finished (fake-clock tests, the demo)."""
        # A round already under way may have read the time before it was advanced: wait for
        # one that starts after this call (rounds run one after another in one thread).
        started = self.aps.rounds_started
        self.aps.wakeup()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.aps.rounds_completed <= started or self.aps.in_flight:
            if loop.time() > deadline:
                raise TimeoutError("scheduled jobs did not finish")
            await asyncio.sleep(0.005)


class SharedJobStore(SQLAlchemyJobStore):
    """The job store of one of several bot processes sharing the database.

    Two processes may both run a due job; the second to finish finds it already updated or
    removed by the first. APScheduler treats that as an error that ends its scheduling
    thread; here it is the expected outcome of sharing, and is ignored."""

    def update_job(self, job: Any) -> None:
        try:
            super().update_job(job)
        except JobLookupError:
            log.debug("job already changed by another process", extra={"job": job.id})

    def remove_job(self, job_id: str) -> None:
        try:
            super().remove_job(job_id)
        except JobLookupError:
            log.debug("job already removed by another process", extra={"job": job_id})


class _CountingScheduler(BackgroundScheduler):
    """Counts rounds and running jobs so callers can wait for a round to finish, and keeps
    its thread alive through database errors.

    APScheduler retries a failed look for due jobs, but a failure to update or remove a job
    afterwards, or to read the next run time, ends its thread for good; here such a round is
    logged and the next one tried after the guard's pause."""

    def __init__(self, guard: Guard, **options: Any) -> None:
        super().__init__(**options)
        self._guard = guard
        self._failures = 0
        self._counter_lock = threading.Lock()
        self.rounds_started = 0
        self.rounds_completed = 0
        self.in_flight = 0
        self.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        self.add_listener(self._finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def _process_jobs(self) -> float | None:
        with self._counter_lock:
            self.rounds_started += 1
        try:
            wait: float | None = super()._process_jobs()
        except Exception as error:
            if isinstance(error, JobLookupError) and self.state == STATE_STOPPED:
                # Shut down in mid-round: removing a wake-up that just ran finds the
                # scheduler stopped and raises; the thread is ending anyway.
                return None
            self._failures += 1
            self._guard.failed("scheduler", error)
            wait = self._guard.backoff.delay(self._failures)
            log.warning("scheduling round failed; trying again",
                        extra={"retry_in_s": round(wait, 2),
                               "error": f"{type(error).__name__}: {str(error)[:200]}"})
        else:
            self._failures = 0
        finally:
            with self._counter_lock:
                self.rounds_completed += 1
        return wait

    @property
    def thread_alive(self) -> bool:
        thread = getattr(self, "_thread", None)
        return thread is not None and thread.is_alive()

    def revive(self) -> None:
        """A new thread for the scheduling loop (BackgroundScheduler.start's own recipe)."""
        self._thread = threading.Thread(target=self._main_loop, name="APScheduler",
                                        daemon=True)
        self._thread.start()
        self.wakeup()  # a new thread waits for a first wake-up before its first round
        log.warning("scheduling thread started again")

    def _submitted(self, event: JobEvent) -> None:
        with self._counter_lock:
            self.in_flight += 1

    def _finished(self, event: JobEvent) -> None:
        # APScheduler announces a submission only after the whole round, so a quick job may
        # finish first: the count dips below zero until its submission is counted.
        with self._counter_lock:
            self.in_flight -= 1


def _read_time_from(clock: Clock) -> None:
    """APScheduler 3 reads `datetime.now()` itself; point it at the injected clock so that a
    fake clock drives real jobs in tests and in the demo."""

    class ClockTime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            current = clock.now()
            return current.astimezone(tz) if tz else current

    schedulers_base.datetime = ClockTime  # type: ignore[misc]
    executors_base.datetime = ClockTime  # type: ignore[misc]


def _connect_args(url: str) -> dict[str, Any]:
    return {"timeout": 30} if url.startswith("sqlite") else {}
