"""Bot API methods for receiving updates: long polling and webhooks."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .errors import OTHER_GETUPDATES, WEBHOOK_ACTIVE, bad_request, conflict
from .params import Params
from .registry import Context, Described, api_method

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@api_method("getUpdates")
async def get_updates(ctx: Context, params: Params) -> Any:
    world = ctx.world
    if ctx.webhook.active:
        raise conflict(WEBHOOK_ACTIVE)
    limit = params.integer("limit", 100) or 100
    timeout = max(0, params.integer("timeout", 0) or 0)
    allowed = params.obj("allowed_updates", "can't parse allowed updates JSON object")
    if isinstance(allowed, list):
        world.updates.set_allowed(allowed)
    world.updates.confirm(params.integer("offset"))
    world.feed.notify()
    # A newer getUpdates call ends an older waiting one, as on Telegram.
    ctx.poll_generation += 1
    generation = ctx.poll_generation
    world.updates.interrupt()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while world.updates.pending_count == 0:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await world.updates.wait(remaining)
        if generation != ctx.poll_generation:
            raise conflict(OTHER_GETUPDATES)
        if ctx.webhook.active:
            raise conflict(WEBHOOK_ACTIVE)
        if ctx.closing:
            break
    return world.updates.peek(limit)


@api_method("setWebhook")
async def set_webhook(ctx: Context, params: Params) -> Any:
    url = params.text("url") or ""
    if not url:
        return await _delete(ctx, params)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    allowed = params.obj("allowed_updates", "can't parse allowed updates JSON object")
    if isinstance(allowed, list):
        ctx.world.updates.set_allowed(allowed)
    if params.flag("drop_pending_updates"):
        ctx.world.updates.drop_all()
    await ctx.webhook.set(url, secret, params.integer("max_connections"))
    ctx.world.updates.interrupt()
    ctx.world.feed.notify()
    return Described(True, "Webhook was set")


@api_method("deleteWebhook")
async def delete_webhook(ctx: Context, params: Params) -> Any:
    return await _delete(ctx, params)


async def _delete(ctx: Context, params: Params) -> Described:
    was_active = ctx.webhook.active
    if params.flag("drop_pending_updates"):
        ctx.world.updates.drop_all()
    await ctx.webhook.clear()
    ctx.world.feed.notify()
    return Described(True, "Webhook was deleted" if was_active else "Webhook is already deleted")


@api_method("getWebhookInfo")
async def get_webhook_info(ctx: Context, params: Params) -> Any:
    return ctx.webhook.info()
