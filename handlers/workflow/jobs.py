"""The workflow's scheduled work: escalations, reminders and closing unanswered verifications.

One periodic job looks at the tickets whose `next_check_at` has passed; handlers also ask for
a wake-up at each new deadline so the job runs on the minute. Each ticket is claimed for the
transaction (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer at a time) and its
steps are recorded on it, so several bot processes together take each step once.
"""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.workflow import verification  # noqa: F401  (registers the reporter's buttons)
from handlers.workflow.escalation import check_ticket

BATCH = 20


@registry.periodic("workflow.deadlines", every_seconds=60)
async def take_due_steps(ctx: Context) -> bool:
    numbers = await ctx.uow.tickets.due_for_check(ctx.now, BATCH)
    for number in numbers:
        await check_ticket(ctx, number)
    return len(numbers) == BATCH
