"""The second piece of a report gets a grace period before the bot asks for it; a request
already sent is deleted once the piece arrives. A lone location is asked, once, for a photo or
a few words."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg
from tests.e2e.intake.helpers import later, prompts, said, tickets

LAT, LON = DONGHU


def asks_for_content(liaison, chat_id=GROUP):
    key = "intake.ask_content_group" if chat_id < 0 else "intake.ask_content_private"
    return said(liaison, key, chat_id)


async def test_photo_then_location_two_seconds_later_asks_nothing(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await later(liaison, timedelta(seconds=2))
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(minutes=1))
    assert len(await tickets(liaison)) == 1
    transcript = liaison.server.bot_messages(GROUP, include_deleted=True)
    assert prompts(liaison) == [] and all("📎" not in (m.text or "") for m in transcript)


async def test_the_request_comes_after_the_grace_period(liaison):
    grace = liaison.settings.intake.grace_seconds
    assert grace == 20
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await later(liaison, timedelta(seconds=grace - 1))
    assert prompts(liaison) == []
    await later(liaison, timedelta(seconds=2))
    [prompt] = prompts(liaison)
    assert prompt.reply_to_message_id == photo.message_id
    await later(liaison, timedelta(minutes=2))
    assert len(prompts(liaison)) == 1, "asked once"


async def test_a_request_already_sent_is_deleted_when_the_location_comes(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await later(liaison, timedelta(seconds=30))
    [prompt] = prompts(liaison)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert prompts(liaison) == [], "the request is gone"
    assert liaison.server.world.messages[(GROUP, prompt.message_id)].deleted


async def test_location_then_photo_files_at_once(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(seconds=2))
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    assert len(await tickets(liaison)) == 1, "no waiting once the report is complete"
    assert asks_for_content(liaison) == []


async def test_a_lone_location_is_asked_once_for_a_photo_or_a_few_words(liaison):
    where = await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(seconds=10))
    assert liaison.bot_texts(GROUP) == []
    await later(liaison, timedelta(seconds=15))
    [ask] = asks_for_content(liaison)
    assert ask.reply_to_message_id == where.message_id
    await later(liaison, timedelta(minutes=15))
    assert len(asks_for_content(liaison)) == 1 and await tickets(liaison) == []
    assert said(liaison, "intake.expired") == [], "a lone location is not nagged about"


async def test_a_photo_after_the_ask_files_and_clears_it(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(seconds=25))
    [ask] = asks_for_content(liaison)
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert asks_for_content(liaison) == []
    assert liaison.server.world.messages[(GROUP, ask.message_id)].deleted


async def test_the_grace_period_is_configurable(database_url, tmp_path, clock):
    from tests.e2e.harness import Harness

    harness = Harness(database_url, tmp_path, clock, intake={"grace_seconds": 0})
    await harness.start()
    try:
        await harness.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
        await harness.settle()
        await later(harness, timedelta(seconds=1))
        assert len(prompts(harness)) == 1
    finally:
        await harness.stop()
