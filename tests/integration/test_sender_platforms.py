"""The outbox sender asks the adapter of each message's platform: its messenger delivers, its
pace spaces the chat's messages, its global lane spaces the platform's, and a message for a
platform this deployment does not serve waits instead of being lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.pipeline.pacing import global_lane
from bot.pipeline.sender import NO_ADAPTER_RETRY, OutboxSender
from bot.pipeline.telemetry import Telemetry
from bot.platforms import Platforms
from domain.clock import FakeClock
from handlers.media import MediaStore
from handlers.texts import Texts
from messaging.outbound import SendText
from storage.models import OutboxRow
from tests.unit.test_platforms import FakeAdapter, FixedPace

GROUP, PERSON = "telegram:-1001000000001", "telegram:3001"


class Recorded(Telemetry):
    def __init__(self) -> None:
        self.delivered_to: list[str] = []

    def delivered(self, platform: str, kind: str, ref: str | None) -> None:
        self.delivered_to.append(platform)


@pytest.fixture
def timer() -> FakeClock:
    return FakeClock(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))


async def queue(uows, timer, *messages: SendText) -> None:
    async with uows() as uow:
        for message in messages:
            uow.outbox.add(message, timer.now())
        await uow.commit()


async def statuses(uows) -> list[tuple[int, str]]:
    async with uows(read_only=True) as uow:
        rows = (await uow.session.execute(
            OutboxRow.__table__.select().order_by(OutboxRow.id))).all()
    return [(row.chat_id, row.status) for row in rows]


async def test_the_platforms_pace_spaces_a_chats_messages(uows, timer, tmp_path):
    telegram = FakeAdapter("telegram", pace=FixedPace(chat=30.0, overall=0.0))
    telemetry = Recorded()
    sender = OutboxSender(uows, Platforms([telegram]), MediaStore(tmp_path), Texts("zh"),
                          timer, telemetry=telemetry)
    await queue(uows, timer, SendText(chat_id=GROUP, text="一"),
                SendText(chat_id=GROUP, text="二"), SendText(chat_id=PERSON, text="三"))

    assert await sender.step() == 2  # the head of each chat
    assert sorted(telegram.messenger.calls) == [("send_text", GROUP), ("send_text", PERSON)]
    # The group's lane is held for the adapter's 30 s, not Telegram's usual 3 s.
    timer.advance(timedelta(seconds=29))
    assert await sender.step() == 0
    timer.advance(timedelta(seconds=1))
    assert await sender.step() == 1
    assert [s for _, s in await statuses(uows)] == ["sent", "sent", "sent"]
    assert telemetry.delivered_to == ["telegram"] * 3


async def test_the_platforms_global_lane_spaces_all_its_chats(uows, timer, tmp_path):
    telegram = FakeAdapter("telegram", pace=FixedPace(chat=0.0, overall=7.0))
    sender = OutboxSender(uows, Platforms([telegram]), MediaStore(tmp_path), Texts("zh"),
                          timer)
    await queue(uows, timer, SendText(chat_id=GROUP, text="一"))
    start = timer.now().timestamp()
    assert await sender.step() == 1
    async with uows() as uow:
        lane = await uow.outbox.lane(global_lane("telegram"))
        assert lane.next_send_at == pytest.approx(start + 7.0)
        await uow.commit()


async def test_a_message_for_a_platform_not_served_waits(uows, timer, tmp_path):
    wecom = FakeAdapter("wecom")
    sender = OutboxSender(uows, Platforms([wecom]), MediaStore(tmp_path), Texts("zh"), timer)
    await queue(uows, timer, SendText(chat_id=GROUP, text="一"))
    assert await sender.step() == 0
    assert wecom.messenger.calls == []
    async with uows(read_only=True) as uow:
        row = (await uow.session.execute(OutboxRow.__table__.select())).one()
    assert row.status == "pending" and row.last_error.startswith("no adapter")
    assert row.not_before.replace(tzinfo=UTC) == timer.now() + NO_ADAPTER_RETRY
