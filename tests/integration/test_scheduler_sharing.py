"""Several bot processes share one job store: a job another process already changed or
removed is not an error that would stop this process's scheduler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.scheduler import SharedJobStore, run_wake
from storage.db import sync_url


def test_a_job_removed_by_another_process(database_url):
    url = sync_url(database_url)
    first = BackgroundScheduler(jobstores={"default": SharedJobStore(url=url)})
    second = BackgroundScheduler(jobstores={"default": SharedJobStore(url=url)})
    first.start(paused=True)
    second.start(paused=True)
    try:
        when = datetime.now(UTC) + timedelta(hours=1)
        job = first.add_job(run_wake, "date", run_date=when, id="wake@test")
        assert second.get_job("wake@test") is not None
        second.remove_job("wake@test")
        first.remove_job("wake@test")
        first._lookup_jobstore("default").update_job(job)
        assert first.get_job("wake@test") is None
    finally:
        first.shutdown(wait=False)
        second.shutdown(wait=False)
