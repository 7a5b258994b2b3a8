"""Downloads ticket photos into the media store, retrying until the platform gives them.

A report never waits for its photo: the ticket is filed with the platform's file id and this
worker fetches the bytes afterwards, backing off while downloads fail.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import update

from domain.clock import Clock
from handlers.media import MediaStore
from messaging.port import DeliveryError, MessengerPort
from storage.models import PhotoRow
from storage.uow import UnitOfWorkFactory

from .looping import keep_working
from .trouble import UNGUARDED, Guard

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)


class MediaWorker:
    def __init__(self, uows: UnitOfWorkFactory, port: MessengerPort, media: MediaStore,
                 timer: Clock, batch: int = 10, guard: Guard = UNGUARDED) -> None:
        self.uows = uows
        self.guard = guard
        self.port = port
        self.media = media
        self.timer = timer
        self.batch = batch
        self.wakeup = asyncio.Event()
        self.downloaded = 0

    def poke(self) -> None:
        self.wakeup.set()

    async def run(self, stopping: asyncio.Event) -> None:
        await keep_working(self.step, self.wakeup, stopping, idle_seconds=5.0, what="photos",
                           guard=self.guard)

    async def step(self) -> int:
        now = self.timer.now()
        # A look without the write lock first: most wake-ups find nothing to download.
        async with self.uows(read_only=True) as uow:
            if not await uow.tickets.photos_to_download(now, 1):
                return 0
        async with self.uows() as uow:
            rows = await uow.tickets.photos_to_download(now, self.batch)
            claimed = [(r.id, r.file_id, r.attempts) for r in rows]
            if not claimed:
                return 0
            await uow.session.execute(
                update(PhotoRow).where(PhotoRow.id.in_([c[0] for c in claimed]))
                .values(next_attempt_at=now + LEASE)
            )
            await uow.commit()
        results = await asyncio.gather(*(self._fetch(file_id) for _, file_id, _ in claimed))
        async with self.uows() as uow:
            for (row_id, _, attempts), (digest, size, error) in zip(claimed, results,
                                                                    strict=True):
                if digest is not None:
                    values = {"sha256": digest, "size": size, "next_attempt_at": None,
                              "last_error": ""}
                    self.downloaded += 1
                else:
                    delay = min(MAX_BACKOFF, timedelta(seconds=5 * 2 ** min(attempts, 12)))
                    values = {"next_attempt_at": self.timer.now() + delay,
                              "last_error": error[:500]}
                    log.warning("photo download failed; will retry",
                                extra={"photo_id": row_id, "retry_in_s": delay.seconds,
                                       "error": error[:200]})
                await uow.session.execute(
                    update(PhotoRow).where(PhotoRow.id == row_id)
                    .values(attempts=PhotoRow.attempts + 1, **values)
                )
            await uow.commit()
        return len(claimed)

    async def _fetch(self, file_id: str) -> tuple[str | None, int | None, str]:
        try:
            data = await self.port.download(file_id)
        except DeliveryError as error:
            return None, None, str(error) or type(error).__name__
        digest = await asyncio.to_thread(self.media.put, data)
        return digest, len(data), ""
