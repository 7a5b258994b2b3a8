"""The live event feed as Server-Sent Events: `GET /_client/events`.

Each event is sent as

    id: <seq>
    event: <type>
    data: {"seq": 12, "type": "<type>", "chat_id": -1001, ...}

with these types and extra keys:

    message          {"message": view}      a person or the bot posted (views.py has the shape)
    edited           {"message": view}      a message's text, caption, keyboard or location changed
    deleted          {"message": view}      the bot deleted a message (view has "deleted": true)
    callback_query   {"callback_query_id", "message_id", "user_id", "data"}   a button was pressed
    callback_answer  {"callback_query_id", "text", "show_alert", "url", "cache_time",
                      "user_id", "message_id"}                                the bot answered it
    chat             {"chat": Chat}         a chat was created

Query parameters: `since=<seq>` (or the `Last-Event-ID` header) replays the kept backlog after
that event first; `chat_id=<id>` limits the stream to one chat. A comment line is sent every
15 s so proxies keep the connection open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from aiohttp import web

from .feed import ChangeEvent, ChangeFeed

HEARTBEAT_SECONDS = 15.0


def _frame(event: ChangeEvent) -> bytes:
    data = json.dumps(event.to_json(), ensure_ascii=False)
    return f"id: {event.seq}\nevent: {event.type}\ndata: {data}\n\n".encode()


async def stream_events(request: web.Request, feed: ChangeFeed) -> web.StreamResponse:
    since_text = request.query.get("since") or request.headers.get("Last-Event-ID")
    chat_text = request.query.get("chat_id")
    chat_id = int(chat_text) if chat_text else None
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    queue = feed.subscribe()
    try:
        await response.write(b": connected\n\n")
        if since_text:
            for event in feed.since(int(since_text), chat_id):
                await response.write(_frame(event))
            last = int(since_text)
        else:
            last = feed.seq
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event.seq <= last or (chat_id is not None and event.chat_id != chat_id):
                continue
            await response.write(_frame(event))
    except ConnectionResetError:
        pass
    finally:
        feed.unsubscribe(queue)
        with contextlib.suppress(Exception):
            await response.write_eof()
    return response
