"""The configured stations as the domain's index: positions in WGS-84, hours parsed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.opening_hours import OpeningHours
from domain.stations import Station, StationIndex, to_wgs84

if TYPE_CHECKING:
    from bot.settings import Settings


def build_index(settings: Settings) -> StationIndex:
    stations = []
    for entry in settings.stations:
        lat, lon = to_wgs84(entry.lat, entry.lon, entry.datum)
        stations.append(Station(
            name=entry.name, name_en=entry.name_en, address=entry.address, lat=lat, lon=lon,
            hours=OpeningHours.parse(entry.hours), facilities=tuple(entry.facilities),
            contact=entry.contact))
    return StationIndex(stations)
