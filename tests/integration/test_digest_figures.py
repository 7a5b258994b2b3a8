"""Every digest figure on a fixed data set, worked out by hand, on SQLite and PostgreSQL.

The day under review is Monday 1 June 2026 in Beijing; the digest is read at 08:30 the next
morning. Tickets are filed and worked step by step on a fake clock through the domain model,
so the rows are the ones the bot itself would write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.clock import FakeClock
from domain.period import Period, PeriodKind, yesterday
from domain.ticket import Actor, CloseReason, GeoPoint, Rating, Ticket
from handlers.digest.render import Naming, render_digest
from handlers.directory import Directory
from handlers.texts import Texts
from storage.queries.figures import Ratio
from storage.queries.lists import Reporter
from storage.queries.percentiles import Spread
from storage.queries.scope import Scope

TZ = ZoneInfo("Asia/Shanghai")
DONGHU = "telegram:-1001000000001"
XIBA = "telegram:-1001000000002"
LI = Actor("telegram:3001", "小李 Li")
WANG = Actor("telegram:3002", "老王")
PASSER = Actor("telegram:3999", "Passer-by")
ZHANG = Actor("telegram:2001", "张师傅")
ZHAO = Actor("telegram:2101", "赵阿姨")
DIGEST_READ_AT = datetime(2026, 6, 2, 8, 30, tzinfo=TZ)


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def directory() -> Directory:
    return wiring.directory(load_settings(SAMPLE_CONFIG, check_areas=False))


def report(number: int, category: str, department: str, chat: int,
           reporter: Actor) -> tuple[object, ...]:
    return ("report", number, category, department, chat, reporter)


def scenario() -> list[tuple[datetime, tuple[object, ...]]]:
    """(when, what) — T1…T11 are tickets #0001…#0011 (numbered in order of filing)."""
    return [
        (local(5, 20, 10), report(1, "road", "roads", DONGHU, LI)),  # T10 in the notes
        (local(5, 20, 10, 10), ("ack", 1, ZHANG)),
        (local(5, 21, 10), ("resolve", 1, ZHANG)),
        (local(5, 25, 10), report(2, "road", "roads", DONGHU, WANG)),  # T11
        (local(5, 25, 10, 20), ("reject", 2, ZHANG)),
        (local(5, 30, 9), report(3, "road", "roads", DONGHU, LI)),  # T7
        (local(5, 30, 9, 20), ("ack", 3, ZHANG)),
        (local(5, 31, 10), report(4, "road", "roads", DONGHU, WANG)),  # T4: never answered
        (local(6, 1, 8), report(5, "sanitation", "sanitation", DONGHU, WANG)),  # T3
        (local(6, 1, 8, 30), ("join", 4, LI)),
        (local(6, 1, 8, 45), ("ack", 5, ZHAO)),
        (local(6, 1, 9), report(6, "road", "roads", DONGHU, LI)),  # T1
        (local(6, 1, 9), ("resolve", 3, ZHANG)),  # T7 resolved after 48 h
        (local(6, 1, 9, 10), ("ack", 6, ZHANG)),
        (local(6, 1, 9, 30), ("join", 6, PASSER)),
        (local(6, 1, 10), report(7, "road", "roads", DONGHU, LI)),  # T2
        (local(6, 1, 11), ("ack", 7, ZHANG)),  # 30 minutes late
        (local(6, 1, 11), report(8, "road", "roads", DONGHU, WANG)),  # T6
        (local(6, 1, 11, 5), ("duplicate", 8, ZHANG, 6)),
        (local(6, 1, 12), ("rate", 3, LI, Rating.BASICALLY_SATISFIED)),
        (local(6, 1, 13), report(9, "sanitation", "sanitation", XIBA, LI)),  # T8
        (local(6, 1, 13, 30), ("ack", 9, ZHAO)),
        (local(6, 1, 14), ("resolve", 6, ZHANG)),
        (local(6, 1, 15), ("close", 6, LI)),
        (local(6, 1, 15), ("rate", 6, LI, Rating.SATISFIED)),
        (local(6, 1, 15), ("resolve", 9, ZHAO)),
        (local(6, 1, 16), ("rate", 9, LI, Rating.SATISFIED)),
        (local(6, 1, 20), ("resolve", 7, ZHANG)),
        (local(6, 1, 21), ("rate", 7, LI, Rating.DISSATISFIED)),
        (local(6, 1, 22), report(10, "water", "water", DONGHU, PASSER)),  # T5
        (local(6, 2, 1), report(11, "road", "roads", DONGHU, LI)),  # after the day: T9
        (local(6, 2, 7), ("reject", 10, ZHANG)),  # ended after the day: open at its end
        (local(6, 2, 8), ("resolve", 4, ZHANG)),  # likewise
    ]


async def build_dataset(uows, clock: FakeClock, people: Directory | None = None) -> None:
    people = people or directory()
    async with uows() as uow:
        await uow.users.seen(PASSER.user_id, first_name="路人甲", now=clock.now())
        await uow.commit()
    for when, step in scenario():
        clock.set(max(when, clock.now()))
        now = clock.now()
        async with uows() as uow:
            kind, number, *rest = step
            if kind == "report":
                category, department, chat, reporter = rest
                assert await uow.tickets.next_number() == number
                ticket = Ticket.report(number=number, reporter=reporter, chat_id=chat,
                                       message_id=str(number * 10),
                                       location=GeoPoint(39.92, 116.47),
                                       description="路面鼓包", category_id=category, now=now)
                ticket.assign(department, now)
                await uow.tickets.add(ticket, ack_due_at=now + people.ack_window(category),
                                      resolve_due_at=now + people.resolve_window(category))
                await uow.tickets.add_follower(ticket, reporter.user_id, reporter.name, chat,
                                               str(number * 10), now)
            else:
                ticket = await uow.tickets.get(number, for_update=True)
                _act(ticket, kind, now, *rest)
                await uow.tickets.save(ticket)
            await uow.commit()
    clock.set(DIGEST_READ_AT.astimezone(UTC))


def _act(ticket: Ticket, kind: str, now: datetime, actor: Actor, *more: object) -> None:
    match kind:
        case "ack":
            ticket.acknowledge(actor, now)
        case "resolve":
            ticket.resolve(actor, now)
        case "reject":
            ticket.reject(actor, now, "不归我们管")
        case "duplicate":
            ticket.mark_duplicate(actor, now, int(more[0]))  # type: ignore[call-overload]
        case "close":
            ticket.close(actor, now, CloseReason.VERIFIED)
        case "rate":
            ticket.rate(actor, now, more[0])  # type: ignore[arg-type]
        case "join":
            ticket.add_reporter(actor, now, DONGHU, None)


def monday() -> Period:
    return yesterday(DIGEST_READ_AT, TZ)


async def test_the_groups_day_by_hand(uows):
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    async with uows(read_only=True) as uow:
        figures = await uow.queries.figures(Scope(chat_id=DONGHU), monday(), clock.now())

    assert figures.period.kind is PeriodKind.DAY
    assert figures.as_of == local(6, 2, 0)
    total = figures.total
    # New on the day: #5 #6 #7 #8 #10. Acknowledged: #5 #6 #7. Resolved: #3 #6 #7.
    assert (total.new, total.acknowledged, total.resolved) == (5, 3, 3)
    # Open at midnight: #4 and #10 (both ended the next morning) and #5; #4 and #10 overdue.
    assert (total.open, total.overdue) == (3, 2)
    # Response: deadlines on the day were #5 10:00, #6 09:30, #7 10:30, #8 11:30, #10 22:30;
    # answered in time #5 (08:45), #6 (09:10), #8 (marked duplicate 11:05) → 3 of 5 = 60 %.
    assert figures.response_rate == Ratio(3, 5) and figures.response_rate.percent == 60
    # Resolution: reported #5 #6 #7 #10 (#8 is a duplicate), resolved #6 #7 → 2 of 4 = 50 %.
    assert figures.resolution_rate == Ratio(2, 4) and figures.resolution_rate.percent == 50
    # Rolling 30 days: #1 #2 #3 #4 #5 #6 #7 #10 reported, #1 #3 #6 #7 resolved by midnight.
    assert figures.rolling == Ratio(4, 8)
    # Satisfaction: #3 basically satisfied, #6 satisfied, #7 dissatisfied → 2 of 3 = 67 %.
    assert figures.satisfaction_rate == Ratio(2, 3) and figures.satisfaction_rate.percent == 67
    # To acknowledge: 10, 45, 60 min → median 45 min, p90 45 + 0.8 × 15 = 57 min.
    assert figures.to_acknowledge == Spread(3, 45 * 60, 57 * 60)
    # To resolve: 5 h, 10 h, 48 h → median 10 h, p90 10 + 0.8 × 38 = 40.4 h.
    assert figures.to_resolve == Spread(3, 10 * 3600, 145440)
    departments = {d: (t.new, t.resolved, t.open, t.overdue, t.acked_on_time, t.due_for_ack)
                   for d, t in figures.departments.items()}
    assert departments == {"roads": (3, 3, 1, 1, 2, 3), "sanitation": (1, 0, 1, 0, 1, 1),
                           "water": (1, 0, 1, 1, 0, 1)}
    assert [(t.number, t.due_at) for t in figures.oldest_overdue] == [
        (4, local(5, 31, 10, 30)), (10, local(6, 1, 22, 30))]
    assert figures.top_reporters == [Reporter("telegram:3001", "小李", 3),
                                     Reporter("telegram:3002", "老王", 2),
                                     Reporter("telegram:3999", "路人甲", 2)]


GROUP_DIGEST = """\
📊 东湖社区联络群 · 日报 · 6月1日
新报告 5 · 已受理 3 · 已办结 3 · 在办 3 · 超时 2
✅ 响应率 60%（按时受理 3 / 应受理 5）
🏁 办结率 50%（2 / 4）· 近30天 50%（4 / 8）
😊 满意率 67%（满意和基本满意 2 / 评价 3）
⏱ 受理用时：中位 45 分钟 · P90 57 分钟
⏳ 办结用时：中位 10 小时 0 分 · P90 40 小时 24 分

各部门：
· 道路养护所：新 3 · 办结 3 · 在办 1 · 超时 1 · 响应率 67%
· 环卫所：新 1 · 办结 0 · 在办 1 · 超时 0 · 响应率 100%
· 供排水抢修队：新 1 · 办结 0 · 在办 1 · 超时 1 · 响应率 0%

超时最久：
· #0004 道路破损（道路养护所）超时 37 小时 30 分
· #0010 供水排水（供排水抢修队）超时 1 小时 30 分

🙏 感谢报告问题的 小李（3）、老王（2）、路人甲（2）！"""

SANITATION_DIGEST = """\
📊 环卫所 · 日报 · 6月1日
新报告 2 · 已受理 2 · 已办结 1 · 在办 1 · 超时 0
✅ 响应率 100%（按时受理 2 / 应受理 2）
🏁 办结率 50%（1 / 2）· 近30天 50%（1 / 2）
😊 满意率 100%（满意和基本满意 1 / 评价 1）
⏱ 受理用时：中位 37 分钟 · P90 43 分钟
⏳ 办结用时：中位 2 小时 0 分 · P90 2 小时 0 分

🙏 感谢报告问题的 老王（1）、小李（1）！"""


async def test_the_same_digest_text_on_every_backend(uows):
    clock = FakeClock(local(5, 20, 9))
    people = directory()
    await build_dataset(uows, clock, people)
    naming = Naming(people, Texts("zh"), TZ)
    async with uows(read_only=True) as uow:
        group = await uow.queries.figures(Scope(chat_id=DONGHU), monday(), clock.now())
        sanitation = await uow.queries.figures(Scope(departments=("sanitation",)), monday(),
                                               clock.now())
        volunteers = await uow.queries.figures(Scope(departments=("donghu-volunteers",)),
                                               monday(), clock.now())
    assert render_digest(group, "day", naming) == GROUP_DIGEST
    # Acknowledged after 45 and 30 min: median 37.5 min, p90 43.5 min (shown in whole minutes).
    assert sanitation.to_acknowledge == Spread(2, 2250, 2610)
    assert render_digest(sanitation, "day", naming) == SANITATION_DIGEST
    assert render_digest(volunteers, "day", naming) == (
        "📊 东湖志愿维修队 · 6月1日：没有新报告，当天结束时没有待办的工单。")


async def test_figures_of_a_past_period_do_not_change_later(uows):
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    async with uows(read_only=True) as uow:
        now = await uow.queries.figures(Scope(chat_id=DONGHU), monday(), clock.now())
        later = await uow.queries.figures(Scope(chat_id=DONGHU), monday(),
                                          clock.now() + timedelta(days=30))
    assert now == later


async def test_a_running_period_is_counted_up_to_now(uows):
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    today = Period.of_days(DIGEST_READ_AT.date(), DIGEST_READ_AT.date(), TZ, PeriodKind.DAY)
    async with uows(read_only=True) as uow:
        figures = await uow.queries.figures(Scope(chat_id=DONGHU), today, clock.now())
    assert figures.as_of == clock.now()
    # #11 reported at 01:00; #4 resolved at 08:00 (and acknowledged then, 45 h late).
    assert (figures.total.new, figures.total.resolved, figures.total.acknowledged) == (1, 1, 1)
    # Still open now: #5 and #11 (#10 was rejected at 07:00); #11 waits past its 01:30
    # acknowledgement deadline.
    assert (figures.total.open, figures.total.overdue) == (2, 1)
    naming = Naming(directory(), Texts("en"), TZ)
    assert render_digest(figures, "stats", naming).startswith(
        "📊 东湖社区联络群 · figures · 6/2 (until 08:30)\n"
        "New 1 · acknowledged 1 · resolved 1 · open 2 · overdue 1")


async def test_each_concern_answers_alone_as_in_the_figures(uows):
    """The repository's single queries (the public map's time to resolve, the block about
    today) give what the digest's figures give for the same scope and instants."""
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    scope, period = Scope(chat_id=DONGHU), monday()
    async with uows(read_only=True) as uow:
        figures = await uow.queries.figures(scope, period, clock.now())
        as_of = figures.as_of
        assert await uow.queries.time_to_resolve(scope, period.start, as_of) \
            == figures.to_resolve
        assert await uow.queries.tallies(scope, period.start, as_of, clock.now()) \
            == figures.departments
        assert await uow.queries.rolling_resolution(scope, as_of) == figures.rolling
        assert await uow.queries.oldest_overdue(scope, as_of, clock.now()) \
            == figures.oldest_overdue
        assert await uow.queries.top_reporters(scope, period.start, as_of) \
            == figures.top_reporters
        today = await uow.queries.today(scope, clock.now(), TZ)
    # As in the running period above: #11 reported, #4 acknowledged and resolved this
    # morning; #5 and #11 open, #11 past its acknowledgement deadline.
    so_far = today.so_far
    assert (so_far.new, so_far.acknowledged, so_far.resolved) == (1, 1, 1)
    assert (today.open_count, today.overdue_count) == (2, 1)
    assert [(t.number, t.overdue) for t in today.oldest_open] == [(5, False), (11, True)]
