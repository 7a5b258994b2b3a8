"""A change made through the domain alone has all its consequences: an action written without
a single call to save, plan, refresh or tell still leaves the ticket stored, its cards edited,
its status line posted and its next check planned."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.ticket import Actor
from handlers.context import Context
from handlers.tickets.publish import card_ref
from handlers.workflow import sla
from handlers.workflow.schedule import windows_for
from storage.models import OutboxRow, TicketRow
from tests.integration.web.console import (
    GROUP,
    ROADS_STAFF,
    Console,
    start_console,
    stop_console,
)

STAFF = Actor(ROADS_STAFF, "张师傅")


@pytest.fixture
async def console(database_url, tmp_path, clock) -> AsyncIterator[Console]:
    running = await start_console(database_url, tmp_path, clock)
    try:
        yield running
    finally:
        await stop_console(running)


async def outbox_after(console: Console, mark: int) -> list[OutboxRow]:
    async with console.uows(read_only=True) as uow:
        rows = await uow.session.execute(
            select(OutboxRow).where(OutboxRow.id > mark).order_by(OutboxRow.id))
        return list(rows.scalars())


async def last_outbox_id(console: Console) -> int:
    rows = await outbox_after(console, 0)
    return rows[-1].id if rows else 0


async def schedule_of(console: Console, number: int) -> TicketRow:
    async with console.uows(read_only=True) as uow:
        row = await uow.tickets.row(number)
        assert row is not None
        return row


async def test_an_ad_hoc_action_that_calls_no_effect_has_every_consequence(
        console: Console) -> None:
    number = await console.file()
    before = await schedule_of(console, number)
    mark = await last_outbox_id(console)
    console.clock.advance(timedelta(minutes=7))

    async def ad_hoc_action(ctx: Context) -> None:
        """A new action, as someone might write it: it only changes the ticket."""
        ticket = await ctx.uow.tickets.get(number, for_update=True)
        assert ticket is not None
        ticket.acknowledge(STAFF, ctx.now)

    async with console.uows() as uow:
        ctx = console.deps.context(uow)
        await ad_hoc_action(ctx)
        await uow.commit()

    async with console.uows(read_only=True) as uow:
        stored = await uow.tickets.get(number)
    assert stored is not None and stored.status.value == "acknowledged"

    told = await outbox_after(console, mark)
    card_edits = [r for r in told if r.kind == "edit_text"
                  and r.payload["target"]["ref"] == card_ref(number)]
    assert card_edits and "已受理" in card_edits[0].payload["text"]
    lines = [r for r in told if r.kind == "send_text" and r.chat_id == GROUP]
    assert len(lines) == 1
    assert lines[0].payload["text"].startswith(f"#{number:04d} 已受理")
    assert lines[0].payload["reply_to"] is None or lines[0].payload["reply_to"]["chat_id"] == GROUP

    after = await schedule_of(console, number)
    windows = windows_for(ctx, stored)
    assert after.next_check_at == sla.next_check(stored, windows)
    assert after.next_check_at != before.next_check_at
    assert after.resolve_due_at == sla.resolve_due(stored, windows)
    # The scheduler is woken for that moment once the unit of work commits.
    assert after.next_check_at in ctx.wakeups


async def test_settling_twice_does_nothing_twice(console: Console) -> None:
    number = await console.file()
    mark = await last_outbox_id(console)
    async with console.uows() as uow:
        ctx = console.deps.context(uow)
        ticket = await ctx.uow.tickets.get(number, for_update=True)
        assert ticket is not None
        ticket.acknowledge(STAFF, ctx.now)
        await ctx.consequences.settle()
        once = await _written_since(uow, mark)
        await ctx.consequences.settle()
        await uow.commit()
    assert once > 0
    assert len(await outbox_after(console, mark)) == once


async def test_a_second_load_in_one_unit_of_work_is_the_same_ticket(console: Console) -> None:
    number = await console.file()
    async with console.uows() as uow:
        first = await uow.tickets.get(number, for_update=True)
        second = await uow.tickets.get(number)
        assert first is second


async def test_a_change_without_a_handler_context_is_still_stored(console: Console) -> None:
    number = await console.file()
    async with console.uows() as uow:
        ticket = await uow.tickets.get(number, for_update=True)
        assert ticket is not None
        ticket.add_note(STAFF, console.clock.now(), "明早复查")
        await uow.commit()
    async with console.uows(read_only=True) as uow:
        stored = await uow.tickets.get(number)
    assert stored is not None and stored.events[-1].note == "明早复查"


async def _written_since(uow: object, mark: int) -> int:
    rows = await uow.session.execute(select(OutboxRow.id).where(OutboxRow.id > mark))  # type: ignore[attr-defined]
    return len(list(rows.scalars()))
