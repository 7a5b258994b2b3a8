"""A background task killed by an injected error is restarted, and nothing is lost."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from tests.e2e.harness import GROUP, Harness
from tests.e2e.resilience.probes import eventually, readiness, scrape, value


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
async def test_a_killed_task_is_restarted_not_lost(database_url, tmp_path, clock):
    harness = Harness(database_url, tmp_path, clock,
                      health={"retry_initial_s": 0.05, "retry_max_s": 0.2})
    await harness.start()
    app = harness.app
    try:
        poller = app.platforms["telegram"].poller
        real_poll = poller._poll
        calls = 0

        async def poll_then_die(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("injected: the polling task dies")
            return await real_poll(*args, **kwargs)

        poller._poll = poll_then_die
        await eventually(lambda: app.supervisor.states["scheduler"].running)
        # The scheduler's thread dies as well (a thread ends on SystemExit without a word).
        aps = app.scheduler.aps
        real_round = aps._process_jobs
        rounds = 0

        def round_then_die() -> float | None:
            nonlocal rounds
            rounds += 1
            if rounds == 1:
                raise SystemExit("injected: the scheduling thread ends")
            return real_round()

        aps._process_jobs = round_then_die
        aps.wakeup()

        report = await harness.server.post_venue(GROUP, 3001, 39.9215, 116.4712, "路面鼓包",
                                                 "东湖路")
        await harness.server.wait_until(
            lambda: True if harness.replies_to(GROUP, report.message_id) else None, within=20)
        assert await harness.count() == 1
        await eventually(lambda: rounds > 1 and app.supervisor.states["scheduler"].restarts)
        assert app.scheduler.alive

        samples = await scrape(app)
        assert value(samples, "liaison_task_restarts_total", task="polling") == 1
        assert value(samples, "liaison_task_restarts_total", task="scheduler") == 1
        status, body = await readiness(app)
        assert status == 200, body
    finally:
        await harness.stop()


async def test_the_poller_rides_out_a_database_error_while_storing(liaison: Harness,
                                                                   monkeypatch):
    """Polling ended for good when storing a batch failed: the store was outside its try."""
    import bot.telegram.receiver as receiver

    real_store = receiver.store
    failures = 0

    async def failing_store(*args, **kwargs):
        nonlocal failures
        if failures < 2:
            failures += 1
            raise OperationalError("INSERT INTO inbox", None,
                                   ConnectionRefusedError("the database is away"))
        return await real_store(*args, **kwargs)

    monkeypatch.setattr(receiver, "store", failing_store)
    report = await liaison.server.post_venue(GROUP, 3001, 39.9215, 116.4712, "路面鼓包", "东湖路")
    await liaison.settle()
    assert failures == 2
    assert liaison.replies_to(GROUP, report.message_id)
    assert liaison.app.supervisor.states["polling"].restarts == 0, "retried, not restarted"
