"""Reads photos sent as files for intake: downloads each, stores it, and reports what it is.

A report holding a file waits (`pending_reports.fetch_file_id`) until this worker has found
out whether the file is an image and where it was taken (EXIF GPS); it then queues an
internal event that intake handles in the chat's order. A file that cannot be fetched after a
few tries is reported as failed, so the report goes on without it being read.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from handlers.intake.documents import FILE_READ, read_result
from handlers.intake.exif_gps import gps_from_image, is_supported_image
from handlers.intake.pending_report import FilePart, PendingReport
from handlers.later import enqueue_internal
from handlers.media import MediaStore
from messaging.inbound import Chat, Person
from messaging.port import DeliveryError, MessengerPort, PermanentFailure
from storage.models import PendingReportRow
from storage.uow import UnitOfWorkFactory

from .looping import keep_working
from .trouble import UNGUARDED, Guard

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class _Claim:
    pending_id: int
    chat: Chat
    person: Person
    file: FilePart
    attempts: int


@dataclass(frozen=True)
class _Outcome:
    sha256: str | None = None
    image: bool = False
    gps: tuple[float, float] | None = None
    error: str = ""
    permanent: bool = False


class DocumentWorker:
    def __init__(self, uows: UnitOfWorkFactory, port: MessengerPort, media: MediaStore,
                 timer: Clock, batch: int = 5, guard: Guard = UNGUARDED) -> None:
        self.uows = uows
        self.guard = guard
        self.port = port
        self.media = media
        self.timer = timer
        self.batch = batch
        self.wakeup = asyncio.Event()
        self.read = 0
        self.busy = False

    def poke(self) -> None:
        self.wakeup.set()

    async def run(self, stopping: asyncio.Event) -> None:
        await keep_working(self.step, self.wakeup, stopping, idle_seconds=2.0, what="files",
                           guard=self.guard)

    async def step(self) -> int:
        """Read the files that are due; returns how many were tried."""
        self.busy = True
        try:
            return await self._step()
        finally:
            self.busy = False

    async def _step(self) -> int:
        claims = await self._claim()
        if not claims:
            return 0
        outcomes = await asyncio.gather(*(self._fetch(c.file) for c in claims))
        async with self.uows() as uow:
            for claim, outcome in zip(claims, outcomes, strict=True):
                await self._record(uow, claim, outcome)
            await uow.commit()
        return len(claims)

    async def _claim(self) -> list[_Claim]:
        now = self.timer.now()
        claims = []
        # A look without the write lock first: most wake-ups find no file to read.
        async with self.uows(read_only=True) as uow:
            if not await uow.pending.files_to_read(now, 1):
                return []
        async with self.uows() as uow:
            for row in await uow.pending.files_to_read(now, self.batch):
                claim = _claim_of(row)
                if claim is not None and await uow.pending.lease_file(
                        row.id, claim.file.file_id, now + LEASE):
                    claims.append(claim)
            await uow.commit()
        return claims

    async def _fetch(self, file: FilePart) -> _Outcome:
        try:
            data = await self.port.download(file.file_id)
        except DeliveryError as error:
            return _Outcome(error=str(error) or type(error).__name__,
                            permanent=isinstance(error, PermanentFailure))
        image = is_supported_image(data, file.mime_type)
        if not image:
            return _Outcome(image=False)
        digest = await asyncio.to_thread(self.media.put, data)
        gps = await asyncio.to_thread(gps_from_image, data)
        return _Outcome(sha256=digest, image=True, gps=gps)

    async def _record(self, uow: object, claim: _Claim, outcome: _Outcome) -> None:
        from storage.uow import UnitOfWork

        assert isinstance(uow, UnitOfWork)
        attempts = claim.attempts + 1
        if outcome.error and not outcome.permanent and attempts < MAX_ATTEMPTS:
            delay = timedelta(seconds=5 * 2 ** attempts)
            await uow.pending.file_retry(claim.pending_id, claim.file.file_id,
                                         self.timer.now() + delay)
            log.warning("file download failed; will retry",
                        extra={"pending_id": claim.pending_id, "error": outcome.error[:200]})
            return
        if not await uow.pending.file_read(claim.pending_id, claim.file.file_id):
            return  # another reader got there first
        self.read += 1
        result = read_result(file_unique_id=claim.file.file_unique_id, sha256=outcome.sha256,
                             image=outcome.image, gps=outcome.gps, failed=bool(outcome.error))
        await enqueue_internal(
            uow, kind=FILE_READ, key=f"{claim.pending_id}:{claim.file.file_unique_id}",
            chat=claim.chat, person=claim.person,
            data={"pending_id": claim.pending_id, **result}, now=self.timer.now())


def _claim_of(row: PendingReportRow) -> _Claim | None:
    report = PendingReport.from_json(row.data)
    file = next((f for f in report.files if f.file_id == row.fetch_file_id), None)
    if file is None:
        return None
    r = report.reporter
    return _Claim(
        pending_id=row.id,
        chat=Chat(row.chat_id, row.chat_kind),  # type: ignore[arg-type]
        person=Person(r.id, r.first_name, r.last_name, r.username, r.language),
        file=file,
        attempts=row.fetch_attempts,
    )
