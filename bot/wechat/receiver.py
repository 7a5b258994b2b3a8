"""The callback route WeChat pushes to: checked, stored in the inbox, then answered.

WeChat waits 5 s for an answer and otherwise sends the push again, three times; so the push is
written to the inbox (de-duplicated by its MsgId, or sender + CreateTime + event) before the
answer "success", and a retry of something stored is answered the same without a second row.
Replies never ride on the answer: they go out through the outbox as customer-service or
template messages. A push that fails its signature, its decryption, its AppID or is stale gets
401 and a log line, and nothing is stored.

In the same transaction as the push: the grant it opens (the follower's budget of
customer-service messages) and, for a LOCATION event, the follower's position; an image push
takes that position along when it was reported within the pairing window.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.pipeline.looping import report_failure
from bot.pipeline.trouble import UNGUARDED, Guard
from domain.clock import Clock
from domain.identity import WECHAT, address
from storage.repositories.inbox import IncomingUpdate
from storage.uow import UnitOfWorkFactory

from . import store
from .budget import trigger_of
from .callback import open_callback, verify_url
from .crypto import CallbackError, MessageCrypto
from .datum import wechat_to_wgs84
from .xml import BadXml, ImagePush, LocationReport, Push

log = logging.getLogger(__name__)

# Inbox update ids must be unique across platforms: Telegram's are positive, internal events
# are small negative numbers. WeChat's are derived from the dedup key, below -2**61, so a
# retried push maps to the same id and no other source reaches the range.
_UPDATE_ID_BASE = 2**61
_UPDATE_ID_SPAN = 2**56


def update_id_of(dedup_key: str) -> int:
    digest = hashlib.sha256(dedup_key.encode()).digest()
    return -(_UPDATE_ID_BASE + int.from_bytes(digest[:8], "big") % _UPDATE_ID_SPAN)


def push_payload(push: Push, position: store.ReportedPosition | None = None) -> dict[str, Any]:
    """The inbox payload of a push: its kind and fields, and a position to pair with."""
    fields = asdict(push)
    if "fields" in fields:
        fields["fields"] = dict(fields["fields"])
    payload: dict[str, Any] = {"platform": WECHAT, "kind": type(push).__name__,
                               "push": fields}
    if position is not None:
        payload["position"] = {"lat": position.lat, "lon": position.lon,
                               "precision_m": position.precision_m,
                               "at": position.at.isoformat()}
    return payload


class CallbackReceiver:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock, crypto: MessageCrypto, *,
                 safe_mode: bool, pair_window: timedelta, on_stored: Callable[[], None],
                 guard: Guard = UNGUARDED) -> None:
        self.uows = uows
        self.clock = clock
        self.crypto = crypto
        self.safe_mode = safe_mode
        self.pair_window = pair_window
        self.on_stored = on_stored
        self.guard = guard
        self.accepting = True
        # Set once the callback route is served (readiness): WeChat pushes, we do not poll.
        self.connected = False

    async def verify(self, request: web.Request) -> web.Response:
        """The GET WeChat sends when the URL is submitted: echo `echostr` if signed right."""
        try:
            echostr = verify_url(request.query, self.crypto.token)
        except CallbackError as error:
            log.warning("wechat URL verification refused", extra={
                "reason": type(error).__name__, "remote": request.remote})
            return web.Response(status=401, text="unauthorized")
        return web.Response(text=echostr)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            push = open_callback(request.query, body, self.crypto, self.clock.now(),
                                 require_encryption=self.safe_mode)
        except CallbackError as error:
            log.warning("wechat push refused", extra={
                "reason": type(error).__name__, "remote": request.remote})
            return web.Response(status=401, text="unauthorized")
        except BadXml as error:
            log.warning("wechat push unreadable", extra={"reason": str(error)[:200],
                                                          "remote": request.remote})
            return web.Response(status=400, text="bad request")
        if not self.accepting:
            return unanswered(request)
        try:
            await self.store(push)
        except Exception as error:
            # Not stored, so not answered at all: WeChat retries, and so nothing is lost.
            self.guard.failed("wechat-callback", error)
            report_failure("wechat-callback", error, 1, 0)
            return unanswered(request)
        self.guard.succeeded("wechat-callback")
        self.on_stored()
        return web.Response(text="success")

    async def store(self, push: Push) -> bool:
        """Write the push (with its grant and position) in one transaction; False for a
        push stored before."""
        openid = push.from_user
        now = self.clock.now()
        at = datetime.fromtimestamp(push.create_time, UTC)
        key = push.dedup_key
        async with self.uows() as uow:
            position = None
            if isinstance(push, ImagePush):
                position = await store.recent_position(uow, openid, at, self.pair_window)
            added = await uow.inbox.add([IncomingUpdate(
                update_id=update_id_of(key), dedup_key=f"wx:{key}"[:255],
                chat_id=address(WECHAT, openid), payload=push_payload(push, position))],
                # No message id on the row: MsgIds are digits but not a chat's sequence, and
                # the outbox looks for lost sends among the numbers above a chat's highest.
                now)
            if added:
                trigger = trigger_of(push.msg_type, getattr(push, "event", None))
                if trigger is not None:
                    await store.open_budget(uow, openid, trigger, at, now)
                if isinstance(push, LocationReport):
                    lat, lon = wechat_to_wgs84(push.latitude, push.longitude)
                    await store.save_position(uow, openid, store.ReportedPosition(
                        lat, lon, push.precision or None, at))
            await uow.commit()
        return bool(added)


def unanswered(request: web.Request) -> web.Response:
    """Leave a push without an answer. WeChat sends a push again only when it got no answer
    (within 5 s); any answer, an error status included, counts as handled, and the follower is
    shown "该公众号暂时无法提供服务". So a push the bot cannot store now gets none: the
    connection is closed, and the response below is never written."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=503)
