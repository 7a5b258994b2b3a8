"""Server-side clustering for the map: tickets grouped by a coarser geohash cell.

Tickets store their geohash cell as a 45-bit integer (precision 9). Dropping the low 5·(9−p)
bits gives the cell of precision p, so the database groups by `cell >> shift`. The precision
is chosen from the map's zoom so that a cell is about `CLUSTER_PX` pixels wide on screen.
"""

from __future__ import annotations

import math

from storage.cells import STORED_PRECISION
from storage.repositories.console_filter import BoundingBox

TILE_PX = 256
CLUSTER_PX = 60
MIN_PRECISION = 1


class BadBox(ValueError):
    """A bounding box that is not four numbers west,south,east,north on the globe."""


def cell_size_deg(precision: int) -> tuple[float, float]:
    """(width in longitude, height in latitude) of a geohash cell of this precision."""
    bits = 5 * precision
    return 360.0 / 2 ** math.ceil(bits / 2), 180.0 / 2 ** (bits // 2)


def precision_for_zoom(zoom: float, cluster_px: int = CLUSTER_PX) -> int:
    """The finest precision whose cells are still at least `cluster_px` wide at `zoom`."""
    wanted = cluster_px * 360.0 / (TILE_PX * 2 ** max(zoom, 0.0))
    best = MIN_PRECISION
    for precision in range(MIN_PRECISION, STORED_PRECISION + 1):
        if cell_size_deg(precision)[0] >= wanted:
            best = precision
    return best


def shift_for(precision: int) -> int:
    """Bits to drop from a stored cell to get the cell of `precision`."""
    return 5 * (STORED_PRECISION - min(max(precision, MIN_PRECISION), STORED_PRECISION))


def parse_box(text: str) -> BoundingBox:
    """"west,south,east,north" in degrees, as Leaflet's `getBounds().toBBoxString()` gives."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError as error:
        raise BadBox(text) from error
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadBox(text)
    if south > north or west > east:
        raise BadBox(text)
    # A view wider than the world (zoomed far out) is clamped to it.
    return BoundingBox(max(west, -180.0), max(south, -90.0), min(east, 180.0),
                       min(north, 90.0))


def parse_zoom(text: str, default: float = 14.0) -> float:
    try:
        zoom = float(text)
    except ValueError:
        return default
    return min(max(zoom, 0.0), 22.0) if math.isfinite(zoom) else default
