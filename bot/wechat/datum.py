"""Positions from WeChat into WGS-84.

WeChat does not document the datum of a location message (Location_X/Location_Y) or of the
LOCATION event. Its map picker is Tencent Maps, which shows GCJ-02 in mainland China, so the
adapter treats both as GCJ-02 there; outside mainland China GCJ-02 equals WGS-84 and nothing
moves. The shift back uses `prcoords` through `domain.stations.to_wgs84` (one place for it).
"""

from __future__ import annotations

import prcoords

from domain.stations import Datum, to_wgs84


def wechat_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A WeChat position (GCJ-02 in mainland China) in WGS-84."""
    return to_wgs84(lat, lon, Datum.GCJ02)


def wgs84_to_wechat(lat: float, lon: float) -> tuple[float, float]:
    """What WeChat would report for a WGS-84 position (the local server's users need it)."""
    point = prcoords.Coords(lat, lon)
    if not prcoords.sanity_in_china_p(point):
        return lat, lon
    shifted = prcoords.wgs_gcj(point, False)
    return float(shifted.lat), float(shifted.lon)
