"""Delivers the outbox: in order per chat, within the platform's limits, never lost, never twice.

One sender serves every platform: each message goes out through the adapter of its chat's
platform (`Platforms.of`), paced by that platform's table, and each platform has a global lane
of its own, so a busy Telegram does not slow WeCom down.

Each round claims the first undelivered message of every chat whose lane is free (one short
transaction), sends them concurrently and records each result as soon as it is known.

A send whose outcome is unknown — the process died in mid-request, the answer was lost, the
connection dropped, the server said 5xx — is not simply sent again: the platform may have
delivered it. Such a message is first looked for (see `recovery.py`) among the messages above
the highest id the chat had when it was first sent, and sent again only if it is not there.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta

from bot.platforms import Adapter, NoAdapter, Platforms
from domain.clock import Clock
from handlers.media import MediaStore
from handlers.texts import Texts
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    SendDocument,
    SendPhoto,
    SendText,
    from_payload,
    to_payload,
)
from messaging.port import (
    NotModified,
    PermanentFailure,
    RetryLater,
    TargetGone,
    TransientFailure,
)
from storage.models import OutboxRow
from storage.repositories.outbox import Head
from storage.uow import UnitOfWork, UnitOfWorkFactory

from .batching import Batcher
from .delivery import Job, deliver_once
from .looping import keep_working
from .pacing import global_lane, merge_lines, merge_threshold, reserve
from .recovery import UNCERTAIN, find_delivered
from .telemetry import SILENT, Telemetry
from .trouble import UNGUARDED, Guard, is_database_trouble, pause

log = logging.getLogger(__name__)

# A claim outlives the longest a live sender can take over one request; after that, another
# worker (or this one, restarted) may take the message over.
LEASE_MARGIN = timedelta(seconds=10)
MAX_BACKOFF_S = 300.0


def _is_answer(row: Head) -> bool:
    return row.kind == AnswerButton.kind


_CREATING_KINDS = frozenset({SendText.kind, SendPhoto.kind, SendDocument.kind})
_UNREAD = object()


def backoff(attempts: int) -> float:
    """Seconds before the next try: a quick second try (most server errors pass at once),
    then doubling up to a cap, with jitter so that waiting messages do not retry in step."""
    return min(MAX_BACKOFF_S, 0.25 * 2.0 ** max(0, attempts - 1)) * random.uniform(0.5, 1.5)
# How long a round waits for the deliveries still under way when one of them has finished.
COALESCE_S = 0.02
# How many queued lines after a head are looked at for merging. At a pace that needs more
# lines than this to merge, no backlog is looked for at all.
MERGE_LOOKAHEAD = 60
# With the backoff capped at five minutes, this many attempts span about a day.
GIVE_UP_AFTER_ATTEMPTS = 300
# A message to a platform this deployment does not serve (its section was removed) waits,
# looked at again this often, until the platform is configured again.
NO_ADAPTER_RETRY = timedelta(minutes=10)


class OutboxSender:
    def __init__(self, uows: UnitOfWorkFactory, platforms: Platforms, media: MediaStore,
                 texts: Texts, timer: Clock, *, batch: int = 50, concurrency: int = 8,
                 guard: Guard = UNGUARDED, telemetry: Telemetry = SILENT) -> None:
        self.uows = uows
        self.guard = guard
        self.telemetry = telemetry
        self.stopping: asyncio.Event | None = None
        self.platforms = platforms
        self.media = media
        self.texts = texts
        self.timer = timer
        self.batch = batch
        self.semaphore = asyncio.Semaphore(concurrency)
        self.wakeup = asyncio.Event()
        self.sent_count = 0
        self.merged_count = 0
        self.recovered_count = 0
        self._lane_free_at: float | None = None
        # Poked since the last round (it skips the look before the claim), and whether the
        # last round may have left messages due.
        self._poked = False
        self._more = False
        # A delivery was recorded since the last round.
        self._delivered = False
        self._in_flight: set[asyncio.Task[None]] = set()
        # When the earliest waiting message falls due, read by a round that found nothing to
        # send and nothing in flight (the wait after it then asks no transaction of its own);
        # _UNREAD when the last round did not read it.
        self._next_due: datetime | object | None = _UNREAD
        self._recorder: Batcher[Job] = Batcher(self._record_batch)

    def poke(self) -> None:
        self._poked = True
        self.wakeup.set()

    async def recover(self) -> None:
        """After a crash of the only process (SQLite): no other worker can hold a lease, so
        messages caught in mid-send are due for a look at once."""
        from sqlalchemy import update

        async with self.uows() as uow:
            await uow.session.execute(
                update(OutboxRow).where(OutboxRow.status == "sending")
                .values(claimed_until=None)
            )
            await uow.commit()

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until stopped. Each chat's messages go one after another, but chats do not
        wait for each other: a chat whose message is slow or being looked for holds up no
        other chat."""
        in_flight = self._in_flight
        self.stopping = stopping

        async def start_deliveries() -> bool:
            self._more = False
            if self._delivered and in_flight:
                # Woken by a delivery recorded while others are still under way: they are
                # mostly a moment from done, and one round then claims the next message of
                # every chat together instead of a round for each.
                await asyncio.wait(set(in_flight), timeout=COALESCE_S)
            self._delivered = False
            jobs = await self._claim()
            for job in jobs:
                task = asyncio.create_task(self._deliver_and_record(job))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            # Each delivery pokes once recorded; going round again before then finds the
            # chats that were just claimed busy.
            return self._more

        try:
            await keep_working(start_deliveries, self.wakeup, stopping,
                               idle_seconds=self._idle_delay, what="outbox", guard=self.guard)
        finally:
            # Stopping: messages in mid-send finish and are recorded; the rest wait durably.
            if in_flight:
                await asyncio.wait(in_flight, timeout=self._longest_lease().total_seconds())

    async def step(self) -> int:
        """One round, delivered to the end (for callers that want to drive the sender)."""
        jobs = await self._claim()
        if jobs:
            await asyncio.gather(*(self._deliver_and_record(job) for job in jobs))
        return len(jobs)

    # -- claiming --------------------------------------------------------------------------

    async def _claim(self) -> list[Job]:
        """One short transaction: the heads of the chats whose lanes are free, their lanes
        read and advanced, and the heads claimed, in a fixed handful of statements however
        many chats take part."""
        now = self.timer.now()
        epoch = now.timestamp()
        jobs: list[Job] = []
        self._lane_free_at = None
        self._next_due = _UNREAD
        poked, self._poked = self._poked, False
        if not poked:
            # A periodic look mostly finds nothing: look without the write lock first. A poke
            # (a new message, a delivery recorded) mostly means work, and the look would
            # only add a transaction.
            async with self.uows(read_only=True) as uow:
                if not await uow.outbox.heads(now, 1):
                    await self._read_next_due(uow)
                    return []
        async with self.uows() as uow:
            # The chats' highest known message ids (the floors of recovery) come with the
            # heads, read by the same statement.
            heads, floors = await uow.outbox.heads_and_floors(now, self.batch, _CREATING_KINDS)
            if not heads:
                await self._read_next_due(uow)
                return []
            skipped = False
            candidates: list[tuple[Head, Adapter]] = []
            for head in heads:
                adapter = await self._adapter_of(uow, head, now)
                if adapter is not None:
                    candidates.append((head, adapter))
            paced = [(h, a) for h, a in candidates if not _is_answer(h)]
            lanes = await uow.outbox.lanes([global_lane(a.name) for _, a in paced]
                                           + [h.chat_id for h, _ in paced]) if paced else {}
            for head, adapter in candidates:
                message = from_payload(head.kind, head.payload)
                if isinstance(message, AnswerButton):
                    jobs.append(Job(head, message, epoch, platform=adapter.name))
                    continue
                platform_lane = lanes[global_lane(adapter.name)]
                lane = lanes[head.chat_id]
                if lane.next_send_at > epoch:
                    self._note_lane(lane.next_send_at)
                    continue
                job = Job(head, message, epoch, platform=adapter.name)
                pace = adapter.pace
                if (head.attempts == 0 and head.merge_line is not None
                        and merge_threshold(pace.interval(head.chat_id)) <= MERGE_LOOKAHEAD + 1):
                    await self._merge_backlog(uow, job, now, pace.interval(head.chat_id))
                if not await self._resolve_targets(uow, job, now):
                    skipped = True  # the chat's next message may be due at once
                    continue
                await self._prepare_recovery(uow, job, floors)
                interval = pace.interval(head.chat_id)
                chat_slot, _ = reserve(lane.next_send_at, epoch, interval)
                global_slot, _ = reserve(platform_lane.next_send_at, epoch, pace.global_interval)
                job.send_at = max(chat_slot, global_slot)
                lane.next_send_at = job.send_at + interval
                platform_lane.next_send_at = job.send_at + pace.global_interval
                jobs.append(job)
            await uow.outbox.claim_many([
                (job.row.id, datetime.fromtimestamp(job.send_at, now.tzinfo)
                 + self._lease(self.platforms[job.platform]), job.floor) for job in jobs])
            await uow.outbox.save_lanes(lanes.values())
            await uow.commit()
        # Every chat with a message due got its head; more can be due at once only if the
        # batch was full. Otherwise the next round waits for a poke: a delivery recorded
        # (its chat's next message) or a new message.
        self._more = skipped or len(heads) >= self.batch
        return jobs

    async def _read_next_due(self, uow: UnitOfWork) -> None:
        """Nothing to send: with nothing in flight either, the wait that follows needs to
        know when the earliest waiting message falls due. Read here, in the round's own
        transaction, rather than in one of its own."""
        if not self._in_flight:
            self._next_due = await uow.outbox.next_wakeup()

    async def _adapter_of(self, uow: UnitOfWork, head: Head,
                          now: datetime) -> Adapter | None:
        """The adapter that delivers this row; a row for a platform not served here waits."""
        try:
            return self.platforms.of(head.chat_id)
        except NoAdapter as error:
            await uow.outbox.mark_retry([head.id], now + NO_ADAPTER_RETRY,
                                        f"no adapter: {error}")
            log.warning("a message waits for a platform this deployment does not serve",
                        extra={"chat_id": head.chat_id, "error": str(error)[:200]})
            return None

    def _lease(self, adapter: Adapter) -> timedelta:
        # Probes after an uncertain send may take several requests.
        return timedelta(seconds=adapter.request_timeout_s * 2) + LEASE_MARGIN

    def _longest_lease(self) -> timedelta:
        return max((self._lease(adapter) for adapter in self.platforms),
                   default=LEASE_MARGIN)

    async def _merge_backlog(self, uow: UnitOfWork, job: Job, now: datetime,
                             interval: float) -> None:
        """A queue longer than the chat's pace allows becomes one message."""
        head = job.row
        threshold = merge_threshold(interval)
        backlog = await uow.outbox.mergeable_after(head, MERGE_LOOKAHEAD)
        if len(backlog) + 1 < threshold:
            return
        rows = [head, *backlog]
        text, used = merge_lines(self.texts("outbox.merged_header"),
                                 [r.merge_line or "" for r in rows])
        if used < 2:
            return
        # The head becomes the merged message for good, so a retry sends the same text.
        job.message = SendText(chat_id=head.chat_id, text=text)
        await uow.outbox.rewrite(head, job.message.kind, to_payload(job.message))
        await uow.outbox.absorb([r.id for r in rows[1:used]], into=head.id, now=now)
        job.merged = True
        self.merged_count += used - 1

    async def _resolve_targets(self, uow: UnitOfWork, job: Job, now: datetime) -> bool:
        """Find the platform ids of the messages replied to or edited; False skips the row."""
        message = job.message
        target = getattr(message, "target", None) or getattr(message, "reply_to", None)
        if target is None:
            return True
        message_id = target.message_id
        if message_id is None and target.ref is not None:
            found = await uow.refs.resolve(target.ref)
            message_id = found.message_id if found else None
        if isinstance(message, EditText | EditCaption | DeleteMessage):
            if message_id is None:
                # The message was merged into another or never delivered: nothing to change.
                await uow.outbox.mark_sent([job.row.id], None, now, status="skipped")
                return False
            job.edit_id = message_id
        else:
            job.reply_to_id = message_id
        return True

    async def _prepare_recovery(self, uow: UnitOfWork, job: Job,
                                floors: dict[str, int]) -> None:
        """Remember where the message would land; if its fate is unknown, plan the search.
        `floors`: the chats' highest known message ids, read for the round."""
        if not job.creates_message:
            return
        row = job.row
        job.floor = row.floor_message_id
        if job.floor is None:
            job.floor = floors.get(row.chat_id)
        if job.floor is None:  # a head whose message turned into another kind (merged)
            job.floor = await uow.outbox.highest_known_message_id(row.chat_id)
        if row.status == "sending" or row.last_error.startswith(UNCERTAIN):
            known = await uow.outbox.message_ids_above(row.chat_id, job.floor)
            known |= await uow.inbox.message_ids_above(row.chat_id, job.floor)
            job.plan_probes(job.floor, known)

    # -- delivering ----------------------------------------------------------------------

    async def _deliver_and_record(self, job: Job) -> None:
        try:
            await self._deliver_and_record_one(job)
        except Exception:
            # The claim lapses and the message is looked for and sent again later.
            log.exception("delivering a message failed", extra={"chat_id": job.chat_id})
        finally:
            self._delivered = True
            self.poke()

    async def _deliver_and_record_one(self, job: Job) -> None:
        adapter = self.platforms[job.platform]
        async with self.semaphore:
            wait = job.send_at - self.timer.now().timestamp()
            if wait > 0:
                await self.timer.sleep(wait)
            try:
                if job.probe_ids:
                    job.message_id = await find_delivered(adapter.messenger, job, self.timer,
                                                          adapter.pace.interval(job.chat_id))
                    if job.message_id is not None:
                        self.recovered_count += 1
                if job.message_id is None:
                    job.message_id = await deliver_once(adapter.messenger, self.media, job,
                                                        files=self.platforms.download)
            except NotModified:
                job.outcome = "sent"
            except TargetGone as error:
                job.outcome, job.error = "skipped", str(error)
                self._failed(job, "gone")
            except RetryLater as error:
                # Refused before it took effect: nothing was delivered.
                job.outcome, job.error = "retry", str(error)
                job.retry_in = error.seconds + random.uniform(0, 0.5)
                self._failed(job, "throttled")
                self.telemetry.throttled(job.platform, error.seconds)
            except TransientFailure as error:
                job.outcome, job.error = "retry", f"{UNCERTAIN}{error}"
                job.retry_in = backoff(job.row.attempts)
                self._failed(job, "transient")
            except PermanentFailure as error:
                job.outcome, job.error = await self._fallback(job, error)
                if job.outcome != "sent":
                    self._failed(job, "permanent")
        if job.outcome == "sent":
            self.telemetry.delivered(job.platform, job.row.kind, job.row.ref)
        await self._record_until_done(job)

    def _failed(self, job: Job, reason: str) -> None:
        self.telemetry.delivery_failed(job.platform, job.row.kind, reason)

    async def _record_until_done(self, job: Job) -> None:
        """What happened is known only here, in memory: while the database is away, keep it
        and try again, so that a message delivered during an outage is recorded as sent
        rather than looked for (or sent twice) later."""
        failures = 0
        while True:
            try:
                await self._record(job)
            except Exception as error:
                stopping = self.stopping is not None and self.stopping.is_set()
                if not is_database_trouble(error) or stopping:
                    raise
                failures += 1
                self.guard.failed("outbox", error)
                delay = self.guard.backoff.delay(failures)
                log.warning("database unreachable; keeping a send's outcome to record later",
                            extra={"chat_id": job.chat_id, "retry_in_s": round(delay, 2)})
                await pause(self.stopping or asyncio.Event(), delay)
                continue
            if failures:
                self.guard.succeeded("outbox")
            return

    async def _fallback(self, job: Job, error: PermanentFailure) -> tuple[str, str]:
        from messaging.outbound import SendPhoto

        message = job.message
        if isinstance(message, SendPhoto) and message.fallback_text:
            # The words matter more than the picture: send them on their own.
            text = SendText(chat_id=message.chat_id, text=message.fallback_text,
                            buttons=message.buttons, ref=message.ref, ticket=message.ticket)
            try:
                port = self.platforms[job.platform].messenger
                job.message_id = await port.send_text(text, job.reply_to_id)
                log.warning("photo refused, sent as text", extra={"error": str(error)})
                return "sent", ""
            except Exception as second:
                error = PermanentFailure(str(second))
        if isinstance(message, AnswerButton):
            # Button answers expire after a while; nothing is lost by dropping a late one.
            return "skipped", str(error)
        return "failed", str(error)

    # -- recording -----------------------------------------------------------------------

    async def _record(self, job: Job) -> None:
        """Record what happened to the message; deliveries that finish while a record is
        being written are recorded together in the next transaction."""
        await self._recorder.put(job)

    async def _record_batch(self, jobs: list[Job]) -> None:
        now = self.timer.now()
        async with self.uows() as uow:
            sent = [job for job in jobs if job.outcome == "sent"]
            await uow.outbox.mark_sent_many([(job.row.id, job.message_id) for job in sent],
                                            now)
            for job in sent:
                if job.merged:
                    await uow.outbox.mark_absorbed_sent(job.row.id, job.message_id)
            await uow.refs.remember_many(
                [found for job in sent if (found := self._ref_of(job)) is not None], now)
            for job in jobs:
                await self._record_other(uow, job, now)
            await uow.commit()
        self.sent_count += len(sent)

    async def _record_other(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        row_id, chat_id = job.row.id, job.chat_id
        if job.probe_ids and job.paced:
            # Looking for a message took requests of its own: the chat's pace counts them.
            lane = await uow.outbox.lane(chat_id)
            interval = self.platforms[job.platform].pace.interval(chat_id)
            lane.next_send_at = max(lane.next_send_at, now.timestamp() + interval)
        if job.outcome == "retry":
            if job.row.attempts >= GIVE_UP_AFTER_ATTEMPTS:
                await uow.outbox.mark_failed([row_id], job.error, now)
                log.error("message given up after a day of retries",
                          extra={"chat_id": chat_id, "error": job.error[:200]})
            else:
                at = now + timedelta(seconds=job.retry_in or 1.0)
                await uow.outbox.mark_retry([row_id], at, job.error)
                if job.paced:
                    lane = await uow.outbox.lane(chat_id)
                    lane.next_send_at = max(lane.next_send_at, at.timestamp())
                log.warning("send postponed", extra={
                    "chat_id": chat_id, "retry_in_s": round(job.retry_in or 0, 2),
                    "error": job.error[:200]})
        elif job.outcome == "skipped":
            await uow.outbox.mark_sent([row_id], None, now, status="skipped")
        elif job.outcome != "sent":
            await uow.outbox.mark_failed([row_id], job.error, now)
            log.error("message refused by the platform", extra={
                "chat_id": chat_id, "kind": job.row.kind, "error": job.error[:300]})

    def _ref_of(self, job: Job) -> tuple[str, str, str, int | None] | None:
        """The name a delivered message is remembered under, if any."""
        if job.message_id is None or not job.creates_message:
            return None
        message = job.message
        ticket = getattr(message, "ticket", None)
        ref = getattr(message, "ref", None)
        if ref is None and ticket is not None:
            ref = f"msg:{job.chat_id}:{job.message_id}"
        return None if ref is None else (ref, job.chat_id, job.message_id, ticket)

    def _note_lane(self, free_at: float) -> None:
        if self._lane_free_at is None or free_at < self._lane_free_at:
            self._lane_free_at = free_at

    async def _idle_delay(self) -> float:
        """How long to sleep when nothing could be sent (a poke from a new message wakes us)."""
        if self._in_flight:
            # Each delivery in flight pokes when it is recorded, and the round after it
            # looks again: no need to ask the database when the next message falls due.
            return 2.0 if self._lane_free_at is None else min(
                2.0, max(0.005, self._lane_free_at - self.timer.now().timestamp()))
        due = self._next_due
        self._next_due = _UNREAD
        if due is _UNREAD:
            async with self.uows(read_only=True) as uow:
                due = await uow.outbox.next_wakeup()
        assert due is None or isinstance(due, datetime)
        candidates = [t for t in (due.timestamp() if due else None, self._lane_free_at) if t]
        if not candidates:
            return 2.0
        return min(2.0, max(0.005, min(candidates) - self.timer.now().timestamp()))
