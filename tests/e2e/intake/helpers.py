"""What the intake tests share: expected texts, photos with EXIF, and looks into storage."""

from __future__ import annotations

import io
import string
from datetime import timedelta
from typing import Any

from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import select

from bot.localapi.models import StoredMessage
from bot.pipeline.document_worker import DocumentWorker
from domain.clock import Clock
from handlers.texts import Texts, catalog
from storage.models import PendingReportRow, PhotoRow, TicketRow
from tests.e2e.harness import GROUP, Harness

ZH = Texts("zh")
EN = Texts("en")


def opening(key: str, texts: Texts = ZH) -> str:
    """A catalog text up to its first placeholder: enough to recognise it."""
    template = catalog(texts.lang)[key]
    literal = next(iter(string.Formatter().parse(template)))[0]
    return literal.strip()


def said(liaison: Harness, key: str, chat_id: int = GROUP,
         texts: Texts = ZH) -> list[StoredMessage]:
    """The bot's messages in the chat that are the given catalog text."""
    start = opening(key, texts)
    return [m for m in liaison.server.bot_messages(chat_id)
            if (m.text or m.caption or "").startswith(start)]


def prompts(liaison: Harness, chat_id: int = GROUP) -> list[StoredMessage]:
    key = "intake.ask_location_group" if chat_id < 0 else "intake.ask_location_private"
    return said(liaison, key, chat_id)


def exif_jpeg(lat: float, lon: float, color: tuple[int, int, int] = (90, 140, 200)) -> bytes:
    def dms(value: float) -> tuple[IFDRational, ...]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = (value - degrees - minutes / 60) * 3600
        return (IFDRational(degrees, 1), IFDRational(minutes, 1),
                IFDRational(round(seconds * 1000), 1000))

    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N" if lat >= 0 else "S", 2: dms(lat),
                                  3: "E" if lon >= 0 else "W", 4: dms(lon)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG", exif=exif)
    return out.getvalue()


async def later(liaison: Harness, delta: timedelta) -> None:
    """Let business time pass, run the periodic jobs as a wake-up would, and settle.

    The jobs run on the test's loop directly rather than through the scheduler's thread, so
    the test waits for exactly this round and for nothing else.
    """
    assert liaison.app is not None
    liaison.clock.advance(delta)
    await liaison.app.scheduler.runner.run_periodic()
    await liaison.settle()


async def past_grace(liaison: Harness) -> None:
    """Let the grace period pass: a report still missing a piece is asked for it now."""
    await later(liaison, timedelta(seconds=liaison.settings.intake.grace_seconds + 1))


async def read_files(liaison: Harness, rounds: int = 1) -> None:
    """Let the file reader fetch every file due, then let the bot handle what it found;
    each further round runs later than the reader's retry times.

    Uses the application's reader when it runs one, else a reader of its own on the same
    database, port and media store.
    """
    app = liaison.app
    assert app is not None
    await liaison.settle()
    worker = getattr(app, "document_worker", None) or DocumentWorker(
        app.uows, app.platforms.port, app.media, app.timer)
    real = worker.timer
    try:
        for round_ in range(rounds):
            worker.timer = _Ahead(real, timedelta(hours=round_))
            while await worker.step():
                await liaison.settle()
    finally:
        worker.timer = real
    await liaison.settle()


class _Ahead(Clock):
    """Real time moved forward: what the transport's workers see "later"."""

    def __init__(self, base: Clock, by: timedelta) -> None:
        self.base = base
        self.by = by

    def now(self) -> Any:
        return self.base.now() + self.by

    async def sleep(self, seconds: float) -> None:
        await self.base.sleep(seconds)


async def retry_downloads_later(liaison: Harness, by: timedelta = timedelta(hours=2)) -> int:
    """Run the photo downloader as if its retry time had come; returns photos downloaded."""
    app = liaison.app
    assert app is not None
    worker = app.media_worker
    real = worker.timer
    worker.timer = _Ahead(real, by)
    try:
        before = worker.downloaded
        while await worker.step():
            pass
        return worker.downloaded - before
    finally:
        worker.timer = real


async def rows(liaison: Harness, model: type, *where: Any) -> list[Any]:
    assert liaison.app is not None
    async with liaison.app.uows(read_only=True) as uow:
        result = await uow.execute(select(model).where(*where).order_by(model.id))
        return list(result.scalars())


async def tickets(liaison: Harness) -> list[TicketRow]:
    return await rows(liaison, TicketRow)


async def photos(liaison: Harness, number: int) -> list[PhotoRow]:
    found = await rows(liaison, TicketRow, TicketRow.number == number)
    return await rows(liaison, PhotoRow, PhotoRow.ticket_id == found[0].id)


async def pending(liaison: Harness) -> list[PendingReportRow]:
    return await rows(liaison, PendingReportRow)


async def download_photos(liaison: Harness, rounds: int = 5) -> list[PhotoRow]:
    """Run the photo downloader round after round, each one later than its retry and lease
    times, until every photo is stored or the rounds are used; returns the stored photos."""
    stored: list[PhotoRow] = []
    for round_ in range(1, rounds + 1):
        await retry_downloads_later(liaison, by=timedelta(hours=2 * round_))
        stored = await rows(liaison, PhotoRow, PhotoRow.sha256.is_not(None))
        if len(stored) == len(await rows(liaison, PhotoRow)):
            break
    return stored
