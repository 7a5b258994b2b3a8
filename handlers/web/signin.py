"""`/web` (or 「网页」): a one-time sign-in link to the web console, in a private message.

The link is valid for ten minutes and for one use; a person gets a few an hour at most. It is
sent only to the person's private chat, never to a group. `/web 42` leads to ticket #0042's
page once signed in.
"""

from __future__ import annotations

import re
from datetime import timedelta

from handlers import registry
from handlers.context import Context
from handlers.web.links import public_url, sign_in_url, ticket_path
from handlers.web.tokens import digest, new_token
from messaging.inbound import Message
from messaging.outbound import SendText

LINK_LIFETIME = timedelta(minutes=10)
LINKS_PER_HOUR = 5
WORD = "网页"
_WORD_FORM = re.compile(rf"^{WORD}(?:\s*#?([0-9]{{1,9}}))?$")


@registry.command("web", help_key="help.web", staff_only=True)
async def on_web(message: Message, ctx: Context) -> None:
    args = message.command.args.strip().lstrip("#") if message.command else ""
    plain = args.isascii() and args.isdigit() and len(args) <= 9
    await send_link(message, ctx, int(args) if plain else None)


@registry.messages
async def on_word(message: Message, ctx: Context) -> bool:
    """「网页」 typed as a plain message means the same as /web; anything else passes on."""
    if message.from_bot or message.edited or message.command is not None:
        return False
    found = _WORD_FORM.match((message.text or "").strip())
    if found is None or message.photo is not None or message.location is not None:
        return False
    await send_link(message, ctx, int(found.group(1)) if found.group(1) else None)
    return True


async def send_link(message: Message, ctx: Context, number: int | None) -> None:
    texts = ctx.texts_for(message.sender)
    reply_texts = texts if message.chat.is_private else ctx.texts
    person = message.sender
    web = ctx.services.rules.web
    if not web.enabled:
        ctx.reply(message, reply_texts("web.off"))
        return
    if not ctx.directory.is_staff_anywhere(person.id):
        public = public_url(ctx)
        text = reply_texts("web.not_staff")
        ctx.reply(message, f"{text}\n{reply_texts('web.public_map', url=public)}"
                  if public else text)
        return
    if not message.chat.is_private and not await _has_private_chat(ctx, person.id):
        ctx.reply(message, reply_texts("web.open_private_first"))
        return
    since = ctx.now - timedelta(hours=1)
    if await ctx.uow.web.links_since(person.id, since) >= LINKS_PER_HOUR:
        ctx.reply(message, reply_texts("web.too_many", minutes=60))
        return
    token = new_token()
    await ctx.uow.web.add_link(
        digest(token), person.id, name=person.full_name or person.first_name,
        language=person.language, next_path=ticket_path(number) if number else "",
        now=ctx.now, expires_at=ctx.now + LINK_LIFETIME)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    # The private chat with a person: on every platform today, the person's own id.
    ctx.send(SendText(chat_id=person.id, text=texts(
        "web.link", url=sign_in_url(ctx, token), minutes=minutes)))
    if not message.chat.is_private:
        ctx.reply(message, reply_texts("web.link_sent"))


async def _has_private_chat(ctx: Context, user_id: str) -> bool:
    user = await ctx.uow.users.get(user_id)
    return user is not None and user.private_chat
