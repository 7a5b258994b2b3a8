"""Delivers the outbox: in order per chat, within the platform's limits, never lost.

Each round claims the first undelivered message of every chat whose lane is free (one short
transaction), sends them concurrently, then records the results (another short transaction).
A crash between the two leaves the rows "sending" until their lease runs out, and they are
sent again: the only window in which a message can go out twice is the instant between the
platform's answer and our commit.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from domain.clock import Clock
from handlers.media import MEDIA_PREFIX, MediaStore
from handlers.outbound import (
    AnswerButton,
    EditCaption,
    EditText,
    MessengerPort,
    NotModified,
    Outgoing,
    PermanentFailure,
    RetryLater,
    SendDocument,
    SendPhoto,
    SendText,
    TargetGone,
    TransientFailure,
    from_payload,
)
from handlers.texts import Texts
from storage.models import OutboxRow
from storage.uow import UnitOfWorkFactory

from .pacing import Limits, merge_lines, merge_threshold, reserve

log = logging.getLogger(__name__)

GLOBAL_LANE = 0
LEASE = timedelta(seconds=45)
MAX_BACKOFF_S = 300.0
GIVE_UP_AFTER = timedelta(hours=24)


@dataclass
class _Job:
    rows: list[OutboxRow]
    message: Outgoing
    send_at: float
    reply_to_id: int | None = None
    edit_id: int | None = None
    merged_text: str | None = None
    outcome: str = "sent"
    message_id: int | None = None
    error: str = ""
    retry_in: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


class OutboxSender:
    def __init__(self, uows: UnitOfWorkFactory, port: MessengerPort, media: MediaStore,
                 limits: Limits, texts: Texts, timer: Clock, *, batch: int = 50,
                 concurrency: int = 8) -> None:
        self.uows = uows
        self.port = port
        self.media = media
        self.limits = limits
        self.texts = texts
        self.timer = timer
        self.batch = batch
        self.semaphore = asyncio.Semaphore(concurrency)
        self.wakeup = asyncio.Event()
        self.sent_count = 0
        self.merged_count = 0
        self._lane_free_at: float | None = None

    def poke(self) -> None:
        self.wakeup.set()

    async def recover(self) -> None:
        """After a crash of the only process (SQLite): no other worker can hold a lease."""
        async with self.uows() as uow:
            from sqlalchemy import update

            await uow.session.execute(
                update(OutboxRow).where(OutboxRow.status == "sending")
                .values(status="pending", claimed_until=None)
            )
            await uow.commit()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                handled = await self.step()
            except Exception:
                log.exception("outbox round failed; retrying")
                handled = 0
                await asyncio.sleep(1)
            if handled:
                continue
            self.wakeup.clear()
            delay = await self._idle_delay()
            waiter = asyncio.ensure_future(self.wakeup.wait())
            stopper = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({waiter, stopper}, timeout=delay,
                               return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()

    async def step(self) -> int:
        jobs = await self._claim()
        if jobs:
            await asyncio.gather(*(self._deliver(job) for job in jobs))
            await self._record(jobs)
        return len(jobs)

    # -- claiming --------------------------------------------------------------------------

    async def _claim(self) -> list[_Job]:
        now = self.timer.now()
        epoch = now.timestamp()
        jobs: list[_Job] = []
        self._lane_free_at: float | None = None
        async with self.uows() as uow:
            heads = await uow.outbox.heads(now, self.batch)
            if not heads:
                return []
            global_lane = None
            for head in heads:
                message = from_payload(head.kind, head.payload)
                if isinstance(message, AnswerButton):
                    jobs.append(_Job([head], message, epoch))
                    continue
                if global_lane is None:
                    global_lane = await uow.outbox.lane(GLOBAL_LANE)
                lane = await uow.outbox.lane(head.chat_id)
                if lane.next_send_at > epoch:
                    self._note_lane(lane.next_send_at)
                    continue
                job = _Job([head], message, epoch)
                if head.merge_line is not None:
                    await self._merge_backlog(uow, head, job)
                if not await self._resolve_targets(uow, job, now):
                    continue
                chat_slot, _ = reserve(lane.next_send_at, epoch,
                                               self.limits.interval(head.chat_id))
                global_slot, _ = reserve(global_lane.next_send_at, epoch,
                                         self.limits.global_interval)
                job.send_at = max(chat_slot, global_slot)
                lane.next_send_at = job.send_at + self.limits.interval(head.chat_id)
                global_lane.next_send_at = job.send_at + self.limits.global_interval
                jobs.append(job)
            for job in jobs:
                lease = datetime.fromtimestamp(job.send_at, now.tzinfo) + LEASE
                await uow.outbox.claim([r.id for r in job.rows], lease)
            await uow.commit()
        return jobs

    async def _merge_backlog(self, uow: object, head: OutboxRow, job: _Job) -> None:
        from storage.uow import UnitOfWork

        assert isinstance(uow, UnitOfWork)
        threshold = merge_threshold(self.limits.interval(head.chat_id))
        backlog = await uow.outbox.mergeable_after(head, 60)
        if len(backlog) + 1 < threshold:
            return
        rows = [head, *backlog]
        text, used = merge_lines(self.texts("outbox.merged_header"),
                                 [r.merge_line or "" for r in rows])
        if used >= 2:
            job.rows = rows[:used]
            job.merged_text = text

    async def _resolve_targets(self, uow: object, job: _Job, now: datetime) -> bool:
        """Find the platform ids of the messages replied to or edited; False skips the row."""
        from storage.uow import UnitOfWork

        assert isinstance(uow, UnitOfWork)
        message = job.message
        target = getattr(message, "target", None) or getattr(message, "reply_to", None)
        if target is None or job.merged_text is not None:
            return True
        message_id = target.message_id
        if message_id is None and target.ref is not None:
            found = await uow.refs.resolve(target.ref)
            message_id = found.message_id if found else None
        if isinstance(message, EditText | EditCaption):
            if message_id is None:
                # The message was merged into another or never delivered: nothing to edit.
                await uow.outbox.mark_sent([r.id for r in job.rows], None, now, status="skipped")
                return False
            job.edit_id = message_id
        else:
            job.reply_to_id = message_id
        return True

    # -- delivering ----------------------------------------------------------------------

    async def _deliver(self, job: _Job) -> None:
        async with self.semaphore:
            wait = job.send_at - self.timer.now().timestamp()
            if wait > 0:
                await self.timer.sleep(wait)
            try:
                job.message_id = await self._send(job)
            except NotModified:
                job.outcome = "sent"
            except TargetGone as error:
                job.outcome, job.error = "skipped", str(error)
            except RetryLater as error:
                job.outcome, job.error = "retry", str(error)
                job.retry_in = error.seconds + random.uniform(0, 0.5)
            except TransientFailure as error:
                job.outcome, job.error = "retry", str(error)
                attempts = max(r.attempts for r in job.rows)
                job.retry_in = min(MAX_BACKOFF_S, 2.0 ** attempts) * random.uniform(0.5, 1.5)
            except PermanentFailure as error:
                job.outcome, job.error = await self._fallback(job, error)

    async def _send(self, job: _Job) -> int | None:
        message = job.message
        if job.merged_text is not None:
            assert isinstance(message, SendText)
            merged = SendText(chat_id=message.chat_id, text=job.merged_text)
            return await self.port.send_text(merged, None)
        match message:
            case SendText():
                return await self.port.send_text(message, job.reply_to_id)
            case SendPhoto():
                data = None
                if message.photo.startswith(MEDIA_PREFIX):
                    data = self.media.get(message.photo.removeprefix(MEDIA_PREFIX))
                    if data is None:
                        raise PermanentFailure("the stored photo is missing")
                return await self.port.send_photo(message, job.reply_to_id, data)
            case SendDocument():
                data = await asyncio.to_thread(Path(message.path).read_bytes)
                return await self.port.send_document(message, job.reply_to_id, data)
            case EditText():
                assert job.edit_id is not None
                await self.port.edit_text(message, job.edit_id)
                return job.edit_id
            case EditCaption():
                assert job.edit_id is not None
                await self.port.edit_caption(message, job.edit_id)
                return job.edit_id
            case AnswerButton():
                await self.port.answer_button(message)
                return None
        raise PermanentFailure(f"unknown outgoing message {message!r}")

    async def _fallback(self, job: _Job, error: PermanentFailure) -> tuple[str, str]:
        message = job.message
        if isinstance(message, SendPhoto) and message.fallback_text:
            # The words matter more than the picture: send them on their own.
            text = SendText(chat_id=message.chat_id, text=message.fallback_text,
                            buttons=message.buttons, ref=message.ref, ticket=message.ticket)
            try:
                job.message_id = await self.port.send_text(text, job.reply_to_id)
                log.warning("photo refused, sent as text", extra={"error": str(error)})
                return "sent", ""
            except Exception as second:
                error = PermanentFailure(str(second))
        if isinstance(message, AnswerButton):
            # Button answers expire after a while; nothing is lost by dropping a late one.
            return "skipped", str(error)
        return "failed", str(error)

    # -- recording -----------------------------------------------------------------------

    async def _record(self, jobs: list[_Job]) -> None:
        now = self.timer.now()
        async with self.uows() as uow:
            for job in jobs:
                ids = [r.id for r in job.rows]
                if job.outcome == "sent":
                    await uow.outbox.mark_sent(ids[:1], job.message_id, now)
                    if len(ids) > 1:
                        await uow.outbox.mark_sent(ids[1:], job.message_id, now, status="merged")
                        self.merged_count += len(ids) - 1
                    self.sent_count += 1
                    await self._remember(uow, job, now)
                elif job.outcome == "retry":
                    first = min(r.created_at for r in job.rows)
                    if now - first > GIVE_UP_AFTER:
                        await uow.outbox.mark_failed(ids, job.error, now)
                        log.error("message given up after a day of retries",
                                  extra={"chat_id": job.rows[0].chat_id, "error": job.error})
                        continue
                    at = now + timedelta(seconds=job.retry_in or 1.0)
                    await uow.outbox.mark_retry(ids, at, job.error)
                    if job.rows[0].chat_id != GLOBAL_LANE:
                        lane = await uow.outbox.lane(job.rows[0].chat_id)
                        lane.next_send_at = max(lane.next_send_at, at.timestamp())
                    log.warning("send postponed", extra={
                        "chat_id": job.rows[0].chat_id, "retry_in_s": round(job.retry_in or 0, 2),
                        "error": job.error[:200]})
                elif job.outcome == "skipped":
                    await uow.outbox.mark_sent(ids, None, now, status="skipped")
                else:
                    await uow.outbox.mark_failed(ids, job.error, now)
                    log.error("message refused by the platform", extra={
                        "chat_id": job.rows[0].chat_id, "kind": job.rows[0].kind,
                        "error": job.error[:300]})
            await uow.commit()

    async def _remember(self, uow: object, job: _Job, now: datetime) -> None:
        from storage.uow import UnitOfWork

        assert isinstance(uow, UnitOfWork)
        if job.message_id is None or job.merged_text is not None:
            return
        message = job.message
        ticket = getattr(message, "ticket", None)
        ref = getattr(message, "ref", None)
        chat_id = job.rows[0].chat_id
        if ref is None and ticket is not None:
            ref = f"msg:{chat_id}:{job.message_id}"
        if ref is not None:
            await uow.refs.remember(ref, chat_id, job.message_id, now, ticket_number=ticket)

    def _note_lane(self, free_at: float) -> None:
        if self._lane_free_at is None or free_at < self._lane_free_at:
            self._lane_free_at = free_at

    async def _idle_delay(self) -> float:
        """How long to sleep when nothing could be sent (a poke from a new message wakes us)."""
        async with self.uows(read_only=True) as uow:
            due = await uow.outbox.next_wakeup()
        candidates = [t for t in (due.timestamp() if due else None, self._lane_free_at) if t]
        if not candidates:
            return 2.0
        return min(2.0, max(0.005, min(candidates) - self.timer.now().timestamp()))
