"""The digest through the real bot: scheduled at 08:30 on the fake clock, and on demand."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook

from tests.e2e.harness import (
    ADMIN,
    DONGHU,
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    ROADS_STAFF,
    SANITATION_CHAT,
    Harness,
)

GROUP_HEADING = "📊 东湖社区联络群 · 日报 · 6月1日"
ROADS_HEADING = "📊 道路养护所 · 日报 · 6月1日"


def digests(liaison: Harness, chat_id: int, heading: str) -> tuple[int, int]:
    """How many digest texts starting with `heading`, and charts in all, the chat got."""
    messages = liaison.server.bot_messages(chat_id)
    texts = sum(1 for m in messages if (m.text or "").startswith(heading))
    charts = sum(1 for m in messages if m.payload.get("photo")
                 and (m.caption or "").startswith("📈"))
    return texts, charts


async def a_day_of_reports(liaison: Harness) -> None:
    """Monday 12:00: a road report, acknowledged at once; at 13:00 another, 300 m north,
    that nobody answers."""
    await liaison.report()
    await liaison.server.press_button(GROUP, liaison.card(1).message_id, ROADS_STAFF,
                                      text="✅ 受理")
    await liaison.settle()
    await liaison.later(timedelta(hours=1))
    await liaison.report(RIDER_2, caption="路面塌陷", where=(DONGHU[0] + 0.0027, DONGHU[1]))


async def test_the_daily_digest_fires_at_half_past_eight_exactly_once(liaison):
    await a_day_of_reports(liaison)
    assert digests(liaison, GROUP, GROUP_HEADING) == (0, 0)

    await liaison.later(timedelta(hours=19, minutes=30))  # Tuesday 08:30 in Beijing

    assert digests(liaison, GROUP, GROUP_HEADING) == (1, 1)
    assert digests(liaison, ROADS_CHAT, ROADS_HEADING) == (1, 1)
    group_digest = liaison.find(GROUP, GROUP_HEADING).text or ""
    assert "新报告 2 · 已受理 1" in group_digest and "响应率 50%（按时受理 1 / 应受理 2）" \
        in group_digest
    assert "🙏 感谢报告问题的 小李（1）、老王（1）！" in group_digest
    # A department without tickets hears so in one line, without a chart.
    assert liaison.bot_texts(SANITATION_CHAT)[-1] == (
        "📊 环卫所 · 6月1日（昨天）：没有新报告，当天结束时没有待办的工单。")

    # The job runs again (another process, a retry) and the bot restarts at 08:30:
    # nobody gets a second digest.
    assert liaison.app is not None
    await liaison.app.scheduler.runner.run("digest_daily")
    await liaison.restart_bot()
    await liaison.app.scheduler.tick()
    await liaison.settle()
    assert digests(liaison, GROUP, GROUP_HEADING) == (1, 1)
    assert digests(liaison, ROADS_CHAT, ROADS_HEADING) == (1, 1)
    assert sum(t.startswith("📊 环卫所") for t in liaison.bot_texts(SANITATION_CHAT)) == 1

    # The next morning brings the next day's digest and its chart.
    await liaison.later(timedelta(days=1))
    assert digests(liaison, GROUP, "📊 东湖社区联络群 · 日报 · 6月2日") == (1, 2)


async def test_digest_and_stats_on_demand_for_staff(liaison):
    await a_day_of_reports(liaison)
    await liaison.later(timedelta(hours=19, minutes=30))
    before = digests(liaison, ROADS_CHAT, ROADS_HEADING)

    asked = await liaison.server.post_command(ROADS_CHAT, ROADS_STAFF, "/digest")
    await liaison.settle()
    assert liaison.replies_to(ROADS_CHAT, asked.message_id)[0].startswith(ROADS_HEADING)
    assert digests(liaison, ROADS_CHAT, ROADS_HEADING) == (before[0] + 1, before[1] + 1)

    asked = await liaison.server.post_command(GROUP, ROADS_STAFF, "/stats today")
    await liaison.settle()
    reply = liaison.replies_to(GROUP, asked.message_id)
    assert reply[0].startswith("📊 东湖社区联络群 · 统计 · 6月2日（截至 08:30）")

    asked = await liaison.server.post_command(GROUP, ROADS_STAFF, "/stats 2026-06-01..2026-06-01")
    await liaison.settle()
    assert "新报告 2" in liaison.replies_to(GROUP, asked.message_id)[0]

    asked = await liaison.server.post_command(GROUP, ROADS_STAFF, "/stats last year")
    await liaison.settle()
    assert "YYYY-MM-DD..YYYY-MM-DD" in liaison.replies_to(GROUP, asked.message_id)[0]

    asked = await liaison.server.post_command(GROUP, RIDER, "/stats")
    await liaison.settle()
    assert liaison.replies_to(GROUP, asked.message_id) == ["只有工作人员可以使用 /stats。"]


async def test_export_sends_a_workbook_to_an_admin(liaison, tmp_path):
    await a_day_of_reports(liaison)

    asked = await liaison.server.post_command(GROUP, ADMIN, "/export")
    await liaison.settle()
    assert "私聊" in liaison.replies_to(GROUP, asked.message_id)[0]
    asked = await liaison.server.post_command(ROADS_STAFF, ROADS_STAFF, "/export")
    await liaison.settle()
    assert liaison.replies_to(ROADS_STAFF, asked.message_id) == ["只有管理员可以导出工单。"]

    asked = await liaison.server.post_command(ADMIN, ADMIN, "/export")
    await liaison.settle()
    sent = [m for m in liaison.server.bot_messages(ADMIN) if m.payload.get("document")]
    assert len(sent) == 1 and sent[0].reply_to_message_id == asked.message_id
    document = sent[0].payload["document"]
    assert document["file_name"] == "liaison-2026-06-01_2026-06-01.xlsx"
    assert "2 个" in (sent[0].caption or "")
    path = tmp_path / "export.xlsx"
    path.write_bytes(liaison.server.world.files.get(document["file_id"]).data)
    book = load_workbook(path, read_only=True)
    assert len(list(book["tickets"].iter_rows())) == 1 + 2


async def test_digest_during_the_day_says_which_day_and_what_is_open_now(liaison):
    """/digest at 13:14 covers yesterday, which was quiet; a ticket reported this morning is
    open: the reply says which day it covers, today so far, and the ticket open now."""
    await liaison.report()  # Monday 12:00
    await liaison.later(timedelta(hours=1, minutes=14))
    asked = await liaison.server.post_command(GROUP, ROADS_STAFF, "/digest")
    await liaison.settle()
    reply = "\n".join(m.text or "" for m in liaison.server.bot_messages(GROUP)
                      if m.message_id > asked.message_id)
    assert "5月31日（昨天）" in reply
    # "Nothing waiting" is said of the end of yesterday only, never of now.
    assert reply.count("没有待办") == reply.count("当天结束时没有待办") and "没有在办" not in reply
    assert "今天（截至 13:14）：新报告 1" in reply
    assert "现在在办 1 个" in reply and "#0001" in reply


async def test_the_morning_digest_of_a_quiet_day_speaks_of_that_day_only(liaison):
    await liaison.later(timedelta(hours=20, minutes=30))  # Tuesday 08:30: Monday was quiet
    line = liaison.bot_texts(SANITATION_CHAT)[-1]
    assert line.startswith("📊 环卫所 · 6月1日（昨天）")
    assert "当天结束时没有待办的工单" in line
