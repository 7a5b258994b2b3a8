"""What every driver reads of the shared core the same way: the tickets in the bot's database,
through the running harness's units of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from domain.ticket import Ticket
from storage.models import TicketRow


class HarnessRecords:
    harness: Any  # the driver's running e2e harness

    async def ticket(self, number: int) -> Ticket:
        found = await self.harness.ticket(number)
        assert found is not None, f"no ticket #{number}"
        return found

    async def tickets(self) -> list[Ticket]:
        app = self.harness.app
        assert app is not None
        async with app.uows(read_only=True) as uow:
            numbers = (await uow.execute(select(TicketRow.number)
                                         .order_by(TicketRow.number))).scalars().all()
            return [await uow.tickets.get(number) for number in numbers]
