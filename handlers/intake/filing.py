"""A complete report becomes a ticket — or joins the open ticket it duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import geo
from domain.identity import short
from domain.ticket import Actor, GeoPoint, Ticket, label
from handlers.context import Context
from handlers.intake.categories import categorize
from handlers.intake.pending_report import PendingReport, PhotoPart
from handlers.media import media_ref
from handlers.workflow import sla
from handlers.workflow.schedule import windows_for
from messaging.inbound import Chat, ForwardInfo, Person, Position
from messaging.outbound import SendText, Target


@dataclass(frozen=True)
class ReportPhoto:
    file_id: str
    file_unique_id: str
    # Set for a photo sent as a file: the platform cannot show a file as a photo, so the
    # department sees our stored copy.
    sha256: str | None = None
    from_document: bool = False

    @property
    def shown(self) -> str | None:
        """What to send as the announcement's photo, or None when it cannot be shown."""
        if not self.from_document:
            return self.file_id
        return media_ref(self.sha256) if self.sha256 else None


@dataclass
class Draft:
    """Everything one report carried, gathered from one or several messages."""

    reporter: Person
    chat: Chat
    message_id: str | None
    location: Position
    text: str = ""
    address: str = ""
    photos: list[ReportPhoto] = field(default_factory=list)
    forward: ForwardInfo | None = None
    # A report held for the admins keeps its own time when it is filed later.
    reported_at: datetime | None = None

    @classmethod
    def from_report(cls, report: PendingReport, chat: Chat) -> Draft:
        assert report.place is not None, "only a located report is filed"
        place = report.place
        forward = report.forward
        return cls(
            reporter=reporter_person(report),
            chat=chat,
            message_id=report.shown_message_id,
            location=Position(place.lat, place.lon, place.accuracy_m),
            text=report.description(),
            address=place.address_line,
            photos=[_photo(p) for p in report.photos],
            forward=ForwardInfo(forward.kind, forward.name, forward.user_id)  # type: ignore[arg-type]
            if forward else None,
        )


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    # Joined an open ticket of the same problem instead of opening one.
    duplicate: bool = False


def reporter_person(report: PendingReport) -> Person:
    r = report.reporter
    return Person(r.id, r.first_name, r.last_name, r.username, r.language)


def actor_of(person: Person) -> Actor:
    return Actor(person.id, person.full_name or person.first_name or short(person.id))


async def file_report(ctx: Context, draft: Draft, category: str | None = None) -> Filed:
    """`category` when the reporter chose it (an Open311 service code), else from the text."""
    category = category or categorize(ctx.directory, draft.text)
    original = await open_duplicate(ctx, category, draft.location.lat, draft.location.lon)
    if original is not None:
        await _join(ctx, original, draft)
        return Filed(original, duplicate=True)
    ticket = await _open(ctx, draft, category)
    await ctx.consequences.settle()
    return Filed(ticket)


async def _open(ctx: Context, draft: Draft, category: str) -> Ticket:
    reporter = actor_of(draft.reporter)
    ticket = Ticket.report(
        number=await ctx.uow.tickets.next_number(),
        reporter=reporter,
        chat_id=draft.chat.id,
        message_id=draft.message_id,
        location=GeoPoint(draft.location.lat, draft.location.lon, draft.location.accuracy_m),
        description=draft.text,
        category_id=category,
        now=draft.reported_at or ctx.now,
        has_photo=bool(draft.photos),
        address=draft.address,
        forwarded_from=draft.forward.name if draft.forward else "",
    )
    department = ctx.services.areas.route(category, draft.location.lat, draft.location.lon)
    if department is not None:
        ticket.assign(department, ctx.now)
    # The schedule the new ticket's consequences would store (`workflow.schedule.plan`),
    # written with the insert: plan then finds it in place and changes nothing.
    windows = windows_for(ctx, ticket)
    await ctx.uow.tickets.add(ticket, ack_due_at=sla.ack_due(ticket, windows),
                              resolve_due_at=sla.resolve_due(ticket, windows),
                              next_check_at=sla.next_check(ticket, windows))
    await ctx.uow.tickets.add_follower(ticket, draft.reporter.id, reporter.name, draft.chat.id,
                                       draft.message_id, ctx.now)
    await _add_photos(ctx, ticket, draft)
    # A photo sent as a file is shown from our stored copy, which the photo rows do not name.
    ctx.consequences.hint(ticket, photo=next((p.shown for p in draft.photos if p.shown), None),
                          photos=len(draft.photos))
    return ticket


async def open_duplicate(ctx: Context, category: str, lat: float, lon: float) -> Ticket | None:
    """The nearest open ticket of the category within the duplicate radius."""
    radius = ctx.services.rules.intake.duplicate_radius_m
    if radius <= 0:
        return None
    await ctx.uow.tickets.lock_nearby(category, lat, lon, radius)
    rows = await ctx.uow.tickets.find_open_nearby(category, lat, lon, radius)
    nearest, best = None, radius
    for row in rows:
        if row.lat is None or row.lon is None:
            continue
        distance = geo.great_circle_m(lat, lon, row.lat, row.lon)
        if distance <= best:
            nearest, best = row.number, distance
    if nearest is None:
        return None
    return await ctx.uow.tickets.get(nearest, for_update=True)


async def _join(ctx: Context, ticket: Ticket, draft: Draft) -> None:
    reporter = actor_of(draft.reporter)
    followers = {f.user_id for f in await ctx.uow.tickets.followers(ticket)}
    added = await _add_photos(ctx, ticket, draft)
    # The same person sending the same problem again is not a second reporter.
    again = draft.reporter.id in followers or draft.reporter.id == ticket.reporter.user_id
    if again:
        if added:
            ticket.add_photo(reporter, ctx.now)
    else:
        ticket.add_reporter(reporter, ctx.now, draft.chat.id, draft.message_id, photos=added)
        await ctx.uow.tickets.add_follower(ticket, draft.reporter.id, reporter.name,
                                           draft.chat.id, draft.message_id, ctx.now)
    # The reporter's answer comes after the cards show the ticket as it is now.
    await ctx.consequences.settle()
    texts = ctx.texts if not draft.chat.is_private else ctx.texts_for(draft.reporter)
    key = "intake.already_reported" if again else "intake.duplicate_joined"
    line = texts(key, ticket=label(ticket.number), count=ticket.reporter_count)
    ctx.send(SendText(chat_id=draft.chat.id, text=line,
                      reply_to=Target(draft.chat.id, draft.message_id) if draft.message_id
                      else None,
                      ticket=ticket.number, merge_line=line))


async def _add_photos(ctx: Context, ticket: Ticket, draft: Draft) -> int:
    added = 0
    for photo in draft.photos:
        added += await ctx.uow.tickets.add_photo(
            ticket, file_id=photo.file_id, file_unique_id=photo.file_unique_id, kind="before",
            now=ctx.now, added_by=draft.reporter.id)
    return added


def _photo(part: PhotoPart) -> ReportPhoto:
    return ReportPhoto(part.file_id, part.file_unique_id, part.sha256, part.from_document)
