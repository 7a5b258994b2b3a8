"""People the configuration does not name are called by the name the bot has seen them use,
not by their number."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.e2e.harness import ROADS_BACKUP, ROADS_CHAT, ROADS_STAFF, Harness
from tests.e2e.workflow.helpers import file_reports, say


@pytest.fixture
async def unlisted(database_url, tmp_path, clock) -> AsyncIterator[Harness]:
    """The sample district with the backup and the staff of road maintenance missing from
    [[people]]."""
    harness = Harness(database_url, tmp_path, clock)
    start_bot = harness.start_bot

    async def without_names():
        harness.settings = harness.settings.model_copy(update={"people": [
            p for p in harness.settings.people if p.id not in (ROADS_BACKUP, ROADS_STAFF)]})
        return await start_bot()

    harness.start_bot = without_names  # type: ignore[method-assign]
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_escalation_names_the_backup_by_the_name_seen_in_a_chat(unlisted):
    await say(unlisted, ROADS_CHAT, ROADS_BACKUP, "收到")
    await file_reports(unlisted, 1)
    await unlisted.later(timedelta(minutes=31))
    [notice] = [m for m in unlisted.server.bot_messages(ROADS_CHAT) if "无人受理" in (m.text or "")]
    assert "请备岗 李师傅 处理" in notice.text, notice.text
    assert str(ROADS_BACKUP) not in notice.text


async def test_the_announcement_names_staff_who_started_the_bot(unlisted):
    unlisted.server.open_private_chat(ROADS_STAFF)
    await say(unlisted, ROADS_STAFF, ROADS_STAFF, "/start")
    await file_reports(unlisted, 1)
    announcement = unlisted.find(ROADS_CHAT, "#0001")
    text = announcement.caption or announcement.text or ""
    assert "张师傅" in text and str(ROADS_STAFF) not in text, text
