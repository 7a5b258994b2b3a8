"""The background loop survives failures anywhere in its round; the supervisor restarts a
task that dies and ends the process when one keeps dying."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc as sa_exc

from bot.health.supervisor import Supervisor
from bot.pipeline.looping import keep_working
from bot.pipeline.trouble import Backoff, Guard, is_database_trouble

QUICK = Backoff(initial_s=0.001, max_s=0.002)


class Recording(Guard):
    def __init__(self) -> None:
        super().__init__(QUICK)
        self.events: list[str] = []

    def failed(self, what: str, error: BaseException) -> None:
        self.events.append(f"failed:{type(error).__name__}")

    def succeeded(self, what: str) -> None:
        self.events.append("ok")


async def test_a_failing_idle_check_does_not_end_the_loop():
    """The sender died when its idle check (which reads the database) failed: only the
    step was protected."""
    wakeup, stopping = asyncio.Event(), asyncio.Event()
    guard = Recording()
    asks = 0

    async def step() -> bool:
        return False

    async def idle() -> float:
        nonlocal asks
        asks += 1
        if asks == 1:
            raise ConnectionRefusedError("database away")
        if asks == 3:
            stopping.set()
        return 0.001

    await asyncio.wait_for(keep_working(step, wakeup, stopping, idle_seconds=idle,
                                        what="test", guard=guard), timeout=5)
    assert asks == 3
    assert guard.events[:2] == ["failed:ConnectionRefusedError", "ok"]


async def test_a_dead_task_is_restarted_and_counted():
    stopping = asyncio.Event()
    supervisor = Supervisor(stopping, backoff=QUICK, restart_limit=5)
    runs = 0

    async def task() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise RuntimeError("injected")
        await stopping.wait()

    supervisor.spawn("worker", task)
    for _ in range(200):
        if runs == 3:
            break
        await asyncio.sleep(0.005)
    assert runs == 3 and supervisor.states["worker"].restarts == 2
    assert supervisor.not_running == [] and not supervisor.fatal.is_set()
    stopping.set()
    await supervisor.wait(1)


async def test_a_task_that_keeps_dying_ends_the_process():
    stopping = asyncio.Event()
    supervisor = Supervisor(stopping, backoff=QUICK, restart_limit=2, restart_window_s=60)

    async def task() -> None:
        raise RuntimeError("always")

    supervisor.spawn("doomed", task)
    await asyncio.wait_for(supervisor.fatal.wait(), timeout=5)
    assert "doomed" in supervisor.fatal_reason
    stopping.set()
    await supervisor.wait(1)


@pytest.mark.parametrize("error, outage", [
    (sa_exc.DBAPIError(None, None, ConnectionError("refused")), True),  # could not connect
    (sa_exc.OperationalError("SELECT 1", None, Exception("server closed")), True),
    (sa_exc.TimeoutError("QueuePool limit"), True),
    (sa_exc.IntegrityError("INSERT", None, Exception("duplicate key")), False),
    (ValueError("bad input"), False),
])
def test_what_counts_as_the_database_being_away(error, outage):
    assert is_database_trouble(error) is outage
