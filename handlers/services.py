"""Long-lived collaborators handlers use, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.stations import StationIndex
from handlers.rules import Rules
from messaging.capabilities import FULL, Capabilities
from messaging.inbound import Person

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.media import MediaStore
    from handlers.routing.areas import Router


class PeopleService:
    async def seen(self, person: Person, ctx: Context, *, private: bool) -> None:
        """Remember a person's name and language, and whether they opened a private chat."""
        if person.is_bot:
            return
        await ctx.uow.users.seen(
            person.id, first_name=person.first_name, last_name=person.last_name,
            username=person.username, language=person.language, now=ctx.now,
            private_chat=private,
        )


@dataclass
class Services:
    rules: Rules
    areas: Router
    media: MediaStore
    people: PeopleService
    stations: StationIndex = field(default_factory=lambda: StationIndex(()))
    # What the platform a chat is on can do; the composition root asks the adapters.
    capabilities_of: Callable[[int], Capabilities] = field(default=lambda _chat_id: FULL)
