"""Keeps the background tasks running: a task that dies is logged and started again after a
growing pause; one that keeps dying ends the process, non-zero, so that systemd or Kubernetes
starts it afresh (a process that is up but deaf is worse than one that restarts).

Failures inside a task's rounds (the database away, a bad row) are retried by the task's own
loop (`bot.pipeline.looping.keep_working`); what reaches the supervisor is what escaped that.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.pipeline.telemetry import SILENT, Telemetry
from bot.pipeline.trouble import Backoff, pause

log = logging.getLogger(__name__)

# The exit status of a process that could not recover (EX_SOFTWARE in sysexits.h).
EXIT_UNRECOVERABLE = 70


@dataclass
class TaskState:
    name: str
    running: bool = False
    restarts: int = 0
    last_error: str = ""
    recent: deque[float] = field(default_factory=deque)


class Supervisor:
    def __init__(self, stopping: asyncio.Event, *, backoff: Backoff | None = None,
                 restart_limit: int = 5, restart_window_s: float = 300.0,
                 telemetry: Telemetry = SILENT) -> None:
        self.stopping = stopping
        self.backoff = backoff or Backoff()
        self.restart_limit = restart_limit
        self.restart_window_s = restart_window_s
        self.telemetry = telemetry
        self.states: dict[str, TaskState] = {}
        self.tasks: list[asyncio.Task[None]] = []
        # Set when the process should end (a task kept dying, an outage lasted too long).
        self.fatal = asyncio.Event()
        self.fatal_reason = ""

    def spawn(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        """Run `run()` until stopping; each restart calls it again."""
        if name in self.states:
            raise ValueError(f"task {name!r} is already supervised")
        self.states[name] = TaskState(name)
        self.tasks.append(asyncio.create_task(self._keep(name, run), name=name))

    def give_up(self, reason: str) -> None:
        if not self.fatal.is_set():
            self.fatal_reason = reason
            log.critical("cannot recover; the process ends so that it is started afresh",
                         extra={"reason": reason})
            self.fatal.set()

    @property
    def not_running(self) -> list[str]:
        """Tasks that are not running right now (dead and waiting to be restarted)."""
        return [s.name for s in self.states.values() if not s.running]

    async def wait(self, within: float) -> None:
        """Wait for the tasks to end after `stopping` was set; cancel what is left."""
        if not self.tasks:
            return
        _, pending = await asyncio.wait(self.tasks, timeout=within)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1)

    async def _keep(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        state = self.states[name]
        loop = asyncio.get_running_loop()
        while not self.stopping.is_set():
            state.running = True
            try:
                await run()
            except Exception as error:
                state.last_error = f"{type(error).__name__}: {str(error)[:200]}"
                log.error("background task died", exc_info=error, extra={"task": name})
            else:
                if self.stopping.is_set():
                    break
                state.last_error = "ended by itself"
                log.error("background task ended while the bot runs", extra={"task": name})
            finally:
                state.running = False
            now = loop.time()
            state.recent.append(now)
            while state.recent and state.recent[0] < now - self.restart_window_s:
                state.recent.popleft()
            if len(state.recent) > self.restart_limit:
                self.give_up(f"task {name} died {len(state.recent)} times within "
                             f"{self.restart_window_s:g} s: {state.last_error}")
                return
            delay = self.backoff.delay(len(state.recent))
            log.warning("restarting background task",
                        extra={"task": name, "restart_in_s": round(delay, 2),
                               "restarts": state.restarts + 1})
            await pause(self.stopping, delay)
            if self.stopping.is_set():
                break
            state.restarts += 1
            self.telemetry.task_restarted(name)
