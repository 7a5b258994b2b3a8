"""No private field reaches a public response.

Tickets are seeded with unique marker strings in every private field (the reporter's name and
id, the chat, the description and address as typed, phone numbers, notes, staff names); then
every public page and data call, and the Open311 API without a key, is crawled, and no marker
may appear in anything it returns.
"""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.integration.web.console import (
    ADMIN,
    ROADS_STAFF,
    Console,
    start_console,
    stop_console,
)

REPORTER_ID = "telegram:987654321"
SECOND_REPORTER_ID = "telegram:876543219"
MARKERS = {
    "reporter name": "甲某某MARKREPORTER",
    "second reporter": "乙某某MARKFOLLOWER",
    "reporter id": "987654321",
    "second reporter id": "876543219",
    "chat id": "1001000000001",
    "description": "MARKDESCRIPTION",
    "phone": "13912345678",
    "address": "MARKADDRESS",
    "note": "MARKNOTE",
    "reason": "MARKREASON",
    "staff name": "张师傅",
    "admin name": "街道值班员",
}
MAP_VIEWS = ["116.4,39.89,116.5,39.95&zoom=14", "116.4,39.89,116.5,39.95&zoom=9",
             "116.46,39.91,116.48,39.93&zoom=18", "-180,-90,180,90&zoom=1"]


async def seed(console: Console) -> list[int]:
    numbers = []
    for index, where in enumerate([(39.9215, 116.4712), (39.9215, 116.4600),
                                   (39.9300, 116.4700), (39.9100, 116.4500)]):
        numbers.append(await console.file(
            text=f"{MARKERS['description']} 电话 {MARKERS['phone']}", where=where,
            reporter=REPORTER_ID, name=MARKERS["reporter name"],
            address=f"{MARKERS['address']} {index}"))
    # A second reporter of the first problem.
    await console.file(text=MARKERS["description"], where=(39.92151, 116.4712),
                       reporter=SECOND_REPORTER_ID, name=MARKERS["second reporter"])
    csrf = await console.sign_in(ROADS_STAFF)
    first, second, third, _ = numbers
    for number, op, fields in (
            (first, "acknowledge", {}), (first, "note", {"text": MARKERS["note"]}),
            (first, "progress", {"text": MARKERS["note"]}),
            (second, "resolve", {"text": MARKERS["note"]}),
            (third, "reject", {"text": MARKERS["reason"]})):
        response = await console.client.post(f"/web/tickets/{number}/act", data={
            "csrf": csrf, "op": op, **fields}, allow_redirects=False)
        assert response.status == 303
    return numbers


async def crawl(client: TestClient, numbers: list[int]) -> dict[str, str]:
    """Every public address, as an anonymous reader sees it."""
    pages: dict[str, str] = {}
    paths = ["/", "/public/", "/public/?lang=en", "/public/tickets",
             "/public/tickets?status=open", "/public/tickets?status=settled",
             "/public/tickets?category=road&lang=en", "/public/tickets?page=2",
             "/public/api/areas"]
    paths += [f"/public/api/map?bbox={view}" for view in MAP_VIEWS]
    paths += [f"/public/tickets/{n}" for n in range(1, max(numbers) + 4)]
    paths += [f"/public/tickets/{n}?lang=en" for n in numbers]
    for fmt in ("json", "xml"):
        paths += [f"/open311/v2/{name}.{fmt}" for name in ("discovery", "services",
                                                            "services/road", "requests")]
        paths += [f"/open311/v2/requests.{fmt}?status=closed",
                  f"/open311/v2/requests.{fmt}?service_request_id=1,2,3,4,5"]
        paths += [f"/open311/v2/requests/{n}.{fmt}" for n in range(1, max(numbers) + 3)]
    for path in paths:
        response = await client.get(path)
        assert response.status in (200, 404), (path, response.status)
        pages[path] = await response.text()
        # Photos the public pages link to are public too.
        for photo in re.findall(r'src="(/public/tickets/\d+/photos/\d+)"', pages[path]):
            assert (await client.get(photo)).status == 200
    return pages


async def test_no_private_field_reaches_any_public_response(console: Console):
    numbers = await seed(console)
    anonymous = await console.browser()
    pages = await crawl(anonymous, numbers)
    leaks = [(name, path) for path, body in pages.items()
             for name, marker in MARKERS.items() if marker in body]
    assert leaks == []
    # The crawl did see the tickets: numbers, statuses and area names are public.
    assert "#0001" in pages["/public/tickets"]
    assert "东湖社区 Donghu" in pages[f"/public/tickets/{numbers[0]}"]
    assert '"mode": "markers"' in pages[f"/public/api/map?bbox={MAP_VIEWS[0]}"]


async def test_guessing_numbers_shows_public_fields_or_nothing(console: Console):
    numbers = await seed(console)
    anonymous = await console.browser()
    for number in range(1, 40):
        response = await anonymous.get(f"/public/tickets/{number}")
        body = await response.text()
        assert response.status == (200 if number in numbers else 404), number
        assert not any(marker in body for marker in MARKERS.values()), number
        # The staff's page of the same ticket is not there for an anonymous reader.
        staff = await anonymous.get(f"/web/tickets/{number}", allow_redirects=False)
        assert staff.status == 303
    for guess in ("0", "-1", "1e3", "１", "9" * 12, "1%20OR%201=1"):
        assert (await anonymous.get(f"/public/tickets/{guess}")).status == 404, guess


async def test_even_a_signed_in_person_sees_only_public_fields_on_public_pages(
        console: Console):
    numbers = await seed(console)
    admin = await console.browser()
    await console.sign_in(ADMIN, admin)
    pages = await crawl(admin, numbers)
    assert [path for path, body in pages.items()
            if any(marker in body for marker in MARKERS.values())] == []


async def test_photos_only_when_the_setting_says_so(database_url, tmp_path, clock):
    console = await start_console(database_url, tmp_path, clock, public_photos=False)
    try:
        number = await console.file()
        async with console.uows() as uow:
            ticket = await uow.tickets.get(number)
            await uow.tickets.add_photo(ticket, file_id="f", file_unique_id="u",
                                        kind="before", now=clock.now(), added_by="telegram:1")
            digest = console.deps.media.put(b"\xff\xd8\xff photo")
            await uow.console.mark_photo_stored(number, "u", digest, 10)
            await uow.commit()
        async with console.uows(read_only=True) as uow:
            [photo] = await uow.console.photos(number)
        page = await (await console.client.get(f"/public/tickets/{number}")).text()
        assert "/photos/" not in page
        assert (await console.client.get(
            f"/public/tickets/{number}/photos/{photo.id}")).status == 404
    finally:
        await stop_console(console)


async def test_the_public_map_is_off_unless_switched_on(database_url, tmp_path, clock):
    console = await start_console(database_url, tmp_path, clock, public=False,
                                  open311=False)
    try:
        for path in ("/public/", "/public/tickets/1", "/public/api/map?bbox=0,0,1,1",
                     "/open311/v2/requests.json"):
            assert (await console.client.get(path)).status == 404, path
        home = await console.client.get("/", allow_redirects=False)
        assert home.headers["Location"] == "/web/"
    finally:
        await stop_console(console)
