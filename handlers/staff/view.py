"""`/ticket N`: the card and the ticket's timeline. Anyone may look; liaison groups get the
public view (first names, phone numbers masked)."""

from __future__ import annotations

from domain.privacy import mask_phone_numbers
from domain.ticket import Ticket, TicketEvent, label
from handlers.context import Context
from handlers.texts import Texts
from handlers.tickets import access
from handlers.tickets.card import card_buttons, card_text, public_first_name
from handlers.tickets.formatting import local_time
from handlers.tickets.publish import before_photo_count
from messaging.inbound import ButtonPress, Chat, Message
from messaging.outbound import SendText, Target

MAX_EVENTS = 30
TEXT_LIMIT = 4000


def is_public(ctx: Context, chat: Chat) -> bool:
    return ctx.directory.is_liaison_group(chat.id)


async def show(ctx: Context, message: Message | ButtonPress, number: int, *,
               reply_to: Target | None = None) -> None:
    """Send the ticket's card and timeline to the chat `message` came from."""
    ticket = await access.load(ctx, number)
    public = is_public(ctx, message.chat)
    texts = ctx.texts if not message.chat.is_private else ctx.texts_for(message.sender)
    photos = await before_photo_count(ctx, ticket)
    text = "\n".join([card_text(ticket, ctx, texts, public=public, photos=photos), "",
                      texts("timeline.title"), *timeline(ctx, ticket, texts, public=public)])
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT - 1] + "…"
    if reply_to is None and isinstance(message, Message):
        reply_to = Target(message.chat.id, message.message_id)
    ctx.send(SendText(chat_id=message.chat.id, text=text,
                      buttons=card_buttons(ticket, ctx, texts), reply_to=reply_to,
                      ticket=ticket.number))


def timeline(ctx: Context, ticket: Ticket, texts: Texts, *, public: bool) -> list[str]:
    events = ticket.events
    lines = []
    if len(events) > MAX_EVENTS:
        lines.append(texts("timeline.earlier", count=len(events) - MAX_EVENTS))
        events = events[-MAX_EVENTS:]
    for event in events:
        what = describe_event(ctx, ticket, event, texts)
        if what is None:
            continue
        who = "" if event.actor.is_system else (
            public_first_name(event.actor.name) if public else event.actor.name)
        line = f"{local_time(event.at, ctx.directory.tz, ctx.now)} {what}"
        if who:
            line = f"{line} · {who}"
        if event.note:
            line = f"{line}：{mask_phone_numbers(event.note) if public else event.note}"
        lines.append(line)
    return lines


def describe_event(ctx: Context, ticket: Ticket, event: TicketEvent,
                   texts: Texts) -> str | None:
    """What an event of the log did, in words; None for events no one needs to read."""
    data = event.data
    lang = texts.lang
    match event.kind:
        case "created":
            return texts("timeline.created")
        case "take":
            return texts("timeline.take")
        case "assign":
            return texts("timeline.assign", department=ctx.directory.department_name(
                data.get("department_id"), lang))
        case "transfer":
            return texts("timeline.transfer", department=ctx.directory.department_name(
                data.get("department_id"), lang))
        case "mark_duplicate":
            return texts("timeline.mark_duplicate", ticket=label(int(data["duplicate_of"])))
        case "close":
            return texts(f"card.closed_{data.get('reason', 'staff')}")
        case "escalated" | "reminded":
            return texts(f"timeline.{event.kind}_{data.get('audience', '')}")
        case "rated":
            return texts("timeline.rated", rating=texts(f"rating.{data.get('rating')}"))
        case "note":
            return texts("timeline.note")
        case "photo_added":
            return texts(f"timeline.photo_{data.get('kind', 'before')}")
        case "reporter_added":
            return texts("timeline.reporter_added")
        case "category_changed":
            return texts("timeline.category_changed", category=ctx.directory.category_name(
                str(data.get("category_id")), lang))
        case "description_edited":
            return texts("timeline.description_edited")
    if event.to_status is not None:
        return texts(f"status.{event.to_status.value}")
    return None
