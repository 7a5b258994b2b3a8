"""Warm stations (暖心驿站): rest stops for riders, couriers and street cleaners, and the
nearest ones to a point.

Pure: the stations come from the configuration; `StationIndex.nearest` answers with the
closest few by great-circle distance. Positions are WGS-84, as Telegram sends them; stations
read off a Chinese map (GCJ-02) are converted once, by `to_wgs84`, when the index is built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import prcoords

from domain.geo import great_circle_m
from domain.opening_hours import OpeningHours

# The fixed vocabulary of what a station offers, with its icon; names are in the catalogs
# (`stations.facility.<id>`).
FACILITY_ICONS: dict[str, str] = {
    "charging": "🔌",
    "water": "🚰",
    "microwave": "🍱",
    "air_conditioning": "❄️",
    "heating": "🔥",
    "first_aid": "🩹",
    "toolbox": "🧰",
    "toilet": "🚻",
    "rest": "🪑",
    "wifi": "📶",
    "umbrella": "☂️",
}
FACILITIES = tuple(FACILITY_ICONS)


class Datum(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"


def to_wgs84(lat: float, lon: float, datum: Datum | str) -> tuple[float, float]:
    """A position in WGS-84. GCJ-02 (what maps in mainland China show) is shifted back by
    the published formula; outside China the two datums are the same."""
    if Datum(datum) is Datum.WGS84:
        return lat, lon
    point = prcoords.Coords(lat, lon)
    if not prcoords.sanity_in_china_p(point):
        return lat, lon
    shifted = prcoords.gcj_wgs_bored(point, False)
    return float(shifted.lat), float(shifted.lon)


@dataclass(frozen=True)
class Station:
    name: str
    lat: float
    lon: float
    hours: OpeningHours
    facilities: tuple[str, ...] = ()
    name_en: str = ""
    address: str = ""
    contact: str = ""

    def display_name(self, lang: str) -> str:
        return self.name if lang == "zh" or not self.name_en else self.name_en


@dataclass(frozen=True)
class Nearby:
    station: Station
    distance_m: float


class StationIndex:
    """The stations, ready for "which are nearest to here?".

    Each station is kept as a point on the unit sphere; the nearest stations to a place are
    those whose points have the largest dot product with its point, so one matrix-vector
    product over all stations (tens of microseconds for ten thousand) finds them exactly,
    however they are spread, with no spatial tree to build or keep. Only the few found are
    then measured in metres.
    """

    def __init__(self, stations: Sequence[Station]) -> None:
        self.stations = tuple(stations)
        self._points = np.array([_unit(s.lat, s.lon) for s in self.stations],
                                dtype=float).reshape(-1, 3)

    def __len__(self) -> int:
        return len(self.stations)

    def nearest(self, lat: float, lon: float, count: int = 3) -> list[Nearby]:
        if not self.stations or count <= 0:
            return []
        closeness = self._points @ np.array(_unit(lat, lon))
        count = min(count, len(self.stations))
        if count < len(self.stations):
            picked = np.argpartition(-closeness, count - 1)[:count].tolist()
        else:
            picked = list(range(len(self.stations)))
        found = [Nearby(self.stations[i], great_circle_m(lat, lon, self.stations[i].lat,
                                                      self.stations[i].lon))
                 for i in picked]
        return sorted(found, key=lambda near: (near.distance_m, near.station.name))


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
