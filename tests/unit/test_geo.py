import math
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from domain.geo import (
    EARTH_RADIUS_M,
    CoordinatesOutOfRange,
    InvalidGeohash,
    bounds,
    cells_covering,
    decode,
    encode,
    format_coordinates,
    great_circle_m,
    map_link,
    neighbours,
    precision_for_radius,
    validate_coordinates,
)

BEIJING = (39.9042, 116.4074)
SHANGHAI = (31.2304, 121.4737)

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


def destination(
    lat: float, lon: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point reached by going distance_m from (lat, lon) on a great circle."""
    phi1, lam1 = math.radians(lat), math.radians(lon)
    theta, delta = math.radians(bearing_deg), distance_m / EARTH_RADIUS_M
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * sin_phi2,
    )
    lon2 = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return max(-90.0, min(90.0, math.degrees(phi2))), lon2


# --- validation -----------------------------------------------------------------------


def test_validate_returns_floats():
    assert validate_coordinates(39, 116) == (39.0, 116.0)
    assert validate_coordinates(-90, 180) == (-90.0, 180.0)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(90.1, 0), (-91, 0), (0, 180.5), (0, -181), (math.nan, 0), (0, math.inf), ("x", 0), (None, 1)],
)
def test_validate_rejects(lat, lon):
    with pytest.raises(CoordinatesOutOfRange):
        validate_coordinates(lat, lon)


def test_out_of_range_is_a_value_error():
    assert issubclass(CoordinatesOutOfRange, ValueError)


# --- great-circle distance -------------------------------------------------------------


def test_great_circle_known_distances():
    assert great_circle_m(*BEIJING, *SHANGHAI) == pytest.approx(1_067_300, rel=2e-3)
    one_degree = 2 * math.pi * EARTH_RADIUS_M / 360
    assert great_circle_m(0, 0, 0, 1) == pytest.approx(one_degree)
    assert great_circle_m(0, 179.5, 0, -179.5) == pytest.approx(one_degree)  # across ±180
    assert great_circle_m(90, 0, 90, 123) == pytest.approx(0, abs=1e-6)
    assert great_circle_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)


@given(lats, lons, lats, lons)
def test_great_circle_symmetric_and_non_negative(lat1, lon1, lat2, lon2):
    d = great_circle_m(lat1, lon1, lat2, lon2)
    assert 0 <= d <= math.pi * EARTH_RADIUS_M + 1e-6
    assert d == pytest.approx(great_circle_m(lat2, lon2, lat1, lon1), abs=1e-6)
    assert great_circle_m(lat1, lon1, lat1, lon1) == 0


@given(lats, lons, lats, lons, lats, lons)
# B on the meridian from A to a point a hair from A's antipode: the haversine formula, used
# before, made AC longer than AB + BC by 12 mm.
@example(0.0, 0.0, 1.0, 0.0, 1.0647674987150787e-07, 180.0)
def test_great_circle_triangle_inequality(a_lat, a_lon, b_lat, b_lon, c_lat, c_lon):
    ab = great_circle_m(a_lat, a_lon, b_lat, b_lon)
    bc = great_circle_m(b_lat, b_lon, c_lat, c_lon)
    ac = great_circle_m(a_lat, a_lon, c_lat, c_lon)
    assert ac <= ab + bc + 1e-3


# --- geohash ----------------------------------------------------------------------------


def test_encode_known_values():
    assert encode(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert encode(*BEIJING, 6) == "wx4g0b"
    assert encode(-90, -180, 3) == "000"
    assert encode(90, 180, 3) == "zzz"


def test_decode_known_value():
    lat, lon = decode("ezs42")
    assert lat == pytest.approx(42.605, abs=0.03)
    assert lon == pytest.approx(-5.603, abs=0.03)
    assert decode("EZS42") == (lat, lon)


def test_bounds_match_the_cell_size():
    cell = bounds("wx4g0b")
    assert cell.north - cell.south == pytest.approx(180 / 2**15)
    assert cell.east - cell.west == pytest.approx(360 / 2**15)
    assert cell.south <= BEIJING[0] < cell.north
    assert cell.west <= BEIJING[1] < cell.east


@pytest.mark.parametrize("bad", ["", "wx4a", "wx4i", "wx4l", "wx4o", "w x", "0" * 13])
def test_invalid_geohash(bad):
    with pytest.raises(InvalidGeohash):
        decode(bad)


@pytest.mark.parametrize("precision", [0, 13])
def test_encode_rejects_bad_precision(precision):
    with pytest.raises(ValueError):
        encode(0, 0, precision)


@given(lats, lons, st.integers(1, 12))
def test_geohash_round_trip_within_cell_error(lat, lon, precision):
    geohash = encode(lat, lon, precision)
    assert len(geohash) == precision
    cell = bounds(geohash)
    assert cell.south <= lat <= cell.north
    assert cell.west <= lon <= cell.east
    centre_lat, centre_lon = decode(geohash)
    assert abs(centre_lat - lat) <= (cell.north - cell.south) / 2 + 1e-12
    assert abs(centre_lon - lon) <= (cell.east - cell.west) / 2 + 1e-12
    assert encode(centre_lat, centre_lon, precision) == geohash
    # A shorter hash is a prefix: what makes prefix queries in storage work.
    assert encode(lat, lon, max(1, precision - 1)) == geohash[: max(1, precision - 1)]


def test_neighbours_are_the_adjacent_cells():
    geohash = encode(*BEIJING, 7)
    cell = bounds(geohash)
    height, width = cell.north - cell.south, cell.east - cell.west
    found = neighbours(geohash)
    assert len(found) == 8 and geohash not in found
    expected = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
    for (north, east), neighbour in zip(expected, found, strict=True):
        lat, lon = decode(neighbour)
        assert lat == pytest.approx(cell.centre[0] + north * height)
        assert lon == pytest.approx(cell.centre[1] + east * width)


def test_neighbours_wrap_across_the_antimeridian():
    east_edge = encode(10, 179.999, 5)
    found = neighbours(east_edge)
    east = found[2]
    assert bounds(east).west == -180.0
    assert east_edge in neighbours(east)


def test_neighbours_stop_at_the_poles():
    top = encode(90, 0, 4)
    found = neighbours(top)
    assert len(found) == 5  # E, SE, S, SW, W: nothing lies north of the top row
    assert all(bounds(n).north <= bounds(top).north for n in found)


# --- precision and covering -------------------------------------------------------------


def test_precision_for_radius():
    assert precision_for_radius(250) == 6
    assert precision_for_radius(250, 39.9) == 6
    # Cells are narrower in metres near the poles, so they must be coarser.
    assert precision_for_radius(250, 85) < precision_for_radius(250, 0)
    assert precision_for_radius(1) >= 8
    assert precision_for_radius(5_000_000) == 1
    assert precision_for_radius(100, 89.9999) == 1  # the circle contains the pole


@given(st.floats(0, 20_000_000), st.floats(0, 20_000_000), lats)
def test_precision_never_gets_finer_for_a_larger_radius(a, b, lat):
    small, large = sorted((a, b))
    assert precision_for_radius(large, lat) <= precision_for_radius(small, lat)


@pytest.mark.parametrize("radius", [-1, math.nan, math.inf])
def test_precision_rejects_bad_radius(radius):
    with pytest.raises(ValueError):
        precision_for_radius(radius)


def test_cells_covering_nearby_duplicate_radius():
    cells = cells_covering(*BEIJING, 250)
    assert cells[0] == encode(*BEIJING, 6)
    assert set(cells) <= {cells[0], *neighbours(cells[0])}
    assert 1 <= len(cells) <= 9


def test_cells_covering_across_the_antimeridian():
    cells = cells_covering(0.0001, 179.9999, 250)
    assert any(bounds(c).west == -180.0 for c in cells)
    assert any(bounds(c).east == 180.0 for c in cells)
    assert encode(0.0001, -179.9999, len(cells[0])) in cells


def test_cells_covering_the_pole_takes_the_whole_polar_row():
    cells = cells_covering(89.9999, 0, 250)
    assert set(cells) == {encode(89.9, lon, 1) for lon in range(-180, 180, 45)}


def test_cells_covering_with_explicit_precision():
    cells = cells_covering(*BEIJING, 250, precision=7)
    assert all(len(c) == 7 for c in cells)
    assert 4 <= len(cells) <= 25
    with pytest.raises(ValueError):
        cells_covering(*BEIJING, 50_000, precision=9)


def assert_covered(lat, lon, radius, bearing, fraction):
    cells = cells_covering(lat, lon, radius)
    precision = len(cells[0])
    assert all(len(c) == precision for c in cells)
    p_lat, p_lon = destination(lat, lon, bearing, radius * fraction)
    assume(great_circle_m(lat, lon, p_lat, p_lon) <= radius)
    assert encode(p_lat, p_lon, precision) in cells
    if p_lon == -180.0:  # the same meridian, spelled the other way
        assert encode(p_lat, 180.0, precision) in cells


radii = st.floats(1, 50_000)
bearings = st.floats(0, 360)
fractions = st.floats(0, 1)


@settings(max_examples=300, deadline=None)
@given(lats, lons, radii, bearings, fractions)
def test_cells_covering_really_covers(lat, lon, radius, bearing, fraction):
    assert_covered(lat, lon, radius, bearing, fraction)


@settings(max_examples=200, deadline=None)
@given(st.floats(88, 90) | st.floats(-90, -88), lons, radii, bearings, fractions)
def test_cells_covering_really_covers_near_the_poles(lat, lon, radius, bearing, fraction):
    assert_covered(lat, lon, radius, bearing, fraction)


@settings(max_examples=200, deadline=None)
@given(lats, st.floats(179, 180) | st.floats(-180, -179), radii, bearings, fractions)
def test_cells_covering_really_covers_near_the_antimeridian(lat, lon, radius, bearing, fraction):
    assert_covered(lat, lon, radius, bearing, fraction)


@settings(deadline=None)
@given(st.floats(-80, 80), lons, st.floats(1, 20_000))
def test_default_covering_is_one_ring_at_most(lat, lon, radius):
    cells = cells_covering(lat, lon, radius)
    assert len(cells) <= 9
    assert set(cells) <= {cells[0], *neighbours(cells[0])}


# --- presentation -----------------------------------------------------------------------


def test_format_coordinates():
    assert format_coordinates(*BEIJING) == "39.9042, 116.4074"
    assert format_coordinates(-33.86882, 151.20929) == "-33.8688, 151.2093"
    assert format_coordinates(-0.00001, 0) == "0.0000, 0.0000"


def test_map_link_zh_is_amap_in_wgs84_lon_first():
    url = urlparse(map_link(*BEIJING, "zh", label="路面隆起"))
    assert (url.scheme, url.netloc, url.path) == ("https", "uri.amap.com", "/marker")
    query = parse_qs(url.query)
    assert query["position"] == ["116.407400,39.904200"]
    assert query["coordinate"] == ["wgs84"]
    assert query["name"] == ["路面隆起"]
    assert map_link(*BEIJING, "zh-hans").startswith("https://uri.amap.com/marker?")


def test_map_link_en_is_openstreetmap():
    url = map_link(*BEIJING, "en")
    assert url.startswith("https://www.openstreetmap.org/?mlat=39.904200&mlon=116.407400")
    assert url.endswith("#map=18/39.904200/116.407400")


def test_map_link_validates():
    with pytest.raises(CoordinatesOutOfRange):
        map_link(116.4, 39.9, "en")  # latitude and longitude swapped
