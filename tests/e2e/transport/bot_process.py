"""The bot as a separate process, for tests that kill it.

Each bot is a real process of its own (its own event loop, database connections and sockets,
which SIGKILL takes away at once), forked from a fork server that has imported the bot ahead
(`bot_preload`): a fresh interpreter spends seconds of CPU on imports before the bot does
anything, at every one of the tests' twenty-odd starts. The process then runs what
`python -m bot run` runs, `bot.cli.main(["run"])`, with the environment and working directory
it is given and its output in its log.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import socket
import sys
import threading
import time
from multiprocessing.context import ForkServerContext
from pathlib import Path

import aiohttp

from tests.e2e.harness import TOKEN

ROOT = Path(__file__).resolve().parents[3]
PRELOAD = "tests.e2e.transport.bot_preload"


def bot_environment(database_url: str, media_dir: Path, api_base_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LIAISON_CONFIG", None)
    env.update({
        "LIAISON_TELEGRAM__TOKEN": TOKEN,
        "LIAISON_TELEGRAM__API_BASE_URL": api_base_url,
        "LIAISON_TELEGRAM__POLL_TIMEOUT_S": "5",
        "LIAISON_TELEGRAM__REQUEST_TIMEOUT_S": "2",
        "LIAISON_TELEGRAM__LIMITS__PER_CHAT_INTERVAL_S": "0.001",
        "LIAISON_TELEGRAM__LIMITS__GROUP_PER_MINUTE": "50000",
        "LIAISON_TELEGRAM__LIMITS__GLOBAL_PER_SECOND": "5000",
        "LIAISON_DATABASE__URL": database_url,
        "LIAISON_MEDIA__DIR": str(media_dir),
        "LIAISON_LOGGING__LEVEL": "WARNING",
        "LIAISON_METRICS__LISTEN": "127.0.0.1:0",
        "LIAISON_INTAKE__REPORTER_LIMIT_PER_HOUR": "0",
        "PYTHONPATH": str(ROOT),
    })
    return env


def webhook_environment(database_url: str, media_dir: Path, api_base_url: str, *, hook: int,
                        health: int, share_port: bool = False) -> dict[str, str]:
    """A webhook worker's: Telegram posts to 127.0.0.1:`hook`; /readyz on `health`."""
    env = bot_environment(database_url, media_dir, api_base_url)
    env.update({
        "LIAISON_TELEGRAM__MODE": "webhook",
        "LIAISON_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{hook}/telegram/hook",
        "LIAISON_TELEGRAM__WEBHOOK_SECRET": "s3cret-for-tests",
        "LIAISON_TELEGRAM__WEBHOOK_LISTEN": f"127.0.0.1:{hook}",
        "LIAISON_TELEGRAM__WEBHOOK_REUSE_PORT": "true" if share_port else "false",
        "LIAISON_METRICS__LISTEN": f"127.0.0.1:{health}",
    })
    return env


_context: ForkServerContext | None = None
# `Process.start` keeps module-wide bookkeeping (the children set, the fork server's socket)
# that is not safe to touch from several threads at once; starts that a test makes at the
# same moment take turns here, each taking milliseconds once the fork server is up.
_starting = threading.Lock()


def _forkserver() -> ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        _context = context
    return _context


def _run_bot(env: dict[str, str], cwd: str, log: str) -> None:
    """In the forked process: become `python -m bot run` with this environment."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.stdout.flush()
    sys.stderr.flush()
    with open(log, "ab") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
    from bot.cli import main

    try:
        code = main(["run"])
    finally:
        logging.shutdown()  # what the interpreter's exit would do; the fork exits without it
    sys.exit(code)


def _start(process: multiprocessing.process.BaseProcess) -> None:
    with _starting:
        process.start()


class BotProcess:
    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.log = log
        self.process: multiprocessing.process.BaseProcess | None = None

    async def start(self) -> None:
        process = _forkserver().Process(target=_run_bot, name="liaison-bot",
                                        args=(self.env, str(self.cwd), str(self.log)),
                                        daemon=True)  # ended with the test worker, if left
        # The first start waits for the fork server to import the bot; the loop goes on.
        await asyncio.to_thread(_start, process)
        self.process = process

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.wait()

    async def terminate(self, within: float = 30.0) -> int:
        assert self.process is not None
        self.process.terminate()
        return await asyncio.wait_for(self.wait(), within)

    async def wait(self) -> int:
        """The exit status (negative: the signal that ended it), without blocking the loop."""
        assert self.process is not None
        process = self.process
        if process.exitcode is None:
            loop = asyncio.get_running_loop()
            ended = loop.create_future()
            loop.add_reader(process.sentinel, lambda: ended.done() or ended.set_result(None))
            try:
                await ended
            finally:
                loop.remove_reader(process.sentinel)
            process.join()
        assert process.exitcode is not None
        return process.exitcode

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.exitcode is None

    @property
    def pid(self) -> int:
        assert self.process is not None and self.process.pid is not None
        return self.process.pid


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_ready(bot: BotProcess, port: int, within: float = 90.0) -> None:
    """Until the bot's /readyz (on `port`) answers 200; its log if it ends first."""
    deadline = time.perf_counter() + within
    async with aiohttp.ClientSession() as http:
        while time.perf_counter() < deadline:
            assert bot.running, ("a bot ended while starting:\n"
                                 + bot.log.read_text(errors="replace")[-3000:])
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"the bot on :{port} was not ready within {within} s")
