"""WGS-84 helpers: validation, distance, geohash cells for "what is nearby", map links.

Geohash cells let storage find nearby tickets with an indexed prefix match instead of
computing distances over every row: store each ticket's full-precision hash, then query
`hash LIKE cell || '%'` for every cell returned by `cells_covering`, and confirm the
candidates with `great_circle_m`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius; the same sphere everywhere in this module

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
_DECODE = {ch: i for i, ch in enumerate(BASE32)}
MAX_PRECISION = 12
# An explicit precision much finer than the radius would enumerate a huge grid.
MAX_COVERING_CELLS = 1024
# Widens the search box by a hair so float rounding can never drop a cell on its edge.
_SLACK_DEG = 1e-9


class CoordinatesOutOfRange(ValueError):
    """Latitude/longitude that is not a finite WGS-84 position."""


class InvalidGeohash(ValueError):
    """A geohash string with unknown characters or an unsupported length."""


@dataclass(frozen=True)
class GeohashCell:
    """The bounding box of one geohash, in degrees."""

    south: float
    west: float
    north: float
    east: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.south + self.north) / 2, (self.west + self.east) / 2


def validate_coordinates(lat: float, lon: float) -> tuple[float, float]:
    """Return (lat, lon) as floats, or raise CoordinatesOutOfRange."""
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise CoordinatesOutOfRange(f"not a number: {lat!r}, {lon!r}") from exc
    if not (math.isfinite(flat) and math.isfinite(flon)):
        raise CoordinatesOutOfRange(f"not finite: {lat!r}, {lon!r}")
    if not -90.0 <= flat <= 90.0:
        raise CoordinatesOutOfRange(f"latitude {flat} outside [-90, 90]")
    if not -180.0 <= flon <= 180.0:
        raise CoordinatesOutOfRange(f"longitude {flon} outside [-180, 180]")
    return flat, flon


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on the mean-radius sphere."""
    # The angle as atan2 of its sine and cosine (Vincenty's formula on a sphere): as exact for
    # points a metre apart as the haversine, and unlike it still exact near the antipode,
    # where the haversine's 1 - a loses the digits that matter.
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlam = math.radians(lon2 - lon1)
    sin1, cos1, sin2, cos2 = math.sin(phi1), math.cos(phi1), math.sin(phi2), math.cos(phi2)
    cos_dlam = math.cos(dlam)
    across = cos2 * math.sin(dlam)
    along = cos1 * sin2 - sin1 * cos2 * cos_dlam
    return EARTH_RADIUS_M * math.atan2(math.hypot(across, along),
                                       sin1 * sin2 + cos1 * cos2 * cos_dlam)


# --- geohash -----------------------------------------------------------------------------


def _bits(precision: int) -> tuple[int, int]:
    """(longitude bits, latitude bits); longitude takes the first, odd-numbered bit."""
    total = 5 * precision
    return (total + 1) // 2, total // 2


def _check_precision(precision: int) -> None:
    if not 1 <= precision <= MAX_PRECISION:
        raise ValueError(f"precision must be 1..{MAX_PRECISION}, got {precision}")


def _index(value: float, lo: float, hi: float, bits: int) -> int:
    """Which of 2**bits equal slices of [lo, hi] holds value, by the classic bisection.

    Bisection (not floor division) matches other geohash implementations bit for bit and
    is monotone in `value`, which is what makes `cells_covering` exact at cell edges.
    """
    index = 0
    for _ in range(bits):
        mid = (lo + hi) / 2
        index <<= 1
        if value >= mid:
            index |= 1
            lo = mid
        else:
            hi = mid
    return index


def _interleave(col: int, row: int, precision: int) -> str:
    lon_bits, lat_bits = _bits(precision)
    code = 0
    for i in range(5 * precision):
        # Even positions (from the left) come from longitude, odd ones from latitude.
        source, width = (col, lon_bits) if i % 2 == 0 else (row, lat_bits)
        code = (code << 1) | ((source >> (width - 1 - i // 2)) & 1)
    return "".join(BASE32[(code >> (5 * k)) & 31] for k in range(precision - 1, -1, -1))


def _deinterleave(geohash: str) -> tuple[int, int, int]:
    """(column, row, precision) of a geohash."""
    precision = len(geohash)
    if not 1 <= precision <= MAX_PRECISION:
        raise InvalidGeohash(f"geohash length must be 1..{MAX_PRECISION}: {geohash!r}")
    code = 0
    for ch in geohash.lower():
        try:
            code = (code << 5) | _DECODE[ch]
        except KeyError:
            raise InvalidGeohash(f"invalid geohash character {ch!r} in {geohash!r}") from None
    col = row = 0
    total = 5 * precision
    for i in range(total):
        bit = (code >> (total - 1 - i)) & 1
        if i % 2 == 0:
            col = (col << 1) | bit
        else:
            row = (row << 1) | bit
    return col, row, precision


def _cell_size(precision: int) -> tuple[float, float]:
    """(height, width) of a cell in degrees."""
    lon_bits, lat_bits = _bits(precision)
    return 180.0 / (1 << lat_bits), 360.0 / (1 << lon_bits)


def encode(lat: float, lon: float, precision: int = 9) -> str:
    """Geohash of a point; precision is the number of characters (1..12)."""
    lat, lon = validate_coordinates(lat, lon)
    _check_precision(precision)
    lon_bits, lat_bits = _bits(precision)
    return _interleave(
        _index(lon, -180.0, 180.0, lon_bits), _index(lat, -90.0, 90.0, lat_bits), precision
    )


def bounds(geohash: str) -> GeohashCell:
    """The cell a geohash names."""
    col, row, precision = _deinterleave(geohash)
    height, width = _cell_size(precision)
    south, west = -90.0 + row * height, -180.0 + col * width
    return GeohashCell(south, west, south + height, west + width)


def decode(geohash: str) -> tuple[float, float]:
    """Centre (lat, lon) of the cell; it is within half a cell of every encoded point."""
    return bounds(geohash).centre


def neighbours(geohash: str) -> list[str]:
    """Adjacent cells in the order N, NE, E, SE, S, SW, W, NW.

    East/west wrap across the ±180° meridian. A cell on the top (bottom) row has no
    northern (southern) neighbours, so those are left out rather than invented.
    """
    col, row, precision = _deinterleave(geohash)
    lon_bits, lat_bits = _bits(precision)
    cols, rows = 1 << lon_bits, 1 << lat_bits
    steps = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
    result = []
    for drow, dcol in steps:
        r = row + drow
        if 0 <= r < rows:
            result.append(_interleave((col + dcol) % cols, r, precision))
    return result


def _reach(lat: float, radius_m: float) -> tuple[float, float, float]:
    """(south, north, half-width in longitude) in degrees of the circle's bounding box.

    The half-width is 180 when the circle contains a pole: every meridian passes within reach.
    """
    delta = radius_m / EARTH_RADIUS_M  # angular radius, radians
    delta_deg = math.degrees(delta) * (1 + 1e-9) + _SLACK_DEG
    south, north = lat - delta_deg, lat + delta_deg
    if north >= 90.0 or south <= -90.0 or delta >= math.pi / 2:
        return max(south, -90.0), min(north, 90.0), 180.0
    # Exact for a spherical cap: the meridians tangent to the circle.
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return south, north, 180.0
    half_width = math.degrees(math.asin(ratio)) * (1 + 1e-9) + _SLACK_DEG
    return south, north, half_width


def precision_for_radius(radius_m: float, lat: float = 0.0) -> int:
    """Finest precision whose cells are bigger than the circle's reach at this latitude.

    Then the circle's bounding box spans at most three rows and three columns, so the
    centre's cell plus (some of) its eight neighbours always covers it. Cells get narrower
    in metres towards the poles, hence the latitude. A circle that contains a pole reaches
    every longitude; no precision satisfies that, and 1 (the coarsest) is returned.
    """
    if not (math.isfinite(radius_m) and radius_m >= 0):
        raise ValueError(f"radius must be a non-negative number of metres, got {radius_m}")
    lat, _ = validate_coordinates(lat, 0.0)
    south, north, half_width = _reach(lat, radius_m)
    half_height = max(lat - south, north - lat)
    for precision in range(MAX_PRECISION, 0, -1):
        height, width = _cell_size(precision)
        if height > half_height and width > half_width:
            return precision
    return 1


def _lon_ranges(lon: float, half_width: float) -> list[tuple[float, float]]:
    """The longitude interval, split where it crosses the ±180° meridian."""
    if half_width >= 180.0:
        return [(-180.0, 180.0)]
    west, east = lon - half_width, lon + half_width
    ranges = [(max(west, -180.0), min(east, 180.0))]
    # ±180 is one meridian with two spellings, so touching it means reaching both ends.
    if west <= -180.0:
        ranges.append((west + 360.0, 180.0))
    if east >= 180.0:
        ranges.append((-180.0, east - 360.0))
    return ranges


def cells_covering(
    lat: float, lon: float, radius_m: float, precision: int | None = None
) -> list[str]:
    """Cells that together contain every point within radius_m of (lat, lon).

    Returns exactly the cells at `precision` that intersect the circle's bounding box —
    with the default precision that is the centre's cell and at most its eight neighbours,
    fewer when the circle stays clear of some of them. Around a pole it is the polar row(s)
    at precision 1. The centre's cell comes first; the rest are sorted.
    """
    lat, lon = validate_coordinates(lat, lon)
    if precision is None:
        precision = precision_for_radius(radius_m, lat)
    else:
        _check_precision(precision)
        if not (math.isfinite(radius_m) and radius_m >= 0):
            raise ValueError(f"radius must be a non-negative number of metres, got {radius_m}")
    south, north, half_width = _reach(lat, radius_m)
    lon_bits, lat_bits = _bits(precision)
    n_cols = 1 << lon_bits

    rows = range(_index(south, -90.0, 90.0, lat_bits), _index(north, -90.0, 90.0, lat_bits) + 1)
    cols: set[int] = set()
    for west, east in _lon_ranges(lon, half_width):
        first, last = _index(west, -180.0, 180.0, lon_bits), _index(east, -180.0, 180.0, lon_bits)
        cols.update(range(first, last + 1))
        if len(cols) == n_cols:
            break
    if len(rows) * len(cols) > MAX_COVERING_CELLS:
        raise ValueError(
            f"{len(rows) * len(cols)} cells at precision {precision} for {radius_m} m; "
            "use a coarser precision"
        )
    centre = encode(lat, lon, precision)
    others = {_interleave(c, r, precision) for r in rows for c in cols} - {centre}
    return [centre, *sorted(others)]


# --- presentation ------------------------------------------------------------------------


def format_coordinates(lat: float, lon: float) -> str:
    """Short human text, e.g. "39.9042, 116.4074" (4 decimals is about 10 m)."""

    def fmt(value: float) -> str:
        text = f"{value:.4f}"
        return "0.0000" if text == "-0.0000" else text

    return f"{fmt(lat)}, {fmt(lon)}"


def map_link(lat: float, lon: float, lang: str, label: str | None = None) -> str:
    """A web map link with a marker at the point.

    Chinese readers get Amap, which mainland users can open and whose app is common; it
    defaults to GCJ-02, so the link declares WGS-84 (`coordinate=wgs84`) and Amap shifts
    the marker itself. Everyone else gets OpenStreetMap, which uses WGS-84 natively.
    """
    lat, lon = validate_coordinates(lat, lon)
    if lang.lower().startswith("zh"):
        params = {"position": f"{lon:.6f},{lat:.6f}", "coordinate": "wgs84", "callnative": "0"}
        if label:
            params["name"] = label
        return "https://uri.amap.com/marker?" + urlencode(params, safe=",")
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=18/{lat:.6f}/{lon:.6f}"
    )
