"""Geohash cells as integers, so "near this point" is a few index range scans.

A ticket stores the 45-bit geohash of its location (precision 9, about 5 m). Every point within
a radius lies in one of a handful of coarser cells; a coarser cell is a contiguous range of
precision-9 integers.
"""

from __future__ import annotations

import hashlib

from domain import geo

STORED_PRECISION = 9
_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz"
_VALUE = {char: index for index, char in enumerate(_ALPHABET)}


def hash_to_int(geohash: str) -> int:
    value = 0
    for char in geohash:
        value = (value << 5) | _VALUE[char]
    return value


def cell_of(lat: float, lon: float) -> int:
    return hash_to_int(geo.encode(lat, lon, STORED_PRECISION))


def cell_lock_keys(category_id: str, lat: float, lon: float, radius_m: float) -> set[int]:
    """Advisory-lock keys (signed 64-bit) of the cells around a point, for one category."""
    precision = min(geo.precision_for_radius(radius_m, lat), STORED_PRECISION)
    keys = set()
    for cell in geo.cells_covering(lat, lon, radius_m, precision):
        digest = hashlib.blake2b(f"{category_id}:{cell}".encode(), digest_size=8).digest()
        keys.add(int.from_bytes(digest, "big", signed=True))
    return keys


def cell_ranges(lat: float, lon: float, radius_m: float) -> list[tuple[int, int]]:
    """Half-open integer ranges of stored cells that together hold every point in the radius."""
    precision = min(geo.precision_for_radius(radius_m, lat), STORED_PRECISION)
    shift = 5 * (STORED_PRECISION - precision)
    ranges = set()
    for cell in geo.cells_covering(lat, lon, radius_m, precision):
        low = hash_to_int(cell) << shift
        ranges.add((low, low + (1 << shift)))
    return sorted(ranges)
