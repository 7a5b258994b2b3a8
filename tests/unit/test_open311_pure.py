"""Open311's pure parts: the two formats, the status mapping and the arguments."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.web.open311.formats import list_document, object_document
from bot.web.open311.mapping import (
    CLOSED_VALUES,
    OPEN_VALUES,
    open_or_closed,
    statuses_for,
    w3,
)
from bot.web.open311.params import Open311Error, new_request, parse_datetime, requests_query
from domain.status import Status

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


def test_every_status_is_open_or_closed_and_settled_ones_are_closed():
    assert {s.value for s in Status} == OPEN_VALUES | CLOSED_VALUES
    assert not OPEN_VALUES & CLOSED_VALUES
    assert [s for s in Status if open_or_closed(s.value) == "closed"] == [
        Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE]
    assert statuses_for(["open"]) == OPEN_VALUES
    assert statuses_for(["open", "closed"]) == OPEN_VALUES | CLOSED_VALUES


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]),
                                st.one_of(st.none(), st.booleans(), st.integers(), TEXT)),
                max_size=4))
def test_xml_and_json_carry_the_same_items(items):
    as_json = json.loads(list_document("json", "things", "thing", items))
    assert as_json == items
    root = ElementTree.fromstring(list_document("xml", "things", "thing", items))
    assert root.tag == "things" and [child.tag for child in root] == ["thing"] * len(items)
    for element, item in zip(root, items, strict=True):
        assert [child.tag for child in element] == list(item)
        for child in element:
            value = item[child.tag]
            expected = None if value is None else (
                ("true" if value else "false") if isinstance(value, bool) else str(value))
            assert (child.text or None) == (expected or None)


def test_nested_lists_name_their_children():
    root = ElementTree.fromstring(object_document("xml", "discovery", {
        "endpoints": [{"formats": ["text/xml", "application/json"]}]}))
    formats = root.find("endpoints/endpoint/formats")
    assert [f.tag for f in formats] == ["format", "format"]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.sampled_from([UTC, TZ, ZoneInfo("America/New_York")])))
def test_w3_times_carry_their_offset_and_read_back(moment):
    text = w3(moment, TZ)
    assert text[-6] in "+-" and text[-3] == ":"
    # Compared in UTC: Python never finds a time in a daylight-saving fold equal to one of
    # another zone.
    assert parse_datetime(text, "start_date", TZ).astimezone(UTC) == moment.astimezone(
        UTC).replace(microsecond=0)


def test_the_request_list_defaults_to_ninety_days_and_refuses_more():
    query = requests_query({}, NOW, TZ)
    assert (query.start, query.end) == (NOW - timedelta(days=90), NOW)
    start = requests_query({"start_date": "2026-01-01T00:00:00Z"}, NOW, TZ)
    assert start.end - start.start == timedelta(days=90)
    local = requests_query({"end_date": "2026-06-01T00:00:00"}, NOW, TZ)
    assert local.end == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    ids = requests_query({"service_request_id": "3, 1,2", "status": "nonsense"}, NOW, TZ)
    assert ids.numbers == (3, 1, 2)
    for bad in ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
                {"status": "pending"}, {"service_request_id": "1,x"},
                {"end_date": "June"}):
        with pytest.raises(Open311Error) as refused:
            requests_query(bad, NOW, TZ)
        assert refused.value.http == 400


def test_a_new_request_needs_a_code_and_a_place():
    made = new_request({"service_code": "road", "lat": "39.9", "long": "116.4",
                        "first_name": " 12345", "last_name": "热线 ", "phone": "138"})
    assert (made.lat, made.lon, made.name) == (39.9, 116.4, "12345 热线")
    assert new_request({"service_code": "road", "address_string": "东湖"}).lat is None
    for bad in ({}, {"service_code": "road"}, {"service_code": "road", "long": "1"},
                {"service_code": "road", "lat": "nan", "long": "1"},
                {"service_code": "road", "lat": "1", "long": "181"}):
        with pytest.raises(Open311Error):
            new_request(bad)
