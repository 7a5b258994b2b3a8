"""Photos sent as files: read once, even by readers running at the same time, and never lost
when they cannot be fetched."""

from __future__ import annotations

import asyncio

from bot.localapi import FaultPlan
from bot.pipeline.document_worker import DocumentWorker
from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg
from tests.e2e.intake.helpers import (
    download_photos,
    exif_jpeg,
    past_grace,
    pending,
    prompts,
    read_files,
    tickets,
)

LAT, LON = DONGHU


async def test_two_readers_at_once_read_each_file_once(liaison):
    app = liaison.app
    readers = [DocumentWorker(app.uows, app.platforms.port, app.media, app.timer) for _ in range(3)]
    await liaison.server.post_document(GROUP, RIDER, jpeg(), "IMG_1.jpg", "image/jpeg")
    await liaison.server.wait_for_no_pending_updates()
    # The bot's own reader races three more for the file.
    await asyncio.gather(*(reader.step() for reader in readers))
    await liaison.settle()
    assert sum(reader.read for reader in readers) + app.document_worker.read == 1
    await past_grace(liaison)
    assert len(prompts(liaison)) == 1


async def test_an_album_of_files_is_read_file_by_file(liaison):
    for index, data in enumerate([jpeg(), exif_jpeg(LAT, LON), jpeg((1, 2, 3))]):
        await liaison.server.post_document(GROUP, RIDER, data, f"IMG_{index}.jpg", "image/jpeg")
    await read_files(liaison)
    [ticket] = await tickets(liaison)
    assert abs(ticket.lat - LAT) < 1e-4 and ticket.has_photo
    assert "3" in liaison.card(1).text
    assert prompts(liaison) == []


async def test_a_file_that_cannot_be_fetched_still_reaches_the_ticket(liaison):
    liaison.server.set_faults(FaultPlan(refuse_download_rate=1.0, methods=frozenset({"getFile"}),
                                        limit=1))
    original = exif_jpeg(LAT, LON)
    await liaison.server.post_document(GROUP, RIDER, original, "IMG_9.jpg", "image/jpeg",
                                       caption="路面鼓包")
    await read_files(liaison)
    # Refused for good ("too big"): where it was taken is unknown, so the location is asked.
    await past_grace(liaison)
    assert len(prompts(liaison)) == 1
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.has_photo
    [stored] = await download_photos(liaison)
    assert liaison.app.media.get(stored.sha256) == original


async def test_a_file_whose_download_fails_for_a_while_is_read_later(liaison):
    liaison.server.set_faults(FaultPlan(server_error_rate=1.0, methods=frozenset({"getFile"}),
                                        limit=2))
    await liaison.server.post_document(GROUP, RIDER, exif_jpeg(LAT, LON), "IMG_8.jpg",
                                       "image/jpeg", caption="路面鼓包")
    await read_files(liaison)
    assert await tickets(liaison) == [] and prompts(liaison) == []
    [row] = await pending(liaison)
    assert row.fetch_file_id and row.fetch_attempts >= 1
    await read_files(liaison, rounds=3)
    [ticket] = await tickets(liaison)
    assert abs(ticket.lat - LAT) < 1e-4
