"""`[[departments]] area_datum`: an area outlined on a GCJ-02 map (Amap, Tencent) is shifted to
WGS-84, the datum of every position the bot routes (Telegram's, and WeChat's once converted)."""

from __future__ import annotations

import json

from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from bot.wechat.datum import wgs84_to_wechat

# A box east of 116.46 E in WGS-84, and the same box as a GCJ-02 map shows it.
WEST, SOUTH, EAST, NORTH = 116.46, 39.90, 116.49, 39.94


def _write(tmp_path, name, corners):
    ring = [[lon, lat] for lat, lon in corners]
    path = tmp_path / f"{name}.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}))
    return path


def _router(tmp_path, datum, corners):
    base = load_settings(SAMPLE_CONFIG)
    path = _write(tmp_path, datum, corners)
    departments = [d.model_copy(update={"area": path, "area_datum": datum})
                   if d.id == "donghu-volunteers" else d for d in base.departments]
    return wiring.router(base.model_copy(update={"departments": departments}))


def test_a_gcj02_outline_routes_wgs84_positions_as_the_wgs84_outline_does(tmp_path):
    corners = [(SOUTH, WEST), (SOUTH, EAST), (NORTH, EAST), (NORTH, WEST)]
    drawn_on_amap = [wgs84_to_wechat(lat, lon) for lat, lon in corners]
    as_drawn = _router(tmp_path, "gcj02", drawn_on_amap)
    reference = _router(tmp_path, "wgs84", corners)
    for lon in (116.4595, 116.4605, 116.4640, 116.4890, 116.4910):
        assert as_drawn.route("lighting", 39.92, lon) == reference.route("lighting", 39.92, lon)
    assert as_drawn.route("lighting", 39.92, 116.4595) == "roads"
    assert as_drawn.route("lighting", 39.92, 116.4605) == "donghu-volunteers"


def test_read_as_wgs84_the_same_outline_misroutes_the_edge(tmp_path):
    corners = [(SOUTH, WEST), (SOUTH, EAST), (NORTH, EAST), (NORTH, WEST)]
    drawn_on_amap = [wgs84_to_wechat(lat, lon) for lat, lon in corners]
    unconverted = _router(tmp_path, "wgs84", drawn_on_amap)
    assert unconverted.route("lighting", 39.92, 116.4605) == "roads", \
        "the shift is hundreds of metres: the datum matters"
