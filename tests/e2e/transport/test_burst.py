"""Two hundred reports into one group within a minute, under Telegram's real limits.

Pacing is about the platform, not the database, so this runs once, on SQLite.
"""

from __future__ import annotations

import pytest

from benchmarks.burst import run_burst
from storage.migrate import upgrade


@pytest.mark.slow
async def test_every_reporter_learns_their_number_within_a_minute(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'burst.db'}"
    upgrade(url)
    result = await run_burst(url, tmp_path, reports=200, spread_s=30.0)
    assert result.unanswered == []
    assert len(result.latencies) == 200
    assert max(result.latencies) < 60.0, sorted(result.latencies)[-5:]
    assert result.violations == 0
    # Twenty a minute: the group got far fewer messages than reports, each line still there.
    assert result.group_messages < 60
    assert result.merged_lines > 100
