"""Prometheus metrics of one running bot, in a registry of its own (a test process may run
several bots). Events (sends, failures, handler times, job runs, restarts) are counted as
they happen; the state kept in the database (backlogs, tickets by status, overdue tickets)
is counted when Prometheus scrapes, with a few indexed queries.

The names all start with `liaison_`; docs/operations/ has the dashboard and alert rules that
use them (a test checks that every name they use is exported).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.pipeline.telemetry import Telemetry
from storage.repositories.gauges import GaugeQueries, Snapshot
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

# Escalation notices are sent under refs "notice:<ticket>:<event>" (handlers.tickets.publish).
ESCALATION_REF = "notice:"
SCRAPE_QUERY_TIMEOUT_S = 3.0
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RETRY_AFTER_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics(Telemetry):
    def __init__(self, platform: str = "telegram") -> None:
        self.platform = platform
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.handler_seconds = Histogram(
            "liaison_handler_duration_seconds", "Time to handle one update, by kind of update",
            ["kind", "outcome"], registry=r, buckets=HANDLER_BUCKETS)
        self.sent = Counter("liaison_outbox_sent", "Messages delivered to a platform",
                            ["platform", "kind"], registry=r)
        self.failures = Counter(
            "liaison_outbox_failures", "Tries to deliver that failed, by reason "
            "(throttled, transient, permanent, gone)", ["platform", "kind", "reason"],
            registry=r)
        self.throttles = Counter("liaison_platform_throttled",
                                 "Requests the platform refused with 429 (retry_after)",
                                 ["platform"], registry=r)
        self.retry_after = Histogram("liaison_platform_retry_after_seconds",
                                     "retry_after the platform asked for", ["platform"],
                                     registry=r, buckets=RETRY_AFTER_BUCKETS)
        self.escalations = Counter("liaison_escalations_sent",
                                   "Escalation and reminder notices delivered", registry=r)
        # "name", not "job": Prometheus sets "job" and "instance" on every target itself.
        self.job_runs = Counter("liaison_job_runs", "Scheduled job runs, by outcome",
                                ["name", "outcome"], registry=r)
        self.restarts = Counter("liaison_task_restarts",
                                "Background tasks that died and were started again", ["task"],
                                registry=r)
        self.database = DatabaseGauges()
        r.register(self.database)
        self.process = ProcessGauges()
        r.register(self.process)

    # -- Telemetry -----------------------------------------------------------------------

    def handled(self, kind: str, seconds: float, ok: bool) -> None:
        self.handler_seconds.labels(kind, "ok" if ok else "error").observe(seconds)

    def delivered(self, platform: str, kind: str, ref: str | None) -> None:
        self.sent.labels(platform, kind).inc()
        if ref is not None and ref.startswith(ESCALATION_REF):
            self.escalations.inc()

    def delivery_failed(self, platform: str, kind: str, reason: str) -> None:
        self.failures.labels(platform, kind, reason).inc()

    def throttled(self, platform: str, retry_after_s: float) -> None:
        self.throttles.labels(platform).inc()
        self.retry_after.labels(platform).observe(retry_after_s)

    def job_ran(self, name: str, ok: bool) -> None:
        self.job_runs.labels(name, "ok" if ok else "error").inc()

    def task_restarted(self, name: str) -> None:
        self.restarts.labels(name).inc()

    # -- scraping ------------------------------------------------------------------------

    async def exposition(self, uows: UnitOfWorkFactory, business_now: datetime,
                         real_now: datetime) -> bytes:
        await self.database.refresh(uows, business_now, real_now)
        return generate_latest(self.registry)


class DatabaseGauges(Collector):
    """The database's counts as of the last scrape; none at all while it is unreachable
    (stale numbers would hide the outage), with `liaison_database_up` 0."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.business_now: datetime | None = None
        self.real_now: datetime | None = None
        self.platform = "telegram"

    async def refresh(self, uows: UnitOfWorkFactory, business_now: datetime,
                      real_now: datetime) -> None:
        self.business_now, self.real_now = business_now, real_now
        try:
            self.snapshot = await asyncio.wait_for(self._read(uows, business_now),
                                                   SCRAPE_QUERY_TIMEOUT_S)
        except Exception as error:
            self.snapshot = None
            log.warning("metrics: the database could not be read",
                        extra={"error": f"{type(error).__name__}: {str(error)[:200]}"})

    @staticmethod
    async def _read(uows: UnitOfWorkFactory, now: datetime) -> Snapshot:
        async with uows(read_only=True) as uow:
            return await GaugeQueries(uow.session).snapshot(now)

    def collect(self) -> Iterator[Metric]:
        found = self.snapshot
        yield GaugeMetricFamily("liaison_database_up",
                                "1 when the last scrape could read the database",
                                value=1 if found is not None else 0)
        if found is None:
            return
        yield GaugeMetricFamily("liaison_inbox_backlog", "Updates stored and not handled yet",
                                value=found.inbox_backlog)
        yield GaugeMetricFamily("liaison_inbox_oldest_pending_age_seconds",
                                "How long the oldest unhandled update has waited",
                                value=_age(found.inbox_oldest, self.real_now))
        yield GaugeMetricFamily("liaison_inbox_failed",
                                "Updates parked after repeated failures", value=found.inbox_failed)
        backlog = GaugeMetricFamily("liaison_outbox_backlog",
                                    "Messages waiting to be delivered", labels=["platform"])
        backlog.add_metric([self.platform], found.outbox_backlog)
        yield backlog
        oldest = GaugeMetricFamily("liaison_outbox_oldest_pending_age_seconds",
                                   "How long the oldest undelivered message has waited",
                                   labels=["platform"])
        oldest.add_metric([self.platform], _age(found.outbox_oldest, self.business_now))
        yield oldest
        failed = GaugeMetricFamily("liaison_outbox_failed",
                                   "Messages the platform refused for good", labels=["platform"])
        failed.add_metric([self.platform], found.outbox_failed)
        yield failed
        tickets = GaugeMetricFamily("liaison_tickets", "Tickets by status", labels=["status"])
        for status, count in sorted(found.tickets.items()):
            tickets.add_metric([status], count)
        yield tickets
        yield GaugeMetricFamily("liaison_tickets_overdue",
                                "Open tickets past their acknowledgement or resolution time",
                                value=found.overdue)


class ProcessGauges(Collector):
    """This process's own state: its background tasks and whether it sees an outage."""

    def __init__(self) -> None:
        self.tasks: Callable[[], dict[str, bool]] = dict
        self.outage: Callable[[], bool] = lambda: False

    def collect(self) -> Iterator[Metric]:
        running = GaugeMetricFamily("liaison_task_running",
                                    "1 while a background task runs", labels=["task"])
        for name, up in sorted(self.tasks().items()):
            running.add_metric([name], 1 if up else 0)
        yield running
        yield GaugeMetricFamily("liaison_database_outage",
                                "1 while this process finds the database unreachable",
                                value=1 if self.outage() else 0)


def _age(since: datetime | None, now: datetime | None) -> float:
    if since is None or now is None:
        return 0.0
    return max(0.0, (now - since).total_seconds())
