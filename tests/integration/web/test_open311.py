"""Open311 GeoReport v2: every endpoint in JSON and XML against the spec's field lists, the
spec's errors and codes, and a POSTed request going through the chat's filing path."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from bot.web.open311.mapping import (
    CREATED_FIELDS,
    DISCOVERY_FIELDS,
    ENDPOINT_FIELDS,
    ERROR_FIELDS,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
)
from storage.models import OutboxRow, TicketRow
from tests.integration.web.console import ADMIN_CHAT, API_KEY, DONGHU, ROADS_STAFF, Console

ROADS_CHAT = "telegram:-1002000000001"
FORMATS = ("json", "xml")
V2 = "/open311/v2"


async def fetch(console: Console, path: str, fmt: str, *, status: int = 200,
                method: str = "GET", data: dict | None = None):
    """The document at `path.fmt`, checked for the spec's encoding rules, parsed: JSON as is,
    XML as (root tag, [(item tag, {field: text})])."""
    response = await console.client.request(method, f"{V2}/{path}.{fmt}", data=data)
    body = await response.read()
    assert response.status == status, body[:500]
    if fmt == "json":
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(body)
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(body)
    return root.tag, [(item.tag, item) for item in root]


def fields_of(element) -> list[str]:
    return [child.tag for child in element]


def check_list(document, fmt: str, root: str, item: str, fields: tuple[str, ...]) -> list:
    """Each item has exactly the spec's fields, in its order; returns the items as dicts."""
    if fmt == "json":
        assert isinstance(document, list)
        for entry in document:
            assert tuple(entry) == fields
        return document
    tag, items = document
    assert tag == root
    out = []
    for name, element in items:
        assert name == item
        assert tuple(fields_of(element)) == fields
        out.append({child.tag: child.text for child in element})
    return out


@pytest.mark.parametrize("fmt", FORMATS)
async def test_discovery(console: Console, fmt):
    document = await fetch(console, "discovery", fmt)
    if fmt == "json":
        assert tuple(document) == DISCOVERY_FIELDS
        [endpoint] = document["endpoints"]
        assert tuple(endpoint) == ENDPOINT_FIELDS
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["url"] == "http://console.test/open311/v2"
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    else:
        tag, children = document
        assert tag == "discovery"
        assert [name for name, _ in children] == list(DISCOVERY_FIELDS)
        endpoints = dict(children)["endpoints"]
        [endpoint] = list(endpoints)
        assert endpoint.tag == "endpoint" and tuple(fields_of(endpoint)) == ENDPOINT_FIELDS
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_services_are_the_categories(console: Console, fmt):
    items = check_list(await fetch(console, "services", fmt), fmt, "services", "service",
                       SERVICE_FIELDS)
    codes = [item["service_code"] for item in items]
    assert codes == [c.id for c in console.settings.categories]
    road = items[0]
    assert road["service_name"] == "道路破损" and road["type"] == "realtime"
    assert road["metadata"] in (False, "false")
    assert road["group"] == "道路养护所"
    assert "pothole" in road["keywords"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_service_definitions(console: Console, fmt):
    document = await fetch(console, "services/road", fmt)
    if fmt == "json":
        assert document == {"service_code": "road", "attributes": []}
    else:
        tag, children = document
        assert tag == "service_definition"
        assert [name for name, _ in children] == ["service_code", "attributes"]
    check_error(await fetch(console, "services/nothing", fmt, status=404), fmt, 404)


def check_error(document, fmt: str, code: int) -> str:
    [error] = check_list(document, fmt, "errors", "error", ERROR_FIELDS)
    assert int(error["code"]) == code
    assert error["description"]
    return error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_requests_list_and_one(console: Console, fmt):
    first = await console.file(text="路面鼓包 13800138000", address="东湖北路 12 号")
    second = await console.file(where=(39.9215, 116.4600), text="井盖破损")
    csrf = await console.sign_in(ROADS_STAFF)
    await console.client.post(f"/web/tickets/{second}/act",
                              data={"csrf": csrf, "op": "resolve"}, allow_redirects=False)
    items = check_list(await fetch(console, "requests", fmt), fmt, "service_requests",
                       "request", REQUEST_FIELDS)
    assert [i["service_request_id"] for i in items] == [str(second), str(first)]
    assert [i["status"] for i in items] == ["closed", "open"]
    assert items[0]["status_notes"] == "已解决"
    assert items[1]["agency_responsible"] == "道路养护所"
    # Without a key: no description, and the place by its area's name only.
    assert not items[1]["description"]
    assert items[1]["address"] == "东湖社区 Donghu"
    assert items[1]["requested_datetime"] == "2026-06-01T12:00:00+08:00"
    assert items[1]["expected_datetime"] == "2026-06-02T12:00:00+08:00"
    assert not items[0]["expected_datetime"]

    [one] = check_list(await fetch(console, f"requests/{first}", fmt), fmt,
                       "service_requests", "request", REQUEST_FIELDS)
    assert one["service_code"] == "road" and one["service_name"] == "道路破损"
    keyed = await console.client.get(f"{V2}/requests/{first}.json?api_key={API_KEY}")
    [full] = await keyed.json()
    assert full["description"] == "路面鼓包 13800138000"
    assert full["address"] == "东湖北路 12 号"
    check_error(await fetch(console, "requests/999", fmt, status=404), fmt, 404)
    check_error(await fetch(console, "requests/abc", fmt, status=404), fmt, 404)
    wrong = await console.client.get(f"{V2}/requests.{fmt}?api_key=wrong")
    assert wrong.status == 403


async def test_request_filters(console: Console):
    road = await console.file()
    water = await console.file(where=(39.9215, 116.4600), text="水管爆裂", category="water")
    console.clock.advance(timedelta(days=40))
    later = await console.file(where=(39.9315, 116.4600))

    async def ids(query: str, status: int = 200) -> list[str]:
        response = await console.client.get(f"{V2}/requests.json?{query}")
        assert response.status == status, await response.text()
        body = await response.json()
        return [i["service_request_id"] for i in body] if status == 200 else body

    assert await ids("") == [str(later), str(water), str(road)]
    assert await ids("service_code=water") == [str(water)]
    assert await ids("service_code=road,water&status=open") == [str(later), str(water),
                                                               str(road)]
    assert await ids("status=closed") == []
    assert await ids("start_date=2026-07-01T00:00:00Z") == [str(later)]
    assert await ids("end_date=2026-06-02T00:00:00%2B08:00") == [str(water), str(road)]
    assert await ids("start_date=2026-05-31T00:00:00Z&end_date=2026-06-02T00:00:00Z") == [
        str(water), str(road)]
    assert await ids(f"service_request_id={road},{later}&status=closed") == [str(road),
                                                                            str(later)]
    for bad in ("start_date=yesterday", "status=pending", "service_request_id=a,b",
                "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                "start_date=2026-06-02T00:00:00Z&end_date=2026-06-01T00:00:00Z"):
        [error] = await ids(bad, status=400)
        assert error["code"] == 400 and error["description"], bad


async def post(console: Console, fmt: str, status: int = 200, **fields):
    return await fetch(console, "requests", fmt, status=status, method="POST", data=fields)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_posting_without_the_right_key_is_forbidden(console: Console, fmt):
    for key in ({}, {"api_key": ""}, {"api_key": "wrong"}, {"api_key": API_KEY + "x"}):
        description = check_error(await post(console, fmt, status=403, service_code="road",
                                             lat="39.9215", long="116.4712", **key), fmt, 403)
        assert "api_key" in description
    async with console.uows(read_only=True) as uow:
        assert await uow.tickets.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_posted_request_is_filed_routed_announced_and_timed(console: Console, fmt):
    [created] = check_list(await post(
        console, fmt, api_key=API_KEY, service_code="road", lat=str(DONGHU[0]),
        long=str(DONGHU[1]), description="路面塌陷", first_name="12345", last_name="热线",
        email="someone@example.org", phone="13800138000",
        media_url="https://example.org/p/1.jpg"),
        fmt, "service_requests", "request", CREATED_FIELDS)
    number = int(created["service_request_id"])
    assert "道路养护所" in created["service_notice"]
    async with console.uows(read_only=True) as uow:
        row = (await uow.session.execute(
            select(TicketRow).where(TicketRow.number == number))).scalar_one()
        told = (await uow.session.execute(select(OutboxRow))).scalars().all()
    assert (row.category_id, row.department_id, row.status) == ("road", "roads", "assigned")
    assert row.ack_due_at - row.reported_at == timedelta(minutes=30)
    assert row.resolve_due_at - row.reported_at == timedelta(hours=24)
    assert row.chat_id == ADMIN_CHAT
    assert row.reporter_name == "12345 热线"
    assert "13800138000" not in str(row.__dict__), "phone numbers are not kept"
    assert row.description == "路面塌陷\nhttps://example.org/p/1.jpg"
    chats = {m.chat_id for m in told}
    assert ROADS_CHAT in chats and ADMIN_CHAT in chats
    # The same problem posted again nearby joins the ticket.
    [again] = check_list(await post(
        console, fmt, api_key=API_KEY, service_code="road", lat=str(DONGHU[0] + 0.0001),
        long=str(DONGHU[1])), fmt, "service_requests", "request", CREATED_FIELDS)
    assert again["service_request_id"] == str(number)
    assert "已并入" in again["service_notice"]


async def test_a_place_may_be_given_by_its_name(console: Console):
    [created] = await post(console, "json", api_key=API_KEY, service_code="sanitation",
                           address_string="东湖社区南门垃圾桶")
    async with console.uows(read_only=True) as uow:
        summary = await uow.console.summary(int(created["service_request_id"]))
    assert summary.address == "东湖社区南门垃圾桶"
    assert console.deps.areas.name_at(summary.lat, summary.lon) == "东湖社区 Donghu"


BAD_REQUESTS = [
    ({"lat": "39.9215", "long": "116.4712"}, 400),  # no service_code
    ({"service_code": "nothing", "lat": "39.9215", "long": "116.4712"}, 404),
    ({"service_code": "road"}, 400),  # no location
    ({"service_code": "road", "lat": "39.9215"}, 400),
    ({"service_code": "road", "lat": "north", "long": "east"}, 400),
    ({"service_code": "road", "lat": "91", "long": "116"}, 400),
    ({"service_code": "road", "address_id": "A-17"}, 400),
    ({"service_code": "road", "address_string": "月球背面"}, 400),
    ({"service_code": "road", "lat": "40.5", "long": "117.5"}, 400),  # outside the areas
    ({"service_code": "road", "lat": "39.9215", "long": "116.4712",
      "description": "长" * 4001}, 400),
    ({"service_code": "road", "lat": "39.9215", "long": "116.4712",
      "media_url": "file:///etc/passwd"}, 400),
]


async def test_bad_requests_get_the_specs_errors(console: Console):
    for index, (fields, status) in enumerate(BAD_REQUESTS):
        fmt = FORMATS[index % 2]
        check_error(await post(console, fmt, status=status, api_key=API_KEY, **fields), fmt,
                    status)
    async with console.uows(read_only=True) as uow:
        assert await uow.tickets.count() == 0


async def test_unknown_resources_and_formats_are_404_in_the_specs_format(console: Console):
    for path in ("/open311/v2/tokens/1.xml", "/open311/v2/requests.csv", "/open311/v3/x"):
        response = await console.client.get(path)
        assert response.status == 404
        assert (await response.read()).startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    response = await console.client.get("/open311/v2/nothing.json")
    assert response.status == 404 and (await response.json())[0]["code"] == 404
