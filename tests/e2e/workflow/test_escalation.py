"""A/B posts and reminders on the fake clock, a restart in the middle of a schedule, and two
workers running the same job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.scheduler import JobRunner
from storage.db import create_engine, session_factory
from storage.uow import UnitOfWorkFactory
from tests.e2e.harness import (
    GROUP,
    ROADS_BACKUP,
    ROADS_CHAT,
    ROADS_STAFF,
    ROADS_SUPERVISOR,
)
from tests.e2e.workflow.helpers import file_reports, last_reply, say, start_privately

NOTICE = "无人受理"


def notices(liaison, chat_id, needle=NOTICE):
    return [m for m in liaison.server.bot_messages(chat_id) if needle in (m.text or "")]


async def test_unacknowledged_ticket_goes_to_backup_then_supervisors(liaison):
    await start_privately(liaison, ROADS_BACKUP)
    await file_reports(liaison, 1)  # road: acknowledge within 30 minutes
    announcement = liaison.find(ROADS_CHAT, "#0001")

    await liaison.later(timedelta(minutes=29))
    assert notices(liaison, ROADS_CHAT) == []

    await liaison.later(timedelta(minutes=2))
    first, = notices(liaison, ROADS_CHAT)
    assert first.text.startswith("⏰ #0001 已 30 分钟 无人受理 · 请备岗 李师傅 处理")
    assert first.reply_to_message_id == announcement.message_id
    assert first.inline_keyboard, "the backup can acknowledge right there"
    assert notices(liaison, ROADS_BACKUP), "and hears of it privately"
    ticket = await liaison.ticket(1)
    assert ticket.ack_escalation == 1 and ticket.events[-1].kind == "escalated"
    assert "⚠️ 已超期" in liaison.card(1).text

    await liaison.later(timedelta(minutes=30))
    assert len(notices(liaison, ROADS_CHAT)) == 2
    assert "请负责人 道路所王科长 督办" in notices(liaison, ROADS_CHAT)[-1].text
    assert (await liaison.ticket(1)).ack_escalation == 2

    await liaison.later(timedelta(hours=2))
    assert len(notices(liaison, ROADS_CHAT)) == 2, "each level once"

    shown = await say(liaison, GROUP, ROADS_SUPERVISOR, "/ticket 1")
    history = last_reply(liaison, GROUP, shown)
    assert "超时未受理，通知备岗" in history and "超时未受理，通知负责人" in history

    await say(liaison, ROADS_CHAT, ROADS_BACKUP, "/ack 1")
    assert "已受理" in notices(liaison, ROADS_CHAT)[0].text, "notices are kept up to date"


async def test_overdue_resolution_reminds_staff_then_supervisors(liaison):
    await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/take 1")
    await liaison.later(timedelta(hours=23, minutes=59))
    assert notices(liaison, ROADS_CHAT, "仍未解决") == []
    await liaison.later(timedelta(minutes=2))
    first, = notices(liaison, ROADS_CHAT, "仍未解决")
    assert first.text.startswith(
        "⏳ #0001 已过解决期限（24 小时 0 分）仍未解决 · 请 张师傅 尽快处理")
    await liaison.later(timedelta(hours=24))
    second = notices(liaison, ROADS_CHAT, "仍未解决")[-1]
    assert "请负责人 道路所王科长 督办" in second.text
    ticket = await liaison.ticket(1)
    assert ticket.resolve_reminder == 2
    assert [e.data["audience"] for e in ticket.events if e.kind == "reminded"] == [
        "staff", "supervisors"]


async def test_escalation_fires_on_time_after_a_restart(liaison):
    await file_reports(liaison, 1)
    await liaison.later(timedelta(minutes=10))
    await liaison.restart_bot()
    await liaison.later(timedelta(minutes=21))
    assert len(notices(liaison, ROADS_CHAT)) == 1
    assert (await liaison.ticket(1)).ack_escalation == 1
    await liaison.restart_bot()
    await liaison.later(timedelta(seconds=1))
    assert len(notices(liaison, ROADS_CHAT)) == 1, "nothing is done twice after a restart"


async def test_two_workers_take_each_step_once(liaison):
    await file_reports(liaison, 3)
    liaison.clock.advance(timedelta(minutes=31))
    app = liaison.app
    engine = create_engine(liaison.database_url)
    try:
        other = JobRunner(UnitOfWorkFactory(session_factory(engine)), app.core.context,
                          lambda ctx: None)
        await asyncio.gather(app.scheduler.runner.run("workflow.deadlines"),
                             other.run("workflow.deadlines"),
                             app.scheduler.runner.run("workflow.deadlines"))
    finally:
        await engine.dispose()
    await liaison.settle()
    assert len(notices(liaison, ROADS_CHAT)) == 3
    for number in (1, 2, 3):
        ticket = await liaison.ticket(number)
        assert [e.kind for e in ticket.events].count("escalated") == 1
