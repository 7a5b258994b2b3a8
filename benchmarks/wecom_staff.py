"""WeCom staff: a burst of `@联络机器人 备注 1 …` over the smart bot's long connection, each
written to the inbox, handled and answered in the group, on the local WeCom server.

All are sent at once, as a busy group might; latency is from the member's message leaving the
server to the bot's answer arriving there, so it includes waiting behind the burst (one
group's messages are handled in order). The pace is set out of the way (this measures the
bot, not WeCom's limits). The rider's report that opens the ticket comes through the local Bot
API server first.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from benchmarks.table import Row, latencies_ms
from domain.clock import FakeClock
from storage.migrate import upgrade
from tests.e2e.harness import RIDER
from tests.e2e.wecom.harness import ROADS, ZHANG, WeComHarness


async def run(quick: bool) -> list[Row]:
    count = 40 if quick else 300
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite+aiosqlite:///{Path(workdir) / 'wecom.db'}"
        upgrade(url)
        crew = WeComHarness(url, Path(workdir), FakeClock())
        await crew.start()
        try:
            await crew.report(RIDER, caption="路面鼓包")
            baseline = len(crew.posts(ROADS))
            sent: list[float] = []
            started = time.monotonic()
            for index in range(count):
                sent.append(time.monotonic())
                await crew.wecom.say(ROADS, ZHANG, f"备注 1 第{index}条")
                await asyncio.sleep(0)
            answers = await crew.wecom.wait_posts(ROADS, baseline + count, within_s=300)
            arrived = [p.at for p in answers[baseline:baseline + count]]
            seconds = max(arrived) - started
        finally:
            await crew.stop()
    p50, p99 = latencies_ms([a - s for a, s in zip(arrived, sent, strict=True)])
    return [Row(f"wecom: {count} staff commands over the long connection, answered",
                throughput=count / seconds, unit="commands/s", p50_ms=p50, p99_ms=p99,
                notes=f"SQLite; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")]
