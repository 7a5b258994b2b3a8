"""A service request POSTed through Open311 becomes a ticket by the chat's own filing path:
categorised by its service code, checked for a duplicate nearby, routed to its department,
announced there with its card, and given its service levels.

The request has no chat of its own: its card goes to `[web] open311_chat_id` (by default the
admins' chat), which stands for the group it was "reported" in. Remote media are not fetched
(district networks are closed, and fetching any URL a client gives is a risk); the media_url
is kept in the description for staff to open.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.deps import WebDeps
from bot.web.open311.params import NewRequest, Open311Error
from domain.ticket import Ticket
from handlers.context import Context
from handlers.intake.filing import Draft, file_report
from messaging.inbound import Chat, Person, Position

# Who reported a request that came through the API: "the connected system", named by the
# request's first/last name. Not an address (no platform is called this), so no message is
# ever sent to it; databases from before addresses stored 0 here, and were carried over to it.
API_REPORTER_ID = "open311"


@dataclass(frozen=True)
class Created:
    ticket: Ticket
    duplicate: bool


def place_of(deps: WebDeps, wanted: NewRequest) -> tuple[float, float]:
    if wanted.lat is not None and wanted.lon is not None:
        return wanted.lat, wanted.lon
    for place in deps.settings.places:
        names = [n.casefold() for n in (place.name, place.name_en) if n]
        if any(name in wanted.address.casefold() for name in names):
            return place.lat, place.lon
    found = deps.areas.find(wanted.address)
    if found is None:
        raise Open311Error(400, "address_string: not a place we know; send lat and long")
    return found


async def file_request(deps: WebDeps, ctx: Context, wanted: NewRequest,
                       chat_id: str) -> Created:
    lat, lon = place_of(deps, wanted)
    if not ctx.services.areas.in_service_area(lat, lon):
        raise Open311Error(400, "the location is outside the service area")
    text = wanted.description
    if wanted.media_url:
        text = f"{text}\n{wanted.media_url}".strip()
    reporter = Person(id=API_REPORTER_ID, first_name=wanted.name or "Open311")
    draft = Draft(reporter=reporter, chat=Chat(id=chat_id, kind="group"), message_id=None,
                  location=Position(lat, lon), text=text, address=wanted.address)
    filed = await file_report(ctx, draft, category=wanted.service_code)
    return Created(filed.ticket, filed.duplicate)
