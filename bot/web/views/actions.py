"""Acting on a ticket from its page: the same `perform` as a chat's command or button, with the
same permissions, so the chats are told exactly as if the action had been taken there.

A resolution may carry an after photo uploaded from the page: it goes to the media store and
is sent to the reporters with the resolution, as a photo sent in the chat would be.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from bot.web import flash
from bot.web.auth import staff
from bot.web.numbers import as_number
from bot.web.pages import deps_of, texts_of, viewer_of
from bot.web.units import Busy, change
from bot.web.views.common import ticket_number
from domain.errors import DomainError
from domain.permissions import Operation
from domain.status import Action, allowed_actions
from domain.ticket import Ticket
from handlers.context import Context
from handlers.errors import domain_error_text
from handlers.intake.exif_gps import sniff_image_type
from handlers.media import media_ref
from handlers.staff.actions import Request, perform
from handlers.staff.choices import REASONS
from handlers.texts import Texts
from handlers.tickets import access
from messaging.inbound import Person, PhotoFile

# The page's forms, in the order the card shows its buttons.
ORDER = (Operation.ACKNOWLEDGE, Operation.TAKE, Operation.PROGRESS, Operation.RESOLVE,
         Operation.MARK_DUPLICATE, Operation.TRANSFER, Operation.REJECT, Operation.REOPEN)
MAX_PHOTO_BYTES = 15 * 1024 * 1024


@dataclass(frozen=True)
class Offer:
    operation: str
    label: str
    # What the form asks for besides the button.
    text: str = ""  # "", "optional" or "required"
    photo: bool = False
    departments: tuple[tuple[str, str], ...] = ()
    reasons: tuple[str, ...] = ()
    original: bool = False


async def offered_actions(ctx: Context, ticket: Ticket, person: Person,
                          texts: Texts) -> list[Offer]:
    """The actions the status allows and the person may take (the chat's permission table)."""
    allowed = set(allowed_actions(ticket.status))
    offers = []
    for operation in ORDER:
        if Action(operation.value) not in allowed:
            continue
        if not await access.may(ctx, operation, person, ticket):
            continue
        offers.append(_offer(ctx, ticket, operation, texts))
    if await access.may(ctx, Operation.NOTE, person, ticket):
        offers.append(Offer(Operation.NOTE.value, texts("console.action_note"),
                            text="required"))
    return offers


def _offer(ctx: Context, ticket: Ticket, operation: Operation, texts: Texts) -> Offer:
    label = texts(f"button.{operation.value}")
    if operation in (Operation.PROGRESS, Operation.RESOLVE):
        return Offer(operation.value, label, text="optional",
                     photo=operation is Operation.RESOLVE)
    if operation in REASONS:
        return Offer(operation.value, label, text="required",
                     reasons=tuple(texts(f"reasons.{operation.value}.{code}")
                                   for code in REASONS[operation]))
    if operation is Operation.TRANSFER:
        return Offer(operation.value, label, text="optional", departments=tuple(
            (d, ctx.directory.department_name(d, texts.lang))
            for d in ctx.directory.departments if d != ticket.department_id))
    if operation is Operation.MARK_DUPLICATE:
        return Offer(operation.value, label, original=True)
    return Offer(operation.value, label)


@staff
async def act(request: web.Request) -> web.StreamResponse:
    number = ticket_number(request)
    deps = deps_of(request)
    viewer = viewer_of(request)
    texts = texts_of(request)
    assert viewer is not None
    form = await request.post()
    back = web.HTTPSeeOther(f"/web/tickets/{number}")
    try:
        operation = Operation(str(form.get("op", "")))
    except ValueError:
        raise web.HTTPBadRequest() from None
    photo = await _photo(deps, form.get("photo"))
    if photo is False:
        flash.leave(back, texts("console.bad_photo"), ok=False)
        raise back
    original = str(form.get("original", "")).strip().lstrip("#")
    request_ = Request(
        operation, number, viewer.person(),
        text=" ".join(str(form.get(name, "")).strip() for name in ("reason", "text")).strip(),
        department_id=str(form.get("department", "")),
        original=as_number(original),
        photo=photo or None)
    if operation is Operation.MARK_DUPLICATE and request_.original is None:
        flash.leave(back, texts("console.need_original"), ok=False)
        raise back

    async def work(ctx: Context) -> str:
        outcome = await perform(ctx, request_)
        if isinstance(photo, PhotoFile):
            await ctx.uow.console.mark_photo_stored(number, photo.file_unique_id,
                                                    photo.file_id.split(":", 1)[1],
                                                    photo.size or 0)
        return outcome.line

    try:
        line = await change(deps, work)
        flash.leave(back, line, ok=True)
    except DomainError as error:
        flash.leave(back, domain_error_text(error, texts), ok=False)
    except Busy:
        flash.leave(back, texts("console.busy"), ok=False)
    raise back


async def _photo(deps, field: object) -> PhotoFile | bool | None:  # type: ignore[no-untyped-def]
    """The uploaded after photo, stored; None when none was sent; False when it is no image."""
    if not isinstance(field, web.FileField):
        return None
    data = field.file.read(MAX_PHOTO_BYTES + 1)
    if not data:
        return None
    if len(data) > MAX_PHOTO_BYTES or sniff_image_type(data[:64]) is None:
        return False
    digest = await asyncio.to_thread(deps.media.put, data)
    return PhotoFile(file_id=media_ref(digest), file_unique_id=f"web-{digest[:40]}",
                     size=len(data))
