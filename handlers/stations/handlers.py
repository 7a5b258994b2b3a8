"""/stations and 「附近驿站」: the nearest warm stations to where the rider is.

Where the rider is: the location they just sent in this chat (within `RECENT`), else the bot
asks for one and answers the next location they send here. Platform-neutral: a menu item on
another platform reaches the same answer through `show_stations`.

A request for a location is kept as a row of `pending_reports` in status "stations" (a
location wished for, not a report); the location that answers it is taken here and is not a
piece of a report. Any other location goes on to intake as usual.
"""

from __future__ import annotations

from datetime import timedelta

from domain.geo import CoordinatesOutOfRange, validate_coordinates
from handlers import registry
from handlers.context import Context
from handlers.intake.pending_report import PendingReport, PlacePart, Reporter
from handlers.stations.render import nearby_text
from handlers.texts import LANGUAGES, Texts
from messaging.inbound import Message
from messaging.outbound import SendText, Target
from storage.models import PendingReportRow

# A location sent this recently is "where I am" for /stations.
RECENT = timedelta(minutes=30)
# How long a request for a location waits for its answer.
WAITING = timedelta(minutes=10)
WAITING_STATUS = "stations"
ANSWERED_STATUS = "stations_done"


@registry.command("stations", help_key="help.stations")
async def on_stations(message: Message, ctx: Context) -> None:
    await show_stations(message, ctx)


@registry.messages
async def on_message(message: Message, ctx: Context) -> bool:
    """「附近驿站」 as words, and the location a request for stations asked for."""
    if message.from_bot or message.edited or not _served_here(message, ctx):
        return False
    if message.location is not None:
        return await _answer_waiting(message, ctx)
    if message.text and not (message.photo or message.document) and _asks(message.text):
        await show_stations(message, ctx)
        return True
    return False


async def show_stations(message: Message, ctx: Context) -> None:
    texts = _texts(message, ctx)
    if not len(ctx.services.stations):
        ctx.reply(message, texts("stations.none_configured"))
        return
    place = await recent_place(ctx, message.chat.id, message.sender.id)
    if place is not None:
        _answer(ctx, message, place.lat, place.lon, texts)
        return
    _ask_for_location(ctx, message, texts)
    ctx.uow.pending.add(PendingReportRow(
        chat_id=message.chat.id, chat_kind=message.chat.kind, user_id=message.sender.id,
        user_name=(message.sender.full_name or str(message.sender.id))[:128],
        started_at=ctx.now, expires_at=ctx.now + WAITING, status=WAITING_STATUS,
        media_group_id=None, first_message_id=message.message_id,
        data=PendingReport(_reporter(message)).to_json(), asked=True, fetch_attempts=0))


def nearby_for(ctx: Context, lat: float, lon: float, texts: Texts) -> str | None:
    """The nearest stations to a point, as text (None when none are configured)."""
    now = ctx.now.astimezone(ctx.directory.tz)
    return nearby_text(ctx.services.stations, lat, lon, now, texts)


async def recent_place(ctx: Context, chat_id: str, user_id: str) -> PlacePart | None:
    """The location this person sent in this chat most recently, if it is recent."""
    for row in await ctx.uow.pending.recent_for(chat_id, user_id):
        if row.started_at < ctx.now - RECENT:
            break
        report = PendingReport.from_json(row.data)
        if report.place is None:
            continue
        if report.missing == "content":
            # The location was sent to find a station: no need to ask what it shows.
            row.asked = True
        return report.place
    return None


async def _answer_waiting(message: Message, ctx: Context) -> bool:
    assert message.location is not None
    row = await ctx.uow.pending.waiting_for_location(
        message.chat.id, message.sender.id, message.date, WAITING_STATUS)
    if row is None:
        return False
    try:
        lat, lon = validate_coordinates(message.location.lat, message.location.lon)
    except CoordinatesOutOfRange:
        return False  # intake says what is wrong with it
    if not await ctx.uow.pending.settle_wish(row.id, WAITING_STATUS, ANSWERED_STATUS):
        return False
    report = PendingReport(_reporter(message), place=PlacePart(lat, lon, message.message_id))
    row.data = report.to_json()
    _answer(ctx, message, lat, lon, _texts(message, ctx))
    return True


def _answer(ctx: Context, message: Message, lat: float, lon: float, texts: Texts) -> None:
    text = nearby_for(ctx, lat, lon, texts) or texts("stations.none_configured")
    ctx.send(SendText(chat_id=message.chat.id, text=text,
                      reply_to=Target(message.chat.id, message.message_id)))


def _ask_for_location(ctx: Context, message: Message, texts: Texts) -> None:
    if message.chat.is_private:
        ctx.send(SendText(chat_id=message.chat.id, text=texts("stations.ask_location_private"),
                          reply_to=Target(message.chat.id, message.message_id),
                          request_location=texts("stations.share_location_button")))
    else:
        ctx.reply(message, texts("stations.ask_location_group"))


def _asks(text: str) -> bool:
    said = text.strip().strip("?？!！。.").lower()
    return any(said in Texts(lang)("stations.words").lower().split("|") for lang in LANGUAGES)


def _served_here(message: Message, ctx: Context) -> bool:
    chat = message.chat
    return chat.is_private or ctx.directory.is_liaison_group(chat.id)


def _texts(message: Message, ctx: Context) -> Texts:
    return ctx.texts_for(message.sender) if message.chat.is_private else ctx.texts


def _reporter(message: Message) -> Reporter:
    sender = message.sender
    return Reporter(sender.id, sender.first_name, sender.last_name, sender.username,
                    sender.language)
