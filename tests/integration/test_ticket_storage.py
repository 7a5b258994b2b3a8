"""Tickets, their events, the inbox and the outbox on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import geo
from domain.ticket import Actor, GeoPoint, Ticket
from messaging.outbound import SendText, Target
from storage.repositories.inbox import IncomingUpdate
from storage.repositories.tickets import StaleTicket

STAFF = Actor("telegram:7", "张师傅")


async def file_ticket(uows, clock, lat=39.92, lon=116.47, category="road") -> Ticket:
    async with uows() as uow:
        number = await uow.tickets.next_number()
        ticket = Ticket.report(number=number, reporter=Actor("telegram:1", "小李"),
                               chat_id="telegram:-100",
                               message_id="5", location=GeoPoint(lat, lon, 8.0),
                               description="路面鼓包", category_id=category, now=clock.now(),
                               has_photo=True)
        ticket.assign("roads", clock.now())
        await uow.tickets.add(ticket, ack_due_at=clock.now() + timedelta(minutes=30),
                              resolve_due_at=clock.now() + timedelta(hours=24))
        await uow.commit()
    return ticket


async def test_ticket_round_trip_through_the_database(uows, clock):
    first = await file_ticket(uows, clock)
    second = await file_ticket(uows, clock)
    assert (first.number, second.number) == (1, 2)
    clock.advance(timedelta(minutes=7))
    async with uows() as uow:
        ticket = await uow.tickets.get(1, for_update=True)
        assert ticket is not None
        ticket.acknowledge(STAFF, clock.now())
        await uow.tickets.save(ticket)
        await uow.commit()
    async with uows() as uow:
        loaded = await uow.tickets.get(1)
        row = await uow.tickets.row(1)
    assert loaded is not None and row is not None
    assert loaded.time_to_acknowledge == timedelta(minutes=7)
    assert [e.kind for e in loaded.events] == ["created", "assign", "acknowledge"]
    assert row.status == "acknowledged" and row.acknowledged_at == clock.now()
    assert row.version == 3


async def test_a_stale_copy_is_refused(uows, clock):
    await file_ticket(uows, clock)
    async with uows() as uow:
        stale = await uow.tickets.get(1)
    async with uows() as uow:
        fresh = await uow.tickets.get(1)
        fresh.acknowledge(STAFF, clock.now())
        await uow.tickets.save(fresh)
        await uow.commit()
    async with uows() as uow:
        stale.take(STAFF, clock.now())
        stale.id = fresh.id
        with pytest.raises(StaleTicket):
            await uow.tickets.save(stale)


async def test_nearby_open_tickets_by_cell_ranges(uows, clock):
    await file_ticket(uows, clock, 39.92, 116.47)
    await file_ticket(uows, clock, 39.92 + 0.0003, 116.47)  # ~33 m north
    await file_ticket(uows, clock, 39.93, 116.47)  # ~1.1 km away
    await file_ticket(uows, clock, 39.92, 116.47, category="water")
    async with uows() as uow:
        rows = await uow.tickets.find_open_nearby("road", 39.92, 116.47, 50)
    near = [r.number for r in rows if geo.great_circle_m(39.92, 116.47, r.lat, r.lon) <= 50]
    assert near == [1, 2]
    assert 3 not in [r.number for r in rows]


async def test_inbox_ignores_the_same_update_twice(uows, clock):
    update = IncomingUpdate(update_id=10, dedup_key="m:-100:1", chat_id="telegram:-100",
                            payload={"a": 1})
    resent = IncomingUpdate(update_id=11, dedup_key="m:-100:1", chat_id="telegram:-100",
                            payload={"a": 1})
    async with uows() as uow:
        assert await uow.inbox.add([update], clock.now()) == 1
        await uow.commit()
    async with uows() as uow:
        assert await uow.inbox.add([update, resent], clock.now()) == 0
        await uow.commit()
    async with uows() as uow:
        assert (await uow.inbox.counts()) == {"pending": 1}


async def test_inbox_keeps_order_within_a_chat(uows, clock):
    async with uows() as uow:
        await uow.inbox.add([
            IncomingUpdate(1, "m:-1:1", "telegram:-1", {}),
            IncomingUpdate(2, "m:-1:2", "telegram:-1", {}),
            IncomingUpdate(3, "m:-2:1", "telegram:-2", {}),
        ], clock.now())
        await uow.commit()
    async with uows() as uow:
        first = await uow.inbox.claim_next(clock.now())
        assert first.update_id == 1
        await uow.inbox.mark_retry(first.id, "boom", clock.now() + timedelta(minutes=1))
        await uow.commit()
    async with uows() as uow:
        # Chat -1 waits for its first update; chat -2 goes ahead.
        nxt = await uow.inbox.claim_next(clock.now())
        assert nxt.update_id == 3


async def test_outbox_heads_are_the_first_message_of_each_chat(uows, clock):
    async with uows() as uow:
        for chat, text in [("telegram:-1", "a"), ("telegram:-1", "b"), ("telegram:-2", "c"),
                           ("telegram:5", "d")]:
            uow.outbox.add(SendText(chat_id=chat, text=text, reply_to=Target(chat, "1")),
                           clock.now())
        await uow.commit()
    async with uows() as uow:
        heads = await uow.outbox.heads(clock.now(), 10)
    assert [h.payload["text"] for h in heads] == ["a", "c", "d"]


async def test_before_commit_hooks_run_inside_the_transaction(uows, clock):
    """The hook's own writes commit with the unit of work; a failing hook commits nothing."""
    await file_ticket(uows, clock)
    seen: list[int] = []

    async with uows() as uow:
        async def tell() -> None:
            ticket = await uow.tickets.get(1)
            assert ticket is not None
            seen.append(len(ticket.new_events))
            uow.outbox.add(SendText(chat_id="telegram:-100", text="hook"), clock.now())

        uow.before_commit(tell)
        ticket = await uow.tickets.get(1, for_update=True)
        assert ticket is not None
        ticket.acknowledge(STAFF, clock.now())
        await uow.commit()
    # The hook saw the change before it was stored, and the unit of work stored it after.
    assert seen == [1]
    async with uows(read_only=True) as uow:
        stored = await uow.tickets.get(1)
        assert stored is not None and stored.status.value == "acknowledged"
        assert [m.text for m in await _texts(uow)] == ["hook"]

    async with uows() as uow:
        async def fail() -> None:
            raise RuntimeError("effect failed")

        uow.before_commit(fail)
        ticket = await uow.tickets.get(1, for_update=True)
        assert ticket is not None
        ticket.take(STAFF, clock.now())
        with pytest.raises(RuntimeError):
            await uow.commit()
    async with uows(read_only=True) as uow:
        stored = await uow.tickets.get(1)
        assert stored is not None and stored.status.value == "acknowledged"


async def _texts(uow):
    from sqlalchemy import select

    from messaging.outbound import from_payload
    from storage.models import OutboxRow

    rows = (await uow.session.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars()
    return [from_payload(row.kind, row.payload) for row in rows]
