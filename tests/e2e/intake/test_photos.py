"""Photos are stored by content, and a download that fails never costs the report."""

from __future__ import annotations

import hashlib

import pytest

from bot.localapi import FaultPlan
from tests.e2e.harness import ROADS_CHAT, jpeg
from tests.e2e.intake.helpers import download_photos, photos, tickets


async def test_the_largest_size_is_stored_under_its_sha256(liaison):
    original = jpeg(size=(1600, 1200))
    await liaison.report(photo=original)
    [stored] = await download_photos(liaison)
    # The server keeps the bytes sent as the largest size; smaller ones are re-encoded.
    assert stored.sha256 == hashlib.sha256(original).hexdigest()
    path = liaison.app.media.path(stored.sha256)
    assert path.is_relative_to(liaison.settings.media.dir) and path.read_bytes() == original


@pytest.mark.parametrize(("mode", "method"), [("too_big", "getFile"),
                                              ("server_error", "file"),
                                              ("not_found", "file")])
async def test_a_refused_download_is_retried_later(liaison, mode, method):
    liaison.server.set_faults(FaultPlan(refuse_download_rate=1.0, refuse_download_mode=mode,
                                        methods=frozenset({method}), limit=2))
    original = jpeg((10, 200, 30))
    await liaison.report(photo=original)
    # Nothing waits for the photo: the ticket, its card and the announcement are there.
    [ticket] = await tickets(liaison)
    assert ticket.has_photo and liaison.card(1)
    assert liaison.find(ROADS_CHAT, "#0001").payload.get("photo")
    [row] = await photos(liaison, 1)
    assert row.file_id
    [stored] = await download_photos(liaison)
    assert liaison.server.faults.injected["refuse_download"] == 2
    assert stored.sha256 == hashlib.sha256(original).hexdigest()
    assert stored.attempts >= 3 and stored.last_error == ""
    assert liaison.app.media.get(stored.sha256) == original


async def test_every_photo_of_an_album_is_stored(liaison):
    pictures = [jpeg((i * 50, 0, 0)) for i in range(3)]
    await liaison.server.post_album(-1001000000001, 3001, pictures, "垃圾")
    await liaison.server.post_location(-1001000000001, 3001, 39.9215, 116.4712)
    await liaison.settle()
    stored = await download_photos(liaison)
    assert sorted(r.sha256 for r in stored) == sorted(
        hashlib.sha256(p).hexdigest() for p in pictures)
