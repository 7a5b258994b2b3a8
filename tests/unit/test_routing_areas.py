import json
from pathlib import Path

import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from domain.geo import CoordinatesOutOfRange
from handlers.routing.areas import (
    AreaFileError,
    DepartmentScope,
    Router,
    load_area,
    parse_area,
)

# Boxes are (min lon, min lat, max lon, max lat): GeoJSON/shapely order.
DISTRICT = box(116.0, 39.5, 117.0, 40.5)
STREET = box(116.3, 39.8, 116.5, 40.0)  # inside DISTRICT
IN_STREET = (39.9, 116.4)  # (lat, lon), as the bot receives it
IN_DISTRICT_ONLY = (40.3, 116.8)
OUTSIDE = (31.23, 121.47)


def ring(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def write(tmp_path: Path, document: object, name: str = "area.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def polygon_doc(*bounds: float) -> dict:
    return {"type": "Polygon", "coordinates": [ring(*bounds)]}


# --- routing ----------------------------------------------------------------------------


def test_smaller_nested_area_wins():
    router = Router(
        [
            DepartmentScope("district-roads", frozenset({"roads"}), DISTRICT),
            DepartmentScope("street-roads", frozenset({"roads"}), STREET),
        ],
        fallback="district-office",
    )
    assert router.route("roads", *IN_STREET) == "street-roads"
    assert router.route("roads", *IN_DISTRICT_ONLY) == "district-roads"
    assert router.route("roads", *OUTSIDE) == "district-office"


def test_order_of_configuration_does_not_beat_size():
    router = Router(
        [
            DepartmentScope("street-roads", frozenset({"roads"}), STREET),
            DepartmentScope("district-roads", frozenset({"roads"}), DISTRICT),
        ],
        fallback=None,
    )
    assert router.route("roads", *IN_STREET) == "street-roads"


def test_overlapping_areas_pick_the_smaller():
    west = box(116.0, 39.0, 116.6, 40.0)  # 0.6 x 1.0
    east = box(116.4, 39.0, 116.8, 40.0)  # 0.4 x 1.0, overlaps west on 116.4..116.6
    router = Router(
        [
            DepartmentScope("west", frozenset({"water"}), west),
            DepartmentScope("east", frozenset({"water"}), east),
        ],
        fallback=None,
    )
    assert router.route("water", 39.5, 116.5) == "east"
    assert router.route("water", 39.5, 116.2) == "west"
    assert router.route("water", 39.5, 116.7) == "east"


def test_equal_areas_go_to_the_first_configured():
    router = Router(
        [
            DepartmentScope("first", frozenset({"water"}), box(0, 0, 1, 1)),
            DepartmentScope("second", frozenset({"water"}), box(0, 0, 1, 1)),
        ],
        fallback=None,
    )
    assert router.route("water", 0.5, 0.5) == "first"


def test_department_without_area_serves_everywhere_but_loses_to_any_area():
    router = Router(
        [
            DepartmentScope("city-lighting", frozenset({"lighting"})),
            DepartmentScope("district-lighting", frozenset({"lighting"}), DISTRICT),
        ],
        fallback="office",
    )
    assert router.route("lighting", *IN_STREET) == "district-lighting"
    assert router.route("lighting", *OUTSIDE) == "city-lighting"
    assert router.route("lighting", -33.87, 151.21) == "city-lighting"


def test_category_filter():
    router = Router(
        [
            DepartmentScope("district-roads", frozenset({"roads", "trees"}), DISTRICT),
            DepartmentScope("street-lighting", frozenset({"lighting"}), STREET),
        ],
        fallback="office",
    )
    assert router.route("roads", *IN_STREET) == "district-roads"
    assert router.route("lighting", *IN_STREET) == "street-lighting"
    assert router.route("lighting", *IN_DISTRICT_ONLY) == "office"
    assert router.route("sewage", *IN_STREET) == "office"


def test_no_match_and_no_fallback_is_none():
    router = Router([DepartmentScope("roads", frozenset({"roads"}), STREET)], fallback=None)
    assert router.route("roads", *OUTSIDE) is None
    assert Router([], fallback=None).route("roads", *IN_STREET) is None
    assert Router([], fallback="office").route("roads", *IN_STREET) == "office"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (39.8, 116.4),  # on the southern edge
        (40.0, 116.4),  # on the northern edge
        (39.9, 116.3),  # on the western edge
        (39.8, 116.3),  # on a corner
        (40.0, 116.5),  # on the opposite corner
    ],
)
def test_boundary_points_count_as_inside(lat, lon):
    router = Router([DepartmentScope("street", frozenset({"roads"}), STREET)], fallback="office")
    assert router.route("roads", lat, lon) == "street"
    assert router.in_service_area(lat, lon)


def test_axis_order_is_lat_lon_in_and_lon_lat_in_areas():
    # An area far from square in shape and away from the lat = lon diagonal.
    area = parse_area(polygon_doc(10.0, 40.0, 20.0, 50.0))  # lon 10..20, lat 40..50
    router = Router([DepartmentScope("d", frozenset({"roads"}), area)], fallback="office")
    assert router.route("roads", 45.0, 15.0) == "d"  # lat 45, lon 15
    assert router.route("roads", 15.0, 45.0) == "office"  # swapped: lat 15, lon 45
    assert not router.in_service_area(15.0, 45.0)


def test_in_service_area():
    router = Router(
        [
            DepartmentScope("street", frozenset({"roads"}), STREET),
            DepartmentScope("everywhere", frozenset({"trees"})),
        ],
        fallback=None,
    )
    assert router.in_service_area(*IN_STREET)
    assert not router.in_service_area(*IN_DISTRICT_ONLY)
    no_areas = Router([DepartmentScope("everywhere", frozenset({"trees"}))], fallback=None)
    assert no_areas.in_service_area(*OUTSIDE)
    assert Router([], fallback=None).in_service_area(*OUTSIDE)


def test_multipolygon_area():
    two_parts = MultiPolygon([box(0, 0, 1, 1), box(5, 5, 6, 6)])
    router = Router([DepartmentScope("d", frozenset({"roads"}), two_parts)], fallback="office")
    assert router.route("roads", 0.5, 0.5) == "d"
    assert router.route("roads", 5.5, 5.5) == "d"
    assert router.route("roads", 3.0, 3.0) == "office"


def test_router_rejects_bad_configuration():
    with pytest.raises(ValueError, match="twice"):
        Router(
            [
                DepartmentScope("d", frozenset({"roads"})),
                DepartmentScope("d", frozenset({"trees"})),
            ],
            fallback=None,
        )
    with pytest.raises(ValueError, match="polygon"):
        Router([DepartmentScope("d", frozenset(), Polygon())], fallback=None)


def test_route_rejects_impossible_coordinates():
    router = Router([DepartmentScope("d", frozenset({"roads"}), STREET)], fallback=None)
    with pytest.raises(CoordinatesOutOfRange):
        router.route("roads", 116.4, 39.9)


# --- loading ----------------------------------------------------------------------------


def test_load_polygon(tmp_path):
    area = load_area(write(tmp_path, polygon_doc(116.3, 39.8, 116.5, 40.0)))
    assert area.equals(STREET)


def test_load_polygon_with_hole(tmp_path):
    doc = {
        "type": "Polygon",
        "coordinates": [ring(116.0, 39.5, 117.0, 40.5), ring(116.3, 39.8, 116.5, 40.0)],
    }
    router = Router(
        [DepartmentScope("d", frozenset({"roads"}), load_area(write(tmp_path, doc)))],
        fallback="office",
    )
    assert router.route("roads", *IN_STREET) == "office"  # inside the hole
    assert router.route("roads", 39.8, 116.4) == "d"  # the hole's edge is the area's edge


def test_load_multipolygon(tmp_path):
    doc = {
        "type": "MultiPolygon",
        "coordinates": [[ring(0, 0, 1, 1)], [ring(5, 5, 6, 6)]],
    }
    area = load_area(write(tmp_path, doc))
    assert isinstance(area, MultiPolygon)
    assert area.area == pytest.approx(2.0)


def test_load_feature(tmp_path):
    doc = {"type": "Feature", "properties": {"name": "街道"}, "geometry": polygon_doc(0, 0, 1, 1)}
    assert load_area(write(tmp_path, doc)).equals(box(0, 0, 1, 1))


def test_load_feature_collection_is_the_union(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": polygon_doc(0, 0, 2, 1)},
            {"type": "Feature", "properties": {}, "geometry": polygon_doc(1, 0, 3, 1)},
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring(10, 10, 11, 11)]]},
            },
        ],
    }
    area = load_area(write(tmp_path, doc))
    assert area.area == pytest.approx(4.0)  # overlap counted once
    assert area.covers(box(0, 0, 3, 1))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a GeoJSON object"),
        (json.dumps({"type": "Point", "coordinates": [116.4, 39.9]}), "unsupported GeoJSON type"),
        (
            json.dumps({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
            "unsupported GeoJSON type",
        ),
        (json.dumps({"type": "FeatureCollection", "features": []}), "no polygons"),
        (json.dumps({"type": "FeatureCollection"}), "list of features"),
        (json.dumps({"type": "Feature", "geometry": None}), "no geometry"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1]]]}), "malformed"),
        (json.dumps({"type": "Polygon", "coordinates": []}), "empty"),
        # A bow tie: the ring crosses itself.
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
            ),
            "Self-intersection",
        ),
        (json.dumps(polygon_doc(100, 0, 200, 10)), "outside longitude/latitude range"),
        # Written as [lat, lon]: latitude 116 is impossible, and we say why.
        (json.dumps(polygon_doc(39.5, 116.0, 40.5, 117.0)), "[longitude, latitude]"),
    ],
)
def test_bad_files(tmp_path, content, reason):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AreaFileError) as caught:
        load_area(path)
    assert caught.value.path == str(path)
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(AreaFileError, match="cannot read"):
        load_area(tmp_path / "nowhere.geojson")


def test_binary_file(tmp_path):
    path = tmp_path / "image.geojson"
    path.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(AreaFileError, match="not valid JSON"):
        load_area(path)
