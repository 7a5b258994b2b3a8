"""Warm stations: the nearest ones, datums, and how an answer reads."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.geo import great_circle_m
from domain.opening_hours import OpeningHours
from domain.stations import Station, StationIndex, to_wgs84
from handlers.stations.render import distance, nearby_text
from handlers.stations.vocabulary import facility_id
from handlers.texts import Texts

ALWAYS = OpeningHours.parse("24h")
points = st.tuples(st.floats(39.80, 40.05), st.floats(116.30, 116.60))


def station(name: str, lat: float, lon: float, hours: str = "24h") -> Station:
    return Station(name, lat, lon, OpeningHours.parse(hours), ("charging", "water"))


@settings(max_examples=60, deadline=None)
@given(st.lists(points, min_size=1, max_size=40), points, st.integers(1, 5))
def test_the_nearest_are_the_nearest(spots, here, count):
    index = StationIndex([station(f"s{i}", lat, lon) for i, (lat, lon) in enumerate(spots)])
    found = index.nearest(*here, count)
    expected = sorted(great_circle_m(*here, lat, lon) for lat, lon in spots)[:count]
    assert len(found) == min(count, len(spots))
    assert [round(n.distance_m, 6) for n in found] == [round(d, 6) for d in expected]


def test_no_stations_no_answer():
    assert StationIndex([]).nearest(39.9, 116.4) == []
    assert nearby_text(StationIndex([]), 39.9, 116.4, datetime.now(ZoneInfo("UTC")),
                       Texts("zh")) is None


def test_gcj02_positions_come_back_to_wgs84():
    wgs = (39.9215, 116.4712)
    # The published offset around Beijing is a few hundred metres.
    gcj = (39.922805, 116.477314)
    lat, lon = to_wgs84(*gcj, "gcj02")
    assert great_circle_m(lat, lon, *wgs) < 1.0
    assert 400 < great_circle_m(*gcj, *wgs) < 700
    assert to_wgs84(*wgs, "wgs84") == wgs
    assert to_wgs84(48.85, 2.35, "gcj02") == (48.85, 2.35), "no shift outside China"


def test_distances_read_naturally():
    zh, en = Texts("zh"), Texts("en")
    assert distance(4, zh) == "0 米" and distance(343, zh) == "340 米"
    assert distance(1234, zh) == "1.2 公里" and distance(15_400, en) == "15 km"


def test_facilities_by_id_or_name():
    assert facility_id("充电") == facility_id("Charging") == facility_id("charging") == "charging"
    assert facility_id("药箱") == "first_aid"
    assert facility_id("sauna") is None


def test_an_answer_in_english_at_night():
    index = StationIndex([station("东湖暖心驿站", 39.9215, 116.4712, "07:00-22:00")])
    night = datetime(2026, 6, 1, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = nearby_text(index, 39.9215, 116.4712, night, Texts("en"))
    assert text is not None
    assert "🔴 Closed · opens tomorrow 07:00" in text
    assert "openstreetmap.org" in text and "🔌🚰" in text
