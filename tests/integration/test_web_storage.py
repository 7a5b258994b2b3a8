"""The web console's storage on real databases: one-time links, sessions, and the read side
the map, the list and the API query."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from domain.status import OPEN_STATUSES
from domain.ticket import Actor, GeoPoint, Ticket
from handlers.web.tokens import digest, new_token
from storage.cells import cell_of
from storage.repositories.console import BoundingBox, TicketFilter

STAFF = Actor("telegram:7", "张师傅")
OPEN = frozenset(s.value for s in OPEN_STATUSES)


async def add_link(uows, clock, person, minutes=10, next_path=""):
    token = new_token()
    async with uows() as uow:
        await uow.web.add_link(digest(token), person, name="张师傅", language="zh",
                               next_path=next_path, now=clock.now(),
                               expires_at=clock.now() + timedelta(minutes=minutes))
        await uow.commit()
    return token


async def use(uows, clock, token):
    async with uows() as uow:
        grant = await uow.web.use_link(digest(token), clock.now())
        await uow.commit()
    return grant


async def test_a_link_is_good_for_one_use_and_gives_back_the_person(uows, clock):
    for person in ("telegram:2001", "wecom:zhangsan", "feishu:ou_7d8a6e6df7621556ce0d21922b676706"):
        token = await add_link(uows, clock, person, next_path="/web/tickets/42")
        grant = await use(uows, clock, token)
        assert grant is not None
        assert grant.person_id == person
        assert grant.next_path == "/web/tickets/42"
        assert await use(uows, clock, token) is None


async def test_a_link_expires_after_its_lifetime(uows, clock):
    token = await add_link(uows, clock, "telegram:2001", minutes=10)
    clock.advance(timedelta(minutes=10, seconds=1))
    async with uows(read_only=True) as uow:
        assert not await uow.web.link_usable(digest(token), clock.now())
    assert await use(uows, clock, token) is None


async def test_only_the_hash_of_a_link_is_stored(uows, clock):
    token = await add_link(uows, clock, "telegram:2001")
    async with uows(read_only=True) as uow:
        rows = (await uow.session.execute(
            text("SELECT token_hash FROM web_links"))).all()
    assert rows == [(digest(token),)]
    assert token not in str(rows)


async def test_links_are_counted_per_person_for_the_rate_limit(uows, clock):
    for _ in range(3):
        await add_link(uows, clock, "telegram:2001")
    await add_link(uows, clock, "telegram:2002")
    async with uows(read_only=True) as uow:
        assert await uow.web.links_since("telegram:2001", clock.now() - timedelta(hours=1)) == 3
        assert await uow.web.links_since("wecom:2001", clock.now() - timedelta(hours=1)) == 0
        assert await uow.web.links_since("telegram:2001",
                                         clock.now() + timedelta(seconds=1)) == 0


async def test_sessions_end_when_they_expire_or_are_ended(uows, clock):
    async with uows() as uow:
        for name in ("a", "b"):
            await uow.web.add_session(digest(name), "telegram:2001", name="张师傅", language="zh",
                                      csrf_token=f"csrf-{name}", now=clock.now(),
                                      expires_at=clock.now() + timedelta(hours=1))
        await uow.commit()
    async with uows() as uow:
        found = await uow.web.session_of(digest("a"), clock.now())
        assert found is not None and found.person_id == "telegram:2001"
        assert found.csrf_token == "csrf-a"
        await uow.web.end_session(digest("a"))
        await uow.commit()
    clock.advance(timedelta(hours=1))
    async with uows() as uow:
        assert await uow.web.session_of(digest("a"), clock.now()) is None
        assert await uow.web.session_of(digest("b"), clock.now()) is None
        await uow.web.forget_expired(clock.now())
        await uow.commit()


# -- the read side ------------------------------------------------------------------------------

async def file(uows, clock, lat, lon, *, category="road", description="路面鼓包",
               address="", department="roads"):
    async with uows() as uow:
        number = await uow.tickets.next_number()
        ticket = Ticket.report(number=number, reporter=Actor("telegram:1", "小李"),
                               chat_id="telegram:-100",
                               message_id=None, location=GeoPoint(lat, lon),
                               description=description, category_id=category,
                               now=clock.now(), address=address)
        ticket.assign(department, clock.now())
        await uow.tickets.add(ticket, ack_due_at=clock.now() + timedelta(minutes=30),
                              resolve_due_at=clock.now() + timedelta(hours=24))
        await uow.commit()
    return number


async def test_clusters_group_by_coarser_cells_and_points_list_each_ticket(uows, clock):
    # Two tight groups far apart, and one lone ticket.
    for i in range(5):
        await file(uows, clock, 39.9200 + i * 1e-4, 116.4700)
    for i in range(3):
        await file(uows, clock, 39.9400 + i * 1e-4, 116.4300)
    await file(uows, clock, 39.9000, 116.4900, category="water", department="water")
    wanted = TicketFilter(now=clock.now(), box=BoundingBox(116.4, 39.89, 116.5, 39.95))
    async with uows(read_only=True) as uow:
        assert await uow.console.count(wanted, cap=100) == 9
        assert await uow.console.count(wanted, cap=4) == 4
        points = await uow.console.points(wanted, 100)
        clusters = await uow.console.clusters(wanted, shift=5 * 4)  # precision 5
    assert sorted(p.number for p in points) == list(range(1, 10))
    assert sorted(c.count for c in clusters) == [1, 3, 5]
    lone = next(c for c in clusters if c.count == 1)
    assert lone.number == 9 and lone.status == "assigned" and not lone.mixed
    five = next(c for c in clusters if c.count == 5)
    assert five.cell == cell_of(39.92, 116.47) >> 20
    assert abs(five.lat - 39.9202) < 1e-6


async def test_filters_combine(uows, clock):
    await file(uows, clock, 39.92, 116.47, address="东湖北路 12 号")
    await file(uows, clock, 39.92, 116.47, category="water", department="water",
               description="水管爆裂 100%_满")
    clock.advance(timedelta(hours=30))
    await file(uows, clock, 39.93, 116.48)
    now = clock.now()
    async with uows() as uow:
        ticket = await uow.tickets.get(3, for_update=True)
        ticket.acknowledge(STAFF, now)
        ticket.resolve(STAFF, now)
        await uow.tickets.save(ticket)
        await uow.commit()

    async def numbers(**conditions):
        async with uows(read_only=True) as uow:
            rows = await uow.console.page(TicketFilter(now=now, **conditions), "number",
                                          offset=0, limit=50)
        return [r.number for r in rows]

    assert await numbers(statuses=OPEN) == [1, 2]
    assert await numbers(department_ids=("water",)) == [2]
    assert await numbers(category_ids=("road",)) == [1, 3]
    assert await numbers(overdue=True) == [1, 2]
    assert await numbers(reported_from=now - timedelta(hours=1)) == [3]
    assert await numbers(reported_to=now - timedelta(hours=1)) == [1, 2]
    assert await numbers(number=2) == [2]
    assert await numbers(text="东湖北路") == [1]
    # LIKE's wildcards in a search are searched for as written.
    assert await numbers(text="100%_") == [2]
    assert await numbers(text="%") == [2]
    assert await numbers(text="_") == [2]


async def test_pages_sort_both_ways_and_page(uows, clock):
    for i in range(7):
        await file(uows, clock, 39.92, 116.47, category="road" if i % 2 else "water",
                   department="roads" if i % 2 else "water")
        clock.advance(timedelta(minutes=1))

    async def page(sort, offset):
        async with uows(read_only=True) as uow:
            rows = await uow.console.page(TicketFilter(now=clock.now()), sort, offset=offset,
                                          limit=3)
        return [r.number for r in rows]

    assert await page("-reported", 0) == [7, 6, 5]
    assert await page("-reported", 3) == [4, 3, 2]
    assert await page("reported", 6) == [7]
    assert await page("category", 0) == [2, 4, 6]
    assert await page("-category", 0) == [7, 5, 3]


async def test_a_photo_uploaded_on_the_web_is_stored_already(uows, clock):
    number = await file(uows, clock, 39.92, 116.47)
    async with uows() as uow:
        ticket = await uow.tickets.get(number)
        await uow.tickets.add_photo(ticket, file_id="media:" + "a" * 64,
                                    file_unique_id="web-" + "a" * 40, kind="after",
                                    now=clock.now(), added_by="telegram:7")
        await uow.console.mark_photo_stored(number, "web-" + "a" * 40, "a" * 64, 1234)
        await uow.commit()
    async with uows(read_only=True) as uow:
        photos = await uow.console.photos(number)
        waiting = await uow.tickets.photos_to_download(clock.now())
    assert [(p.kind, p.sha256) for p in photos] == [("after", "a" * 64)]
    assert waiting == []
