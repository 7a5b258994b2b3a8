"""A complete report becomes a ticket — or joins the open ticket it duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain import geo
from domain.categorize import Categorizer, CategoryKeywords
from domain.ticket import Actor, GeoPoint, Ticket, label
from handlers.context import Context
from handlers.inbound import Chat, ForwardInfo, Person, Position, Venue
from handlers.outbound import SendText, Target
from handlers.tickets.publish import post_new_ticket


@dataclass(frozen=True)
class ReportPhoto:
    file_id: str
    file_unique_id: str


@dataclass
class Draft:
    """Everything one report carried, gathered from one or several messages."""

    reporter: Person
    chat: Chat
    message_id: int
    location: Position
    text: str = ""
    venue: Venue | None = None
    photos: list[ReportPhoto] = field(default_factory=list)
    forward: ForwardInfo | None = None


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    duplicate: bool


_categorizers: dict[int, Categorizer] = {}


def categorize(ctx: Context, text: str) -> str:
    """The configured category the text names most, else "other"."""
    key = id(ctx.directory)
    if key not in _categorizers:
        _categorizers[key] = Categorizer(
            [CategoryKeywords(c.id, tuple(c.keywords))
             for c in ctx.directory.categories.values()])
    return _categorizers[key].categorize(text) or "other"


async def file_report(ctx: Context, draft: Draft) -> Filed:
    category = categorize(ctx, draft.text)
    original = await _open_duplicate(ctx, category, draft.location)
    if original is not None:
        await _join(ctx, original, draft)
        return Filed(original, duplicate=True)
    return Filed(await _open(ctx, draft, category), duplicate=False)


async def _open(ctx: Context, draft: Draft, category: str) -> Ticket:
    reporter = Actor(draft.reporter.id, draft.reporter.full_name or draft.reporter.first_name)
    address = ""
    if draft.venue is not None:
        address = draft.venue.title if not draft.venue.address else (
            f"{draft.venue.title}（{draft.venue.address}）" if draft.venue.title
            else draft.venue.address)
    ticket = Ticket.report(
        number=await ctx.uow.tickets.next_number(),
        reporter=reporter,
        chat_id=draft.chat.id,
        message_id=draft.message_id,
        location=GeoPoint(draft.location.lat, draft.location.lon, draft.location.accuracy_m),
        description=draft.text,
        category_id=category,
        now=ctx.now,
        has_photo=bool(draft.photos),
        address=address,
        forwarded_from=draft.forward.name if draft.forward else "",
    )
    department = ctx.services.areas.route(category, draft.location.lat, draft.location.lon)
    if department is not None:
        ticket.assign(department, ctx.now)
    ack_due = ctx.now + ctx.directory.ack_window(category)
    resolve_due = ctx.now + ctx.directory.resolve_window(category)
    await ctx.uow.tickets.add(ticket, ack_due_at=ack_due, resolve_due_at=resolve_due)
    await ctx.uow.tickets.add_follower(ticket, draft.reporter.id, reporter.name, draft.chat.id,
                                       draft.message_id, ctx.now)
    for photo in draft.photos:
        await ctx.uow.tickets.add_photo(ticket, file_id=photo.file_id,
                                        file_unique_id=photo.file_unique_id, kind="before",
                                        now=ctx.now, added_by=draft.reporter.id)
    await post_new_ticket(ctx, ticket, photo_file_id=draft.photos[0].file_id if draft.photos
                          else None, photos=len(draft.photos))
    ctx.wake_at(ack_due)
    return ticket


async def _open_duplicate(ctx: Context, category: str, where: Position) -> Ticket | None:
    radius = ctx.services.settings.intake.duplicate_radius_m
    if radius <= 0:
        return None
    rows = await ctx.uow.tickets.find_open_nearby(category, where.lat, where.lon, radius)
    nearest = None
    best = radius
    for row in rows:
        if row.lat is None or row.lon is None:
            continue
        distance = geo.haversine_m(where.lat, where.lon, row.lat, row.lon)
        if distance <= best:
            nearest, best = row.number, distance
    if nearest is None:
        return None
    return await ctx.uow.tickets.get(nearest, for_update=True)


async def _join(ctx: Context, ticket: Ticket, draft: Draft) -> None:
    reporter = draft.reporter
    ticket.add_reporter(Actor(reporter.id, reporter.full_name or reporter.first_name), ctx.now,
                        draft.chat.id, draft.message_id, photos=len(draft.photos))
    await ctx.uow.tickets.save(ticket)
    await ctx.uow.tickets.add_follower(ticket, reporter.id,
                                       reporter.full_name or reporter.first_name,
                                       draft.chat.id, draft.message_id, ctx.now)
    for photo in draft.photos:
        await ctx.uow.tickets.add_photo(ticket, file_id=photo.file_id,
                                        file_unique_id=photo.file_unique_id, kind="before",
                                        now=ctx.now, added_by=reporter.id)
    texts = ctx.texts
    line = texts("intake.duplicate_joined", ticket=label(ticket.number),
                 count=ticket.reporter_count)
    ctx.send(SendText(chat_id=draft.chat.id, text=line,
                      reply_to=Target(draft.chat.id, draft.message_id), ticket=ticket.number,
                      merge_line=line))
