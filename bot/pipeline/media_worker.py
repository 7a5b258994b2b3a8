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
        self._poked = False

    def poke(self) -> None:
        self._poked = True
        self.wakeup.set()

    async def run(self, stopping: asyncio.Event) -> None:
        async def round_() -> bool:
            # Fewer than a batch means none were left: the next photo pokes us.
            return await self.step() >= self.batch

        await keep_working(round_, self.wakeup, stopping, idle_seconds=5.0, what="photos",
                           guard=self.guard)

    async def step(self) -> int:
        now = self.timer.now()
        poked, self._poked = self._poked, False
        if not poked:
            # A periodic look without the write lock first: it mostly finds nothing. A poke
            # comes from a transaction that added a photo, so there is one.
            async with self.uows(read_only=True) as uow:
                if not await uow.tickets.photos_to_download(now, 1):
                    return 0
        async with self.uows() as uow:
            claimed = await uow.tickets.claim_photos(now, now + LEASE, self.batch)
            if not claimed:
                return 0
            await uow.commit()
        results = await asyncio.gather(*(self._fetch(file_id) for _, file_id, _ in claimed))
        async with self.uows() as uow:
            stored = []
            for (row_id, _, attempts), (digest, size, error) in zip(claimed, results,
                                                                    strict=True):
                if digest is not None:
                    stored.append((row_id, digest, size))
                    self.downloaded += 1
                    continue
                delay = min(MAX_BACKOFF, timedelta(seconds=5 * 2 ** min(attempts, 12)))
                log.warning("photo download failed; will retry",
                            extra={"photo_id": row_id, "retry_in_s": delay.seconds,
                                   "error": error[:200]})
                await uow.session.execute(
                    update(PhotoRow).where(PhotoRow.id == row_id)
                    .values(attempts=PhotoRow.attempts + 1, last_error=error[:500],
                            next_attempt_at=self.timer.now() + delay))
            # All the downloaded ones in one statement.
            await uow.tickets.photos_stored(stored)
            await uow.commit()
        return len(claimed)

    async def _fetch(self, file_id: str) -> tuple[str | None, int | None, str]:
        try:
            data = await self.port.download(file_id)
        except DeliveryError as error:
            return None, None, str(error) or type(error).__name__
        digest = await asyncio.to_thread(self.media.put, data)
        return digest, len(data), ""
