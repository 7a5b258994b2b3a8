"""What intake says back: short, one line where possible, and never more than the group
should see (no last names, no phone numbers — replies here never repeat what was sent)."""

from __future__ import annotations

from domain import geo
from handlers.context import Context
from handlers.intake.filing import Draft, reporter_person
from handlers.intake.pending_report import PendingReport
from handlers.stations.render import nearby_text
from handlers.texts import Texts
from messaging.inbound import Chat, Message, Person
from messaging.outbound import SendPhoto, SendText, Target
from storage.models import PendingReportRow

# Message kinds worth an answer in a group: someone may have meant them as a report. A
# sticker or a poll in a group is conversation and gets none.
REPORT_LIKE_MEDIA = frozenset({"video", "video_note", "animation", "voice", "audio"})


def chat_of(row: PendingReportRow) -> Chat:
    return Chat(row.chat_id, row.chat_kind)  # type: ignore[arg-type]


def texts_in(ctx: Context, chat: Chat, person: Person | None) -> Texts:
    """Private chats speak the person's language; groups the bot's."""
    return ctx.texts_for(person) if chat.is_private else ctx.texts


def _answer(ctx: Context, chat: Chat, message_id: str | None, text: str,
            **options: object) -> None:
    ctx.send(SendText(chat_id=chat.id, text=text,  # type: ignore[arg-type]
                      reply_to=Target(chat.id, message_id) if message_id else None,
                      **options))


def ask_for_location(ctx: Context, row: PendingReportRow, report: PendingReport, *,
                     ref: str | None = None) -> None:
    chat = chat_of(row)
    texts = texts_in(ctx, chat, reporter_person(report))
    minutes = ctx.services.rules.intake.pair_window_minutes
    if not ctx.capabilities_of(chat.id).receive_locations:
        # No location messages on this platform: the place is named in words.
        examples = "、".join(ctx.directory.places.examples()) or "—"
        text = texts("intake.ask_place_name", minutes=minutes, examples=examples)
        _answer(ctx, chat, report.shown_message_id, text, merge_line=text, ref=ref)
    elif chat.is_private:
        # The share-location button only exists in private chats.
        _answer(ctx, chat, report.shown_message_id,
                texts("intake.ask_location_private", minutes=minutes),
                request_location=texts("intake.share_location_button"), ref=ref)
    else:
        text = texts("intake.ask_location_group", minutes=minutes)
        _answer(ctx, chat, report.shown_message_id, text, merge_line=text, ref=ref)


async def ask_for_content(ctx: Context, row: PendingReportRow, report: PendingReport, *,
                          ref: str | None = None) -> None:
    """A location on its own: it arrived, and a photo or a few words would make it a report."""
    chat = chat_of(row)
    texts = texts_in(ctx, chat, reporter_person(report))
    minutes = ctx.services.rules.intake.pair_window_minutes
    if chat.is_private and report.place is not None:
        # Alone with the bot, a rider sharing where they are may well want a warm station.
        now = ctx.now.astimezone(ctx.directory.tz)
        stations = nearby_text(ctx.services.stations, report.place.lat, report.place.lon,
                               now, texts)
        if stations is not None:
            # Kept when a photo follows: it is an answer, not only a request.
            text = f"{texts('intake.ask_content_private', minutes=minutes)}\n\n{stations}"
            _answer(ctx, chat, report.shown_message_id, text)
            return
    key = "intake.ask_content_private" if chat.is_private else "intake.ask_content_group"
    text = texts(key, minutes=minutes)
    _answer(ctx, chat, report.shown_message_id, text, merge_line=text, ref=ref)


def tell_expired(ctx: Context, row: PendingReportRow, report: PendingReport) -> None:
    chat = chat_of(row)
    texts = texts_in(ctx, chat, reporter_person(report))
    key = ("intake.expired" if ctx.capabilities_of(chat.id).receive_locations
           else "intake.expired_place")
    text = texts(key, minutes=ctx.services.rules.intake.pair_window_minutes)
    _answer(ctx, chat, report.shown_message_id or row.first_message_id, text, merge_line=text)


def tell_too_long(ctx: Context, message: Message, limit: int) -> None:
    texts = texts_in(ctx, message.chat, message.sender)
    _answer(ctx, message.chat, message.message_id, texts("intake.too_long", limit=limit))


def tell_unsupported(ctx: Context, chat: Chat, person: Person, message_id: str,
                     what: str) -> None:
    """`what` names the kind of message: "video", "sticker", "document"…"""
    texts = texts_in(ctx, chat, person)
    kind_key = f"intake.kind.{what}"
    kind = texts(kind_key) if texts.has(kind_key) else texts("intake.kind.other")
    _answer(ctx, chat, message_id, texts("intake.unsupported", kind=kind))


def tell_unknown_place(ctx: Context, message: Message) -> None:
    """Where places are named in words: this text named none the bot knows."""
    if ctx.capabilities_of(message.chat.id).receive_locations:
        return
    texts = texts_in(ctx, message.chat, message.sender)
    examples = "、".join(ctx.directory.places.examples()) or "—"
    _answer(ctx, message.chat, message.message_id,
            texts("intake.unknown_place", examples=examples))


def tell_bad_coordinates(ctx: Context, message: Message) -> None:
    texts = texts_in(ctx, message.chat, message.sender)
    _answer(ctx, message.chat, message.message_id, texts("intake.bad_coordinates"))


def pass_to_admins(ctx: Context, draft: Draft) -> None:
    """A report from outside every area: the reporter hears so, the admins get all of it."""
    texts = texts_in(ctx, draft.chat, draft.reporter)
    _answer(ctx, draft.chat, draft.message_id, texts("intake.outside_area"))
    admin_chat = ctx.directory.admin_chat_id
    if admin_chat is None:
        return
    admin_texts = ctx.texts
    where = geo.format_coordinates(draft.location.lat, draft.location.lon)
    if draft.address:
        where = f"{draft.address} · {where}"
    reporter = draft.reporter
    name = reporter.full_name or str(reporter.id)
    if reporter.username:
        name = f"{name} @{reporter.username}"
    group = ctx.directory.groups.get(draft.chat.id)
    chat_name = group.name if group else admin_texts("intake.private_chat")
    text = admin_texts(
        "intake.admin_outside_area", name=name, user_id=reporter.id, chat=chat_name,
        where=where,
        map=geo.map_link(draft.location.lat, draft.location.lon, admin_texts.lang),
        description=draft.text or "—", photos=len(draft.photos))
    shown = next((p.shown for p in draft.photos if p.shown), None)
    if shown:
        ctx.send(SendPhoto(chat_id=admin_chat, photo=shown, caption=text[:1024],
                           fallback_text=text))
    else:
        ctx.send(SendText(chat_id=admin_chat, text=text))
