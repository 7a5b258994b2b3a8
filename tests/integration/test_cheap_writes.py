"""The statements that make the hot path cheap, on both databases: taking an update marks it
done in the same statement, rows are upserted, several outbox rows are claimed and recorded
in one statement, and a unit of work says which workers it gave work to."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, literal_column, select, text
from sqlalchemy.orm import ORMExecuteState

from messaging.outbound import SendText, Target
from storage.db import UnitSession
from storage.models import InboxRow
from storage.repositories.inbox import IncomingUpdate, _next_conditions, lane_of


async def _updates(uows, clock) -> None:
    async with uows() as uow:
        await uow.inbox.add([
            IncomingUpdate(1, "m:-1:1", "telegram:-1", {"n": 1}),
            IncomingUpdate(2, "m:-1:2", "telegram:-1", {"n": 2}),
            IncomingUpdate(3, "m:-2:1", "telegram:-2", {"n": 3}),
        ], clock.now())
        await uow.commit()


async def test_a_taken_update_is_done_only_if_its_transaction_commits(uows, clock):
    await _updates(uows, clock)
    async with uows() as uow:
        taken = await uow.inbox.take_next(clock.now(), clock.now())
        assert (taken.update_id, taken.payload) == (1, {"n": 1})
        # Left without commit: rolled back, as when handling fails or the process dies.
    async with uows() as uow:
        again = await uow.inbox.take_next(clock.now(), clock.now())
        assert again.update_id == 1
        await uow.commit()
    async with uows() as uow:
        counts = await uow.inbox.counts()
        following = await uow.inbox.take_next(clock.now(), clock.now())
        await uow.commit()
    assert counts == {"done": 1, "pending": 2}
    assert following.update_id == 2


async def test_take_keeps_a_chat_in_order_and_lets_other_chats_pass(uows, clock):
    await _updates(uows, clock)
    async with uows() as uow:
        first = await uow.inbox.take_next(clock.now(), clock.now())
        await uow.commit()
    async with uows() as uow:
        # Chat -1's second update waits behind a first one parked for a retry.
        await uow.inbox.add([IncomingUpdate(4, "m:-3:1", "telegram:-3", {})], clock.now())
        await uow.commit()
    async with uows() as uow:
        await uow.inbox.mark_retry(first.id + 1, "boom", clock.now() + timedelta(minutes=1))
        await uow.commit()
    async with uows() as uow:
        nxt = await uow.inbox.take_next(clock.now(), clock.now())
        await uow.commit()
    assert (first.update_id, nxt.update_id) == (1, 3)
    async with uows() as uow:
        last = await uow.inbox.take_next(clock.now(), clock.now())
        await uow.commit()
        none = await uow.inbox.take_next(clock.now(), clock.now())
    assert last.update_id == 4 and none is None


async def test_outbox_rows_are_claimed_and_recorded_together(uows, clock):
    async with uows() as uow:
        for chat in ("telegram:-1", "telegram:-2"):
            uow.outbox.add(SendText(chat_id=chat, text="hi", reply_to=Target(chat, "7")),
                           clock.now())
        await uow.commit()
    assert uow.work == frozenset({"outbox"})
    async with uows() as uow:
        heads = await uow.outbox.heads(clock.now(), 10)
        lease = clock.now() + timedelta(seconds=30)
        await uow.outbox.claim_many([(h.id, lease, 7) for h in heads])
        floors = await uow.outbox.highest_known_message_ids(["telegram:-1", "telegram:-9"])
        await uow.commit()
    assert floors == {"telegram:-1": 0, "telegram:-9": 0}
    assert uow.work == frozenset()
    async with uows() as uow:
        assert await uow.outbox.heads(clock.now(), 10) == []
        await uow.outbox.mark_sent_many([(heads[0].id, "11"), (heads[1].id, "12")], clock.now())
        await uow.refs.remember_many([("card:1", "telegram:-1", "11", 1),
                                      ("card:2", "telegram:-2", "12", None)], clock.now())
        await uow.commit()
    async with uows() as uow:
        rows = [await uow.outbox.get(h.id) for h in heads]
        floors = await uow.outbox.highest_known_message_ids(["telegram:-1", "telegram:-2"])
        card = await uow.refs.resolve("card:1")
    assert [(r.status, r.message_id, r.attempts, r.floor_message_id) for r in rows] == [
        ("sent", "11", 1, 7), ("sent", "12", 1, 7)]
    assert floors == {"telegram:-1": 11, "telegram:-2": 12}
    assert (card.message_id, card.ticket_number) == ("11", 1)


async def test_seeing_a_person_again_keeps_what_the_update_does_not_say(uows, clock):
    async with uows() as uow:
        await uow.users.seen("telegram:1", first_name="小李", language="zh", now=clock.now(),
                             private_chat=True)
        await uow.commit()
    async with uows() as uow:
        # A group message: no language given, not a private chat; a new name.
        await uow.users.seen("telegram:1", first_name="李师傅", username="li", now=clock.now())
        await uow.users.seen("telegram:2", first_name="老王", now=clock.now())
        await uow.commit()
    async with uows() as uow:
        li, wang = await uow.users.get("telegram:1"), await uow.users.get("telegram:2")
    assert (li.first_name, li.username, li.language, li.private_chat) == (
        "李师傅", "li", "zh", True)
    assert (wang.first_name, wang.language, wang.private_chat) == ("老王", "", False)


async def test_followers_and_photos_are_added_once_and_wake_the_photo_worker(uows, clock):
    from tests.integration.test_ticket_storage import file_ticket

    ticket = await file_ticket(uows, clock)
    async with uows() as uow:
        first = await uow.tickets.add_follower(ticket, "telegram:9", "老王", "telegram:-100",
                                               "6", clock.now())
        again = await uow.tickets.add_follower(ticket, "telegram:9", "老王", "telegram:-100",
                                               "7", clock.now())
        photo = await uow.tickets.add_photo(ticket, file_id="f1", file_unique_id="u1",
                                            kind="before", now=clock.now(), added_by=None)
        same = await uow.tickets.add_photo(ticket, file_id="f2", file_unique_id="u1",
                                           kind="before", now=clock.now(), added_by=None)
        await uow.commit()
    assert (first, again, photo, same) == (True, False, True, False)
    assert uow.work == frozenset({"photos"})
    async with uows() as uow:
        followers = await uow.tickets.followers(ticket)
        claimed = await uow.tickets.claim_photos(clock.now(), clock.now() + timedelta(minutes=2),
                                                 10)
        await uow.commit()
    assert [f.message_id for f in followers if f.user_id == "telegram:9"] == ["6"]
    assert [file_id for _, file_id, _ in claimed] == ["f1"]
    async with uows() as uow:
        # Leased: not claimed again until the lease runs out.
        assert await uow.tickets.claim_photos(clock.now(), clock.now(), 10) == []



async def test_one_senders_updates_wait_for_each_other_and_not_for_other_senders(uows, clock):
    # A storm in one group: rider 7's next update waits behind rider 7's parked one, while
    # rider 8's updates pass it.
    group = "telegram:-5"
    seven, eight = lane_of(group, "telegram:7"), lane_of(group, "telegram:8")

    async def add(*updates: IncomingUpdate) -> None:
        async with uows() as uow:
            await uow.inbox.add(list(updates), clock.now())
            await uow.commit()

    async def take():
        async with uows() as uow:
            taken = await uow.inbox.take_next(clock.now(), clock.now())
            await uow.commit()
        return None if taken is None else taken.update_id

    await add(IncomingUpdate(11, "m:-5:1", group, {}, lane=seven),
              IncomingUpdate(12, "m:-5:2", group, {}, lane=seven),
              IncomingUpdate(13, "m:-5:3", group, {}, lane=eight))
    async with uows() as uow:
        first = await uow.inbox.take_next(clock.now(), clock.now())
        await uow.commit()
    async with uows() as uow:
        await uow.inbox.mark_retry(first.id + 1, "boom", clock.now() + timedelta(minutes=1))
        await uow.commit()
    await add(IncomingUpdate(14, "m:-5:4", group, {}, lane=seven),
              IncomingUpdate(15, "m:-5:5", group, {}, lane=eight))
    assert first.update_id == 11
    assert [await take(), await take(), await take()] == [13, 15, None]
    clock.advance(timedelta(minutes=2))
    assert [await take(), await take(), await take()] == [12, 14, None]


def test_a_lane_is_one_sender_in_one_chat():
    assert lane_of("telegram:-5", "telegram:7") == "telegram:-5/telegram:7"
    # A person's own chat, and updates nobody sent, keep the chat as their lane.
    assert lane_of("telegram:7", "telegram:7") == "telegram:7"
    assert lane_of("telegram:-5", None) == "telegram:-5"
    assert lane_of(None, "telegram:7") is None


async def test_a_claim_reads_a_handful_of_rows_however_many_wait(uows, clock):
    # A storm leaves thousands of updates waiting; each claim must not read them all (it
    # did: grouping every pending update by lane, then a NOT EXISTS planned as a join).
    group = "telegram:-5"
    async with uows() as uow:
        await uow.inbox.add([
            IncomingUpdate(n, f"m:-5:{n}", group, {}, lane=lane_of(group, f"telegram:{n // 2}"))
            for n in range(1, 2001)], clock.now())
        await uow.commit()
    async with uows() as uow:
        if uow.inbox.dialect == "postgresql":
            read = text("SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) "
                        "FROM pg_stat_xact_user_tables WHERE relname = 'inbox'")
            before = (await uow.session.execute(read)).scalar_one()
            taken = await uow.inbox.take_next(clock.now(), clock.now())
            after = (await uow.session.execute(read)).scalar_one()
            assert after - before < 20
        else:
            # The claim's choice, as SQLite plans it (it reads no statistics of its own).
            choice = select(InboxRow.id).where(
                *_next_conditions(InboxRow.__table__, literal_column("'2026-06-01'"))).order_by(
                InboxRow.id).limit(1)
            sql = choice.compile(dialect=uow.session.bind.dialect,
                                 compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in await uow.session.execute(
                text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "ix_inbox_lane_status_id (lane=? AND status=?)" in plan, plan
            taken = await uow.inbox.take_next(clock.now(), clock.now())
        assert taken.update_id == 1


async def test_the_claims_and_the_duplicate_check_run_as_core_statements(uows, clock):
    # A single ORM attribute in a statement (a subquery's column) sends it through the ORM's
    # bulk path, which cost more than the database's work on these statements (they run for
    # every update, report and photo). Each one here went through it before.
    await _updates(uows, clock)
    through_orm: list[str] = []

    def note(state: ORMExecuteState) -> None:
        if state.is_orm_statement:
            through_orm.append(str(state.statement).split()[0])

    event.listen(UnitSession, "do_orm_execute", note)
    try:
        async with uows() as uow:
            assert await uow.inbox.take_next(clock.now(), clock.now()) is not None
            await uow.tickets.claim_photos(clock.now(), clock.now(), 10)
            await uow.tickets.find_open_nearby("pothole", 39.9, 116.4, 50)
            await uow.commit()
    finally:
        event.remove(UnitSession, "do_orm_execute", note)
    assert through_orm == []
