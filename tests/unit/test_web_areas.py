"""The configured areas on the map: drawn once per file, and naming where a ticket is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from bot.settings import SAMPLE_CONFIG, load_settings
from bot.web.areas import AreaIndex

AREAS = AreaIndex(load_settings(SAMPLE_CONFIG))


def test_each_area_file_is_drawn_once_with_every_department_that_uses_it():
    assert len(AREAS.layers) == 2
    shared = AREAS.for_map("zh")[0]
    assert shared["name"] == "道路养护所、环卫所、供排水抢修队、街道综合办"
    assert AREAS.for_map("en")[1]["name"] == "Donghu volunteer repair team"


def test_a_place_is_named_by_the_smallest_area_around_it():
    assert AREAS.name_at(39.9215, 116.4712) == "东湖社区 Donghu"
    assert AREAS.name_at(39.9168, 116.4436) == "示范街道 Sample District"
    assert AREAS.name_at(40.5, 117.5) == ""
    assert AREAS.name_at(None, None) == ""
    assert AREAS.bounds() == (116.425, 39.895, 116.495, 39.945)


@settings(max_examples=60)
@given(st.lists(st.one_of(st.tuples(st.floats(39.88, 39.96), st.floats(116.40, 116.52)),
                          st.just((None, None))), max_size=30))
def test_many_places_at_once_are_named_as_one_by_one(points):
    assert AREAS.names_at(points) == [AREAS.name_at(lat, lon) for lat, lon in points]


def test_an_address_finds_the_area_it_names():
    for text, area in (("东湖社区南门垃圾桶", "东湖社区 Donghu"),
                       ("near Donghu north gate", "东湖社区 Donghu"),
                       ("示范街道办事处", "示范街道 Sample District")):
        found = AREAS.find(text)
        assert found is not None, text
        named = next(a for a in AREAS._named if a.name == area)
        assert named.geometry.covers(Point(found[1], found[0])), text
    assert AREAS.find("月球背面") is None
