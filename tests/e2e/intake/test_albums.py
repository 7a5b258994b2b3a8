"""An album arrives as one message per photo; it is one report, asked about once."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg
from tests.e2e.intake.helpers import later, past_grace, pending, photos, prompts, tickets

LAT, LON = DONGHU


def album_window(liaison) -> timedelta:
    return timedelta(seconds=liaison.settings.intake.album_window_seconds + 1)


def pictures(count: int) -> list[bytes]:
    return [jpeg((40 * i, 90, 160)) for i in range(count)]


async def test_an_album_alone_gets_one_request_once_it_is_complete(liaison):
    album = await liaison.server.post_album(GROUP, RIDER, pictures(4), "垃圾堆了好几天")
    await liaison.settle()
    assert prompts(liaison) == [], "not while the album may still be arriving"
    await later(liaison, album_window(liaison))
    assert prompts(liaison) == [], "nor while the location may still come"
    await past_grace(liaison)
    [prompt] = prompts(liaison)
    assert prompt.reply_to_message_id == album[0].message_id
    await later(liaison, album_window(liaison))
    assert len(prompts(liaison)) == 1
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "sanitation"
    assert len(await photos(liaison, 1)) == 4
    assert prompts(liaison) == [], "the answered request is deleted"


async def test_location_first_then_an_album_is_one_ticket_with_every_photo(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await liaison.server.post_album(GROUP, RIDER, pictures(3), "井盖松动")
    await liaison.settle()
    assert await tickets(liaison) == [], "the album may still be arriving"
    await later(liaison, album_window(liaison))
    assert len(await tickets(liaison)) == 1
    assert len(await photos(liaison, 1)) == 3
    assert "3" in liaison.card(1).text
    assert prompts(liaison) == []


async def test_the_album_survives_a_restart(liaison):
    await liaison.server.post_album(GROUP, RIDER, pictures(2), "路面塌陷")
    await liaison.settle()
    await liaison.restart_bot()
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert len(await photos(liaison, 1)) == 2


async def test_a_caption_on_any_photo_of_the_album_counts(liaison):
    group = await liaison.server.post_album(GROUP, RIDER, pictures(2))
    await liaison.server.edit_caption(GROUP, group[1].message_id, "树枝断了挡路")
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "tree"


async def test_two_albums_are_two_reports(liaison):
    await liaison.server.post_album(GROUP, RIDER, pictures(2), "路面鼓包")
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await liaison.server.post_album(GROUP, RIDER, pictures(2), "路灯不亮")
    await liaison.server.post_location(GROUP, RIDER, LAT + 0.01, LON)
    await liaison.settle()
    found = await tickets(liaison)
    assert [t.category_id for t in found] == ["road", "lighting"]
    assert {r.media_group_id for r in await pending(liaison)} != {None}
