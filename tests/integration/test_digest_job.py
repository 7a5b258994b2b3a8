"""The scheduled digest job: each chat once a day, the week beside the day on the weekly day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.clock import FakeClock
from handlers.context import Context
from handlers.digest.jobs import send_daily_digests
from handlers.media import MediaStore
from handlers.services import Services
from storage.models import OutboxRow
from tests.integration.test_digest_figures import DONGHU, TZ, build_dataset, local

VOLUNTEERS_CHAT = "telegram:-1002000000004"
# Monday 8 June, the weekly day of the sample configuration.
MONDAY_MORNING = datetime(2026, 6, 8, 8, 30, tzinfo=TZ).astimezone(UTC)


async def run_job(uows, media: Path, now: datetime) -> int:
    """Run the job as the scheduler does, round after round; returns the rounds that sent."""
    settings = load_settings(SAMPLE_CONFIG, check_areas=False)
    services = Services(rules=wiring.rules(settings), areas=None, media=MediaStore(media),  # type: ignore[arg-type]
                        people=None)  # type: ignore[arg-type]
    sent = 0
    while True:
        async with uows() as uow:
            ctx = Context(uow=uow, clock=FakeClock(now), directory=wiring.directory(settings),
                          services=services, now=now)
            more = await send_daily_digests(ctx)
            await uow.commit()
        if not more:
            return sent
        sent += 1


async def outbox(uows, chat_id: str) -> list[tuple[str, str]]:
    async with uows(read_only=True) as uow:
        rows = (await uow.execute(
            select(OutboxRow).where(OutboxRow.chat_id == chat_id).order_by(OutboxRow.id)
        )).scalars().all()
    return [(r.kind, r.payload.get("text") or r.payload.get("caption") or "") for r in rows]


async def test_monday_brings_the_day_and_the_week_once(uows, tmp_path):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    # Two groups and five department chats, one unit of work each.
    assert await run_job(uows, tmp_path, MONDAY_MORNING) == 7
    assert await run_job(uows, tmp_path, MONDAY_MORNING) == 0

    group = await outbox(uows, DONGHU)
    assert [kind for kind, _ in group] == ["send_text", "send_text", "send_photo"]
    day, week, chart = (text for _, text in group)
    assert day.startswith("📊 东湖社区联络群 · 日报 · 6月7日（昨天）\n"
                          "新报告 0 · 已受理 0 · 已办结 0 · 在办 2 · 超时 2")
    # The week: #5 #6 #7 #8 #10 #11 reported; #4 #5 #6 #7 acknowledged; #3 #4 #6 #7 resolved;
    # #5 (past its resolution deadline) and #11 (never answered) still open at its end.
    assert week.startswith("📊 东湖社区联络群 · 周报 · 6月1日至6月7日\n"
                           "新报告 6 · 已受理 4 · 已办结 4 · 在办 2 · 超时 2")
    assert chart.startswith("📈 东湖社区联络群")
    assert await outbox(uows, VOLUNTEERS_CHAT) == [
        ("send_text", "📊 东湖志愿维修队 · 6月7日（昨天）：没有新报告，当天结束时没有待办的工单。"),
        ("send_text", "📊 东湖志愿维修队 · 6月1日至6月7日：没有新报告，期末没有待办的工单。"),
    ]


async def test_a_weekday_brings_the_day_only(uows, tmp_path):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    assert await run_job(uows, tmp_path, local(6, 2, 8, 30)) == 7
    texts = [text for _, text in await outbox(uows, DONGHU)]
    assert len(texts) == 2 and texts[0].startswith("📊 东湖社区联络群 · 日报 · 6月1日（昨天）\n")
