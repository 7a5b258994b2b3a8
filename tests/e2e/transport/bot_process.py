"""The bot as a separate process, for tests that kill it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.harness import TOKEN

ROOT = Path(__file__).resolve().parents[3]


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


class BotProcess:
    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        handle = self.log.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=self.cwd, env=self.env,
            stdout=handle, stderr=handle)
        handle.close()

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, within: float = 30.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), within)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None
