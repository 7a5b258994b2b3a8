"""`liaison-bot run` with no token, as a newcomer types it: the sandbox starts and says where."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

PAGE_LINE = re.compile(r"(http://127\.0\.0\.1:\d+)\s*$")
START_WITHIN = 120  # imports and migrations on a busy CI machine


async def read_banner(process: asyncio.subprocess.Process) -> tuple[str, list[str]]:
    """The page's address and the banner's lines, up to its last ("Ctrl+C")."""
    assert process.stdout is not None
    lines: list[str] = []
    url = None
    while True:
        raw = await process.stdout.readline()
        if not raw:
            raise AssertionError("the sandbox ended before printing its banner:\n"
                                 + "\n".join(lines))
        lines.append(raw.decode().rstrip())
        found = PAGE_LINE.search(lines[-1])
        url = url or (found.group(1) if found else None)
        if url and "Ctrl+C" in lines[-1]:
            return url, lines


async def test_run_without_a_token_starts_the_sandbox(tmp_path: Path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("LIAISON_")}
    env["LIAISON_SANDBOX__LISTEN"] = "127.0.0.1:0"  # any free port, CI may use 8080
    # An empty folder: no config.toml, so the built-in sample is used, as on a new machine.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        url, lines = await asyncio.wait_for(read_banner(process), START_WITHIN)
        assert any("Liaison" in line for line in lines)
        kept = tmp_path / "liaison-sandbox" / "liaison.db"
        assert any(str(kept) in line for line in lines), "the banner says where the data is"
        assert any("liaison-bot export --url" in line for line in lines)
        async with aiohttp.ClientSession() as session, \
                session.get(f"{url}/sandbox/setup.json") as response:
            assert response.status == 200
            setup = await response.json()
        assert len(setup["chats"]) >= 3
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 60)
    assert code == 0
    # What the newcomer did is kept for export and /stats, in one folder, and nothing else.
    assert os.listdir(tmp_path) == ["liaison-sandbox"]
    assert (tmp_path / "liaison-sandbox" / "liaison.db").is_file()
