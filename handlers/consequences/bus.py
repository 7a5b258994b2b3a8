"""The bus: before the unit of work commits, every ticket it touched has the consequences of
the events it recorded since; an effect that changes another ticket (a duplicate's reporters
joining the original) gives that ticket a batch of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.ticket import Ticket
from handlers.consequences.batch import Batch, Hints

if TYPE_CHECKING:
    from handlers.context import Context

# A guard against effects that keep changing tickets; no real chain is this long.
MAX_BATCHES = 100


class Consequences:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        # Ticket number -> events already settled (its length of log then).
        self._settled: dict[int, int] = {}
        self._hints: dict[int, Hints] = {}

    def hint(self, ticket: Ticket, **values: object) -> None:
        """Tell the effects something about the ticket's next batch the log does not hold."""
        hints = self._hints.setdefault(ticket.number, Hints())
        for name, value in values.items():
            if not hasattr(hints, name):
                raise TypeError(f"no hint {name!r}")
            setattr(hints, name, value)

    async def settle(self) -> None:
        """Apply the consequences of every change not yet settled. Runs before each commit;
        an action calls it itself only so that its own reply comes after them."""
        # Imported here: the effects use the handlers' Context, which makes this bus.
        from handlers.consequences.effects import apply

        for _ in range(MAX_BATCHES):
            batch = self._next_batch()
            if batch is None:
                return
            await apply(self._ctx, batch)
        raise RuntimeError("ticket changes kept causing further changes")

    def _next_batch(self) -> Batch | None:
        for ticket, stored in self._ctx.uow.tickets.touched():
            start = self._settled.get(ticket.number, stored)
            if len(ticket.events) > start:
                self._settled[ticket.number] = len(ticket.events)
                return Batch(ticket, start, self._hints.pop(ticket.number, Hints()))
        return None
