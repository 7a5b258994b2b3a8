"""Putting a report together from the messages one person sends.

Which report a message belongs to, in this order:
1. the report holding the message it replies to (the person's own earlier photo, text or
   location), whatever came in between;
2. the album it is part of (Telegram sends an album as one message per photo);
3. the person's newest report in this chat still open when the message was sent.
Otherwise it starts a report of its own.
"""

from __future__ import annotations

from datetime import timedelta

from domain import geo
from domain.geo import CoordinatesOutOfRange
from handlers.context import Context
from handlers.intake.categories import matched_category
from handlers.intake.pending_report import (
    FilePart,
    ForwardPart,
    PendingReport,
    PhotoPart,
    PlacePart,
    Reporter,
    TextPart,
)
from handlers.intake.progress import add_late_photo, advance, keep, report_of
from handlers.intake.replies import tell_bad_coordinates, tell_too_long, tell_unknown_place
from messaging.inbound import Message
from storage.models import PendingReportRow
from storage.repositories.pending import TAKING_PIECES

# Telegram's own limits: a longer text or caption cannot have come from its apps.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


async def take(message: Message, ctx: Context) -> bool:
    """A photo, a file, a text or a location: add it to its report, then move that on.
    False for a text that is conversation, not part of any report."""
    if await _is_conversation(message, ctx):
        return False
    if message.location is not None and not _valid_place(message, ctx):
        return True
    check_length(message, ctx)
    if message.media_group_id and await _to_album(message, ctx):
        return True
    replied = await _replied_report(message, ctx)
    reuse_replied = replied is None or replied.status not in ("filed", "outside")
    if replied is not None and replied.status not in TAKING_PIECES:
        if message.photo is not None and replied.status == "filed":
            # Another photo answering a filed report belongs to its ticket.
            await add_late_photo(ctx, replied, _photo(message))
            return True
        replied = None
    row = replied or await _newest_open(message, ctx)
    if row is None:
        # Answering one's own expired photo with the location still files it; answering a
        # filed one must not file it twice.
        row, report = _start(message, ctx, seed=reuse_replied)
    else:
        report = report_of(row)
    _add_pieces(report, message, ctx)
    if row.asked and report.place is None and message.text and not message.location:
        # Asked for the place in words, and this text names none we know.
        tell_unknown_place(ctx, message)
    if not message.media_group_id:
        # Telegram sends an album before anything sent after it; and a new piece ends a
        # grace period (if the report is still incomplete, `advance` starts it again).
        row.settle_at = None
    keep(row, report)
    if message.media_group_id:
        _await_album(row, message, ctx)
    await advance(ctx, row, report)
    return True


# -- finding the report -------------------------------------------------------------------


async def _replied_report(message: Message, ctx: Context) -> PendingReportRow | None:
    """The report, in any state, holding the person's own message this one replies to."""
    replied = _own_reply(message)
    if replied is None:
        return None
    for row in await ctx.uow.pending.recent_for(message.chat.id, message.sender.id):
        if replied.message_id in report_of(row).message_ids:
            return row
    return None


async def _newest_open(message: Message, ctx: Context) -> PendingReportRow | None:
    rows = await ctx.uow.pending.open_for(message.chat.id, message.sender.id, message.date)
    if not rows:
        return None
    newest = rows[0]
    if (message.photo or message.document) and report_of(newest).is_chatter:
        # "thanks" a minute ago does not describe this photo.
        newest.status = "superseded"
        return None
    return newest


async def _to_album(message: Message, ctx: Context) -> bool:
    """Add an album's further photo to its report; False for the album's first photo."""
    assert message.media_group_id is not None
    row = await ctx.uow.pending.by_album(message.chat.id, message.media_group_id)
    if row is None:
        return False
    if row.status not in TAKING_PIECES:
        if message.photo is not None:
            await add_late_photo(ctx, row, _photo(message))
        return True
    report = report_of(row)
    _add_pieces(report, message, ctx)
    keep(row, report)
    _await_album(row, message, ctx)
    await advance(ctx, row, report)
    return True


def _await_album(row: PendingReportRow, message: Message, ctx: Context) -> None:
    row.media_group_id = message.media_group_id
    if row.status not in TAKING_PIECES:
        return
    window = timedelta(seconds=ctx.services.rules.intake.album_window_seconds)
    row.settle_at = ctx.now + window
    ctx.wake_at(row.settle_at)


def _own_reply(message: Message) -> Message | None:
    replied = message.reply_to
    if replied is None or replied.from_bot or replied.sender.id != message.sender.id:
        return None
    return replied


async def _is_conversation(message: Message, ctx: Context) -> bool:
    """A text answering someone else, or answering the bot about a ticket, is talk, not a
    report (answering the bot's request for a location still describes the report)."""
    if message.photo or message.document or message.location:
        return False
    replied = message.reply_to
    if replied is None or replied.sender.id == message.sender.id:
        return False
    if not replied.from_bot:
        return True
    return await ctx.uow.refs.ticket_of_message(message.chat.id,
                                                replied.message_id) is not None


def _start(message: Message, ctx: Context, *,
           seed: bool) -> tuple[PendingReportRow, PendingReport]:
    sender = message.sender
    window = timedelta(minutes=ctx.services.rules.intake.pair_window_minutes)
    row = ctx.uow.pending.add(PendingReportRow(
        chat_id=message.chat.id, chat_kind=message.chat.kind, user_id=sender.id,
        user_name=(sender.full_name or str(sender.id))[:128], started_at=message.date,
        expires_at=message.date + window, status="open", media_group_id=None,
        first_message_id=message.message_id, data={}, asked=False, fetch_attempts=0))
    report = PendingReport(Reporter(sender.id, sender.first_name, sender.last_name,
                                    sender.username, sender.language))
    replied = _own_reply(message)
    if seed and replied is not None and _complements(replied, message):
        # A location answering one's own photo (or the other way round) that no open
        # report holds any more: the replied message still carries everything.
        row.first_message_id = replied.message_id
        _add_pieces(report, replied, ctx)
    return row, report


def _complements(replied: Message, message: Message) -> bool:
    has_place = replied.location is not None
    return has_place != (message.location is not None)


# -- adding pieces ------------------------------------------------------------------------


def _add_pieces(report: PendingReport, message: Message, ctx: Context) -> None:
    if message.photo is not None:
        report.add_photo(_photo(message))
    if message.document is not None:
        document = message.document
        report.add_file(FilePart(document.file_id, document.file_unique_id,
                                 message.message_id, document.mime_type, document.file_name))
    if message.location is not None:
        where = message.location
        venue = message.venue
        report.place = PlacePart(where.lat, where.lon, message.message_id, where.accuracy_m,
                                 venue.title if venue else "", venue.address if venue else "")
    if message.text and not _names_the_place(report, message, ctx):
        describes = matched_category(ctx.directory, message.text) is not None
        report.add_text(TextPart(message.message_id, message.text, describes))
    if message.forward is not None and report.forward is None:
        forward = message.forward
        report.forward = ForwardPart(forward.kind, forward.name, forward.user_id)


def _names_the_place(report: PendingReport, message: Message, ctx: Context) -> bool:
    """Where the platform cannot send a location, a text naming a known place (or area) is
    the report's place. True when the text is only that name (it describes nothing)."""
    if report.place is not None or ctx.capabilities_of(message.chat.id).receive_locations:
        return False
    gazetteer = ctx.directory.places
    place = gazetteer.match(message.text)
    if place is None:
        return False
    report.place = PlacePart(place.lat, place.lon, message.message_id, address=place.name,
                             typed=True)
    return gazetteer.is_only_a_name(message.text, place)


def _photo(message: Message) -> PhotoPart:
    assert message.photo is not None
    return PhotoPart(message.photo.file_id, message.photo.file_unique_id, message.message_id)


def _valid_place(message: Message, ctx: Context) -> bool:
    assert message.location is not None
    try:
        geo.validate_coordinates(message.location.lat, message.location.lon)
    except CoordinatesOutOfRange:
        tell_bad_coordinates(ctx, message)
        return False
    return True


def check_length(message: Message, ctx: Context) -> None:
    """Over Telegram's limit: say so. The text is kept in full all the same."""
    limit = CAPTION_LIMIT if message.photo or message.document else TEXT_LIMIT
    if len(message.text) > limit:
        tell_too_long(ctx, message, limit)
