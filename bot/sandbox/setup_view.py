"""What the page needs to know about the sandbox, as one JSON document.

People with their posts, the chats, the places riders know and the departments' areas (the
page draws its own map from them, so it works without map tiles).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot import wiring
from bot.localapi import LocalBotApi
from bot.sandbox.cast import Cast
from bot.settings import Settings

JSON = dict[str, Any]

# Optional background; the page works without it when there is no internet.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def setup_document(server: LocalBotApi, cast: Cast, settings: Settings) -> JSON:
    departments = {d.id: d for d in settings.departments}
    return {
        "bot": {"id": server.bot.id, "name": server.bot.first_name,
                "username": server.bot.username},
        "language": settings.bot.language,
        "timezone": settings.bot.timezone,
        "people": [{
            "id": p.id, "name": p.name, "username": p.username, "rider": p.rider,
            "admin": p.admin,
            "posts": [{"department_id": dept, "post": post,
                       "department": departments[dept].name,
                       "department_en": departments[dept].name_en or departments[dept].name}
                      for dept, post in p.posts],
        } for p in cast.personas],
        "chats": [{"id": c.id, "title": c.title, "kind": c.kind,
                   "department_id": c.department_id, "digest_as": c.digest_as}
                  for c in cast.chats],
        "places": places(settings),
        "areas": areas(settings),
        "tiles": OSM_TILES,
    }


def places(settings: Settings) -> list[JSON]:
    """The places riders know, and every warm station (by its WGS-84 position)."""
    found = [place.model_dump() for place in settings.places]
    known = {place["name"] for place in found}
    for station in wiring.stations(settings).stations:
        if station.name not in known:
            found.append({"name": station.name, "name_en": station.name_en, "lat": station.lat,
                          "lon": station.lon, "kind": "warm_station"})
    return found


def areas(settings: Settings) -> list[JSON]:
    """Each area file once, with the departments that cover it.

    Other GeoJSON files next to the configured ones are drawn too (the sample's second
    community has no department of its own but riders still need to see where it is).
    """
    by_path: dict[Path, list[str]] = {}
    for department in settings.departments:
        path = settings.area_path(department)
        if path is not None:
            by_path.setdefault(path.resolve(), []).append(department.id)
    for folder in {path.parent for path in by_path}:
        for path in sorted(folder.glob("*.geojson")):
            by_path.setdefault(path.resolve(), [])
    found = []
    for path, department_ids in by_path.items():
        try:
            geojson = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # the bot's own start-up check reports a broken area file
        found.append({"name": _area_name(geojson, path), "department_ids": department_ids,
                      "geojson": geojson})
    # Large areas first, so smaller ones are drawn on top and stay visible.
    found.sort(key=lambda area: -_extent(area["geojson"]))
    return found


def _extent(geojson: JSON) -> float:
    """The area of the bounding box in square degrees: enough to order outlines."""
    points: list[list[float]] = []
    _collect_points(geojson, points)
    if not points:
        return 0.0
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (max(lons) - min(lons)) * (max(lats) - min(lats))


def _collect_points(node: Any, out: list[list[float]]) -> None:
    if isinstance(node, dict):
        for key in ("features", "geometry", "geometries", "coordinates"):
            if key in node:
                _collect_points(node[key], out)
    elif isinstance(node, list):
        if len(node) >= 2 and all(isinstance(v, (int, float)) for v in node[:2]):
            out.append(node)
        else:
            for item in node:
                _collect_points(item, out)


def _area_name(geojson: JSON, path: Path) -> str:
    features = geojson.get("features") or [geojson]
    properties = (features[0] or {}).get("properties") or {}
    return str(properties.get("name") or path.stem)


def page_texts(catalog: dict[str, str]) -> dict[str, str]:
    prefix = "sandbox."
    return {key[len(prefix):]: value for key, value in catalog.items()
            if key.startswith(prefix)}
