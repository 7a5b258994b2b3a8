"""A report without a location: one request, then, if nothing comes, one line saying why
nothing was filed. Chatter never gets a request."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, RIDER_2, jpeg, tg
from tests.e2e.intake.helpers import ZH, later, past_grace, pending, prompts, said, tickets

LAT, LON = DONGHU


async def test_one_request_however_many_photos(liaison):
    first = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.server.post_photo(GROUP, RIDER, jpeg((10, 10, 10)))
    await liaison.server.post_photo(GROUP, RIDER, jpeg((20, 20, 20)))
    await liaison.settle()
    await past_grace(liaison)
    [prompt] = prompts(liaison)
    assert prompt.reply_to_message_id == first.message_id
    assert "📎" in prompt.text  # how to send a location in a group
    assert liaison.server.reply_keyboard(GROUP) is None  # no location button in groups
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert "3" in liaison.card(1).text


async def test_no_location_in_time_files_nothing_and_says_why(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await later(liaison, timedelta(minutes=9))
    assert said(liaison, "intake.expired") == []
    await later(liaison, timedelta(minutes=2))
    [line] = said(liaison, "intake.expired")
    assert line.reply_to_message_id == photo.message_id and "\n" not in line.text
    assert str(liaison.settings.intake.pair_window_minutes) in line.text
    assert await tickets(liaison) == []
    [row] = await pending(liaison)
    assert row.status == "expired" and row.data["photos"], "the report is kept"
    # A location after the window starts something new rather than reviving the report.
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert await tickets(liaison) == []


async def test_a_location_just_in_time(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await later(liaison, timedelta(minutes=9, seconds=50))
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(minutes=5))
    assert len(await tickets(liaison)) == 1
    assert said(liaison, "intake.expired") == []


async def test_the_timeout_job_is_safe_to_run_twice_at_once(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.server.post_text(GROUP, RIDER_2, "路灯不亮了")
    await liaison.settle()
    liaison.clock.advance(timedelta(minutes=11))
    runner = liaison.app.scheduler.runner
    await asyncio.gather(runner.run("pending_reports"), runner.run("pending_reports"),
                         runner.run("pending_reports"))
    await liaison.settle()
    await asyncio.gather(runner.run("pending_reports"), runner.run("pending_reports"))
    await liaison.settle()
    assert len(said(liaison, "intake.expired")) == 2
    assert {r.status for r in await pending(liaison)} == {"expired"}


async def test_each_person_has_their_own_report(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.server.post_location(GROUP, RIDER_2, LAT + 0.001, LON)
    await liaison.settle()
    assert await tickets(liaison) == []
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.reporter_id == tg(RIDER) and ticket.lat == LAT


async def test_chatter_never_asks_for_a_location(liaison):
    for text in ("谢谢", "ok", "收到，马上到", "thanks!"):
        await liaison.server.post_text(GROUP, RIDER, text)
    await liaison.settle()
    await later(liaison, timedelta(minutes=15))
    assert prompts(liaison) == [] and said(liaison, "intake.expired") == []
    assert liaison.bot_texts(GROUP) == []


async def test_chatter_then_location_is_still_a_report(liaison):
    await liaison.server.post_text(GROUP, RIDER, "东门口这个很危险")
    await liaison.settle()
    assert prompts(liaison) == []
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.description == "东门口这个很危险" and ticket.category_id == "other"


async def test_a_location_followed_by_chatter_is_not_a_report(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.server.post_text(GROUP, RIDER, "我到了")
    await liaison.settle()
    await later(liaison, timedelta(minutes=15))
    assert await tickets(liaison) == [] and liaison.bot_texts(GROUP) == []


async def test_chatter_does_not_become_a_photos_description(liaison):
    await liaison.server.post_text(GROUP, RIDER, "谢谢")
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.description == "路面鼓包"


async def test_answers_to_others_are_conversation(liaison):
    other = await liaison.server.post_text(GROUP, RIDER_2, "那边修好了吗？")
    await liaison.server.post_text(GROUP, RIDER, "还没有，路面还是鼓的", reply_to=other.message_id)
    await liaison.settle()
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert prompts(liaison) == [] and await tickets(liaison) == []


async def test_a_text_naming_a_problem_gets_the_request(liaison):
    await liaison.server.post_text(GROUP, RIDER, "The streetlight on this corner is broken")
    await liaison.settle()
    await past_grace(liaison)
    [prompt] = prompts(liaison)
    assert prompt.text == ZH("intake.ask_location_group",
                             minutes=liaison.settings.intake.pair_window_minutes)


async def test_thanks_to_a_card_is_not_part_of_the_next_report(liaison):
    await liaison.report(caption="路面鼓包")
    await liaison.server.post_photo(GROUP, RIDER, jpeg((3, 3, 3)), "路灯不亮")
    await liaison.server.post_text(GROUP, RIDER, "谢谢！", reply_to=liaison.card(1).message_id)
    await liaison.server.post_location(GROUP, RIDER, LAT + 0.01, LON)
    await liaison.settle()
    assert [t.description for t in await tickets(liaison)] == ["路面鼓包", "路灯不亮"]


async def test_an_answer_to_the_location_request_describes_the_report(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg())
    await liaison.settle()
    await past_grace(liaison)
    [prompt] = prompts(liaison)
    await liaison.server.post_text(GROUP, RIDER, "东门外，井盖松动", reply_to=prompt.message_id)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.description == "东门外，井盖松动" and ticket.category_id == "road"
