"""Report intake: messages from riders become reports, and complete reports become tickets.

A report usually arrives in pieces (Telegram cannot attach a location to a photo); the pieces
wait in `pending_reports` until the report is complete or its window closes.
"""

from __future__ import annotations

from datetime import timedelta

from handlers import registry
from handlers.context import Context
from handlers.inbound import Message
from handlers.intake.filing import Draft, ReportPhoto, file_report
from handlers.outbound import SendText, Target
from storage.models import PendingReportRow


@registry.messages
async def on_message(message: Message, ctx: Context) -> None:
    chat = message.chat
    if message.edited or not (chat.is_private or ctx.directory.is_liaison_group(chat.id)):
        return
    if message.location is not None:
        await _on_location(message, ctx)
    elif message.photo is not None or message.text:
        await _on_piece(message, ctx)


async def _on_location(message: Message, ctx: Context) -> None:
    assert message.location is not None
    pendings = await ctx.uow.pending.open_for(message.chat.id, message.sender.id, ctx.now)
    pending = pendings[0] if pendings else None
    draft = Draft(reporter=message.sender, chat=message.chat, message_id=message.message_id,
                  location=message.location, text=message.text, venue=message.venue)
    if pending is not None:
        data = pending.data
        draft.message_id = pending.first_message_id or message.message_id
        draft.text = data.get("text", "") or draft.text
        draft.photos = [ReportPhoto(p["file_id"], p["file_unique_id"])
                        for p in data.get("photos", [])]
        pending.status = "filed"
    elif message.venue is None:
        _open_pending(message, ctx, location=True)
        return
    filed = await file_report(ctx, draft)
    if pending is not None:
        pending.ticket_number = filed.ticket.number


async def _on_piece(message: Message, ctx: Context) -> None:
    pendings = await ctx.uow.pending.open_for(message.chat.id, message.sender.id, ctx.now)
    if pendings:
        pending = pendings[0]
        _add_piece(pending, message)
        location = pending.data.get("location")
        if location:
            draft = Draft(reporter=message.sender, chat=message.chat,
                          message_id=pending.first_message_id or message.message_id,
                          location=_position(location), text=pending.data.get("text", ""),
                          photos=[ReportPhoto(p["file_id"], p["file_unique_id"])
                                  for p in pending.data.get("photos", [])])
            pending.status = "filed"
            filed = await file_report(ctx, draft)
            pending.ticket_number = filed.ticket.number
        return
    pending = _open_pending(message, ctx, location=False)
    pending.asked = True
    ctx.send(SendText(chat_id=message.chat.id,
                      text=ctx.texts("intake.ask_location"),
                      reply_to=Target(message.chat.id, message.message_id),
                      merge_line=ctx.texts("intake.ask_location")))


def _open_pending(message: Message, ctx: Context, *, location: bool) -> PendingReportRow:
    window = timedelta(minutes=ctx.services.settings.intake.pair_window_minutes)
    pending = PendingReportRow(
        chat_id=message.chat.id, chat_kind=message.chat.kind, user_id=message.sender.id,
        user_name=message.sender.full_name, started_at=ctx.now, expires_at=ctx.now + window,
        status="open", media_group_id=message.media_group_id,
        first_message_id=message.message_id, data={}, asked=False, version=1)
    if location and message.location is not None:
        pending.data = {"location": {"lat": message.location.lat, "lon": message.location.lon,
                                     "accuracy_m": message.location.accuracy_m}}
    else:
        _add_piece(pending, message)
    ctx.uow.pending.add(pending)
    return pending


def _add_piece(pending: PendingReportRow, message: Message) -> None:
    data = dict(pending.data or {})
    if message.photo is not None:
        photos = list(data.get("photos", []))
        photos.append({"file_id": message.photo.file_id,
                       "file_unique_id": message.photo.file_unique_id})
        data["photos"] = photos
    if message.text:
        data["text"] = "\n".join(t for t in (data.get("text", ""), message.text) if t)
    pending.data = data


def _position(data: dict[str, float]) -> object:
    from handlers.inbound import Position

    return Position(data["lat"], data["lon"], data.get("accuracy_m"))
