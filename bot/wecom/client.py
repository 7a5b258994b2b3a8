"""The smart bot's long connection: connect, subscribe, keep alive, receive, send, reconnect.

Why not the official `wecom-aibot-python-sdk` (1.0.2): it passes a TLS context to every
connection, so it cannot speak to a plain ws:// server (the local WeCom server in tests), and it
hands callbacks to event listeners without waiting for them, so a message could be counted as
received before the inbox has it. This client is small and does both the way we need.

Receiving: the protocol has no acknowledgement for callbacks, so "received" means "handed to
`on_callback` and that call returned". Callbacks are handled one at a time, in arrival order, by
a worker apart from the socket reader (a handler may itself send and wait for an answer). A
handler that raises is retried with backoff until it succeeds; a callback is never skipped. A
callback repeated with the same msgid (WeCom may repeat them, document/path/101027) is handed
over once.

Sending: every request waits for WeCom's answer with the same req_id. Errors are the messaging
port's: `RetryLater` on a rate limit, `TransientFailure` on a timeout, a busy server or a lost
connection, `PermanentFailure` on any other refusal. Active sends return no message id.

Reconnecting: after a drop, a failed subscribe or two missed heartbeats, the client reconnects
with capped exponential backoff and jitter. After a kick (disconnected_event: another connection
with the same bot id took over) it waits at least `Backoff.after_kick_s`, so two instances do
not take the connection from each other in a tight loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from messaging.port import PermanentFailure, RetryLater, TransientFailure

from . import frames
from .frames import Answer, Callback, CardEvent, Kicked, Malformed, MessageCallback, OtherEvent
from .pace import BUSY_ERRCODES, RATE_LIMITED_ERRCODES, WECOM_PACE, PaceTable

log = logging.getLogger(__name__)

DEFAULT_URL = "wss://openws.work.weixin.qq.com"

OnCallback = Callable[[Callback], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    base_s: float = 1.0
    cap_s: float = 30.0
    after_kick_s: float = 30.0
    handler_retry_cap_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Attempt 0, 1, 2… waits up to base, 2·base, 4·base… (capped), at least half of it."""
        ceiling = min(self.cap_s, self.base_s * (2 ** min(attempt, 30)))
        return ceiling * (0.5 + rng.random() / 2)


@dataclass
class ClientStats:
    connects: int = 0
    subscribed: int = 0
    drops: int = 0
    kicks: int = 0
    callbacks: int = 0
    duplicates: int = 0
    handler_failures: int = 0
    malformed: int = 0
    unknown: int = 0
    missed_heartbeats: int = 0


class SubscribeRefused(PermanentFailure):
    """WeCom refused the bot id and secret."""


def raise_for(answer: Answer, pace: PaceTable = WECOM_PACE) -> Answer:
    """The answer itself when it is a success, else the port error it stands for."""
    if answer.ok:
        return answer
    text = f"errcode {answer.errcode}: {answer.errmsg}"
    if answer.errcode in RATE_LIMITED_ERRCODES:
        raise RetryLater(pace.rate_limited_retry_s, text)
    if answer.errcode in BUSY_ERRCODES:
        raise TransientFailure(text)
    raise PermanentFailure(text)


class _SeenIds:
    """The last `size` msgids, to hand a repeated callback over only once."""

    def __init__(self, size: int = 4096) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def add(self, msgid: str) -> bool:
        """False when `msgid` was already seen."""
        if not msgid:
            return True
        if msgid in self._ids:
            self._ids.move_to_end(msgid)
            return False
        self._ids[msgid] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


class WeComClient:
    def __init__(
        self,
        bot_id: str,
        secret: str,
        on_callback: OnCallback,
        *,
        url: str = DEFAULT_URL,
        session: aiohttp.ClientSession | None = None,
        heartbeat_s: float = 30.0,
        max_missed_heartbeats: int = 2,
        request_timeout_s: float = 10.0,
        backoff: Backoff = Backoff(),
        pace: PaceTable = WECOM_PACE,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot_id = bot_id
        self._secret = secret
        self._on_callback = on_callback
        self.url = url
        self._session = session
        self._own_session = session is None
        self._heartbeat_s = heartbeat_s
        self._max_missed = max_missed_heartbeats
        self._timeout = request_timeout_s
        self._backoff = backoff
        self._pace = pace
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self.stats = ClientStats()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ready = asyncio.Event()
        self._stopping = False
        self._pending: dict[str, asyncio.Future[Answer]] = {}
        self._queue: asyncio.Queue[Callback] = asyncio.Queue()
        self._seen = _SeenIds()
        self._card_events: OrderedDict[str, float] = OrderedDict()
        self._reply_locks: dict[str, asyncio.Lock] = {}
        self._kicked = False
        self._runner: asyncio.Task[None] | None = None
        self._worker: asyncio.Task[None] | None = None
        self.last_delays: list[float] = []

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect in the background; `wait_ready` tells when the first subscribe succeeded."""
        if self._runner is not None:
            return
        if self._session is None:
            self._session = aiohttp.ClientSession()
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="wecom-connection")
        self._worker = asyncio.create_task(self._work(), name="wecom-callbacks")

    async def wait_ready(self, within_s: float | None = None) -> None:
        await asyncio.wait_for(self._ready.wait(), within_s)

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    @property
    def backlog(self) -> int:
        """Callbacks received and not yet handled."""
        return self._queue.qsize()

    async def stop(self, drain_timeout_s: float = 10.0) -> None:
        """Close the connection, then let the worker hand over what was already received."""
        self._stopping = True
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        if self._worker is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._queue.join(), drain_timeout_s)
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        while not self._queue.empty():
            left = self._queue.get_nowait()
            # Not handed over before shutdown: say so loudly, with what is needed to find it.
            log.error("wecom callback not handled before stop: msgid=%s chat=%s",
                      getattr(left, "msgid", ""), getattr(left, "chatid", ""))
        self._runner = self._worker = None
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def drop_connection(self) -> None:
        """Close the socket as a network failure would (tests, fault drills)."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

    # ------------------------------------------------------------ connection

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            self._kicked = False
            subscribed = False
            try:
                assert self._session is not None
                async with asyncio.timeout(self._timeout):
                    self._ws = await self._session.ws_connect(
                        self.url, autoping=True, heartbeat=None, max_msg_size=0)
                self.stats.connects += 1
                subscribed = await self._serve(self._ws)
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                log.warning("wecom connection to %s failed: %s", self.url, error)
            except SubscribeRefused as error:
                log.error("wecom subscribe refused: %s (check [wecom] bot_id and secret)", error)
            finally:
                self._ready.clear()
                self._fail_pending("connection lost")
                if self._ws is not None and not self._ws.closed:
                    await self._ws.close()
            if self._stopping:
                break
            self.stats.drops += 1
            if subscribed:
                attempt = 0
            delay = self._backoff.delay(attempt, self._rng)
            if self._kicked:
                delay = max(delay, self._backoff.after_kick_s)
                log.warning("wecom connection taken over by another; reconnecting in %.1fs", delay)
            else:
                log.info("wecom reconnecting in %.1fs (attempt %d)", delay, attempt + 1)
            self.last_delays.append(delay)
            del self.last_delays[:-20]
            attempt += 1
            await asyncio.sleep(delay)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Subscribe and read until the socket closes; True when the subscribe succeeded."""
        reader = asyncio.create_task(self._read(ws), name="wecom-reader")
        heartbeat: asyncio.Task[None] | None = None
        subscribed = False
        try:
            answer = await self._request(
                frames.SUBSCRIBE, lambda rid: frames.subscribe(rid, self._bot_id, self._secret),
                ws=ws)
            if not answer.ok:
                raise SubscribeRefused(f"errcode {answer.errcode}: {answer.errmsg}")
            subscribed = True
            self.stats.subscribed += 1
            self._ready.set()
            log.info("wecom subscribed at %s", self.url)
            heartbeat = asyncio.create_task(self._heartbeat(ws), name="wecom-heartbeat")
            await reader
        except TransientFailure as error:
            log.warning("wecom subscribe got no answer: %s", error)
        finally:
            for task in (heartbeat, reader):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        return subscribed

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                self._dispatch(frames.decode(message.data))
            elif message.type == aiohttp.WSMsgType.ERROR:
                log.warning("wecom socket error: %s", ws.exception())
                break
        # The socket is gone: nothing more is sent on it, and whatever waits for an answer on
        # it will not get one.
        self._ready.clear()
        self._fail_pending("connection lost")

    def _dispatch(self, decoded: frames.Decoded) -> None:
        if isinstance(decoded, Answer):
            future = self._pending.pop(decoded.req_id, None)
            if future is not None and not future.done():
                future.set_result(decoded)
            return
        if isinstance(decoded, MessageCallback | CardEvent | OtherEvent):
            if not self._seen.add(decoded.msgid):
                self.stats.duplicates += 1
                log.info("wecom repeated callback skipped: msgid=%s", decoded.msgid)
                return
            if isinstance(decoded, CardEvent):
                self._card_events[decoded.req_id] = self._monotonic()
                while len(self._card_events) > 1024:
                    self._card_events.popitem(last=False)
            self.stats.callbacks += 1
            self._queue.put_nowait(decoded)
            return
        if isinstance(decoded, Kicked):
            self.stats.kicks += 1
            self._kicked = True
            log.warning("wecom disconnected_event: another connection took over")
            if self._ws is not None:
                asyncio.get_running_loop().create_task(self._ws.close())
            return
        if isinstance(decoded, Malformed):
            self.stats.malformed += 1
            log.warning("wecom malformed frame skipped (%s): %r", decoded.reason, decoded.text)
            return
        self.stats.unknown += 1
        log.info("wecom frame of unknown kind skipped: %r", decoded)

    async def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        missed = 0
        while not ws.closed:
            await asyncio.sleep(self._heartbeat_s)
            try:
                await self._request(frames.PING, frames.ping, ws=ws, wait_s=self._heartbeat_s)
                missed = 0
            except TransientFailure:
                missed += 1
                self.stats.missed_heartbeats += 1
                if missed >= self._max_missed:
                    log.warning("wecom heartbeat unanswered %d times; reconnecting", missed)
                    await ws.close()
                    return

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(TransientFailure(reason))

    # ------------------------------------------------------------ callbacks

    async def _work(self) -> None:
        while True:
            callback = await self._queue.get()
            try:
                await self._hand_over(callback)
            finally:
                self._queue.task_done()

    async def _hand_over(self, callback: Callback) -> None:
        failures = 0
        while True:
            try:
                await self._on_callback(callback)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                self.stats.handler_failures += 1
                delay = min(self._backoff.handler_retry_cap_s,
                            self._backoff.base_s * 2 ** min(failures - 1, 10))
                log.exception("wecom callback handler failed (msgid=%s, try %d); retry in %.1fs",
                              getattr(callback, "msgid", ""), failures, delay)
                await asyncio.sleep(delay)

    # ------------------------------------------------------------ requests

    async def _request(self, cmd: str, build: Callable[[str], str], *,
                       ws: aiohttp.ClientWebSocketResponse | None = None,
                       req_id: str | None = None, wait_s: float | None = None) -> Answer:
        if req_id is None:
            return await self._request_once(cmd, build, ws, frames.new_req_id(cmd), wait_s)
        # Replies reuse the callback's req_id and are matched to their answer by it: one at a
        # time per req_id, in the order they were asked for (as the official SDKs queue them).
        lock = self._reply_locks.setdefault(req_id, asyncio.Lock())
        try:
            async with lock:
                return await self._request_once(cmd, build, ws, req_id, wait_s)
        finally:
            if not lock.locked() and self._reply_locks.get(req_id) is lock:
                del self._reply_locks[req_id]

    async def _request_once(self, cmd: str, build: Callable[[str], str],
                            ws: aiohttp.ClientWebSocketResponse | None, rid: str,
                            wait_s: float | None) -> Answer:
        if ws is None:
            ws = await self._connection(wait_s or self._timeout)
        if ws.closed:
            raise TransientFailure("wecom not connected")
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        try:
            await ws.send_str(build(rid))
            return await asyncio.wait_for(future, wait_s or self._timeout)
        except TimeoutError as error:
            raise TransientFailure(f"wecom gave no answer to {cmd} in time") from error
        except (ConnectionResetError, aiohttp.ClientError, RuntimeError) as error:
            raise TransientFailure(f"wecom {cmd} not sent: {error}") from error
        finally:
            self._pending.pop(rid, None)

    async def _connection(self, wait_s: float) -> aiohttp.ClientWebSocketResponse:
        """The subscribed socket; while reconnecting, wait a little for it rather than fail a
        send that a moment later would go through."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            ws = self._ws
            if self._ready.is_set() and ws is not None and not ws.closed:
                return ws
            remaining = deadline - loop.time()
            if self._runner is None or self._stopping or remaining <= 0:
                raise TransientFailure("wecom not connected")
            if self._ready.is_set():
                # The socket just closed and the connection loop has not caught up yet.
                await asyncio.sleep(min(0.01, remaining))
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._ready.wait(), remaining)

    async def send(self, chatid: str, body: dict[str, Any]) -> Answer:
        """Active send (aibot_send_msg) to a group chatid or a userid."""
        answer = await self._request(frames.SEND, lambda rid: frames.send(rid, chatid, body))
        return raise_for(answer, self._pace)

    async def send_markdown(self, chatid: str, content: str) -> Answer:
        return await self.send(chatid, frames.markdown_body(content))

    async def send_card(self, chatid: str, card: dict[str, Any]) -> Answer:
        return await self.send(chatid, frames.card_body(card))

    async def upload_media(self, data: bytes, kind: str = "image",
                           filename: str = "photo.jpg") -> str:
        """Upload temporary media over the connection; its media_id (valid three days)."""
        size = frames.UPLOAD_CHUNK_BYTES
        parts = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
        if not data or len(parts) > frames.UPLOAD_MAX_CHUNKS:
            raise PermanentFailure(f"media of {len(data)} bytes cannot be uploaded")
        started = raise_for(await self._request(
            frames.UPLOAD_INIT, lambda rid: frames.upload_init(rid, kind, filename, data)),
            self._pace)
        upload_id = str((started.body or {}).get("upload_id") or "")
        if not upload_id:
            raise TransientFailure("wecom upload init answered no upload_id")
        for index, part in enumerate(parts):
            raise_for(await self._request(
                frames.UPLOAD_CHUNK,
                lambda rid, i=index, p=part: frames.upload_chunk(rid, upload_id, i, p)),
                self._pace)
        finished = raise_for(await self._request(
            frames.UPLOAD_FINISH, lambda rid: frames.upload_finish(rid, upload_id)), self._pace)
        media_id = str((finished.body or {}).get("media_id") or "")
        if not media_id:
            raise TransientFailure("wecom upload finish answered no media_id")
        return media_id

    async def send_image(self, chatid: str, data: bytes) -> Answer:
        """Upload an image and send it to the conversation (two messages' worth of time:
        the upload is not a message, the send is)."""
        media_id = await self.upload_media(data)
        return await self.send(chatid, frames.image_body(media_id))

    async def respond(self, req_id: str, body: dict[str, Any]) -> Answer:
        """A reply to a message callback, with that callback's req_id."""
        answer = await self._request(frames.RESPOND, lambda rid: frames.respond(rid, body),
                                     req_id=req_id)
        return raise_for(answer, self._pace)

    def card_update_open(self, req_id: str) -> bool:
        """Whether the card of this button press may still be replaced (~5 s after it)."""
        pressed = self._card_events.get(req_id)
        return (pressed is not None
                and self._monotonic() - pressed < self._pace.card_update_window_s)

    async def update_card(self, req_id: str, card: dict[str, Any],
                          userids: list[str] | None = None) -> Answer:
        """Replace the card whose button was pressed. Past the window this raises
        PermanentFailure at once: the caller sends a new card and a status line instead."""
        if not self.card_update_open(req_id):
            raise PermanentFailure("card update window closed")
        answer = await self._request(
            frames.RESPOND_UPDATE, lambda rid: frames.update_card(rid, card, userids),
            req_id=req_id)
        return raise_for(answer, self._pace)
