"""The configured areas, for drawing on the map and for naming where a ticket is.

Each department's GeoJSON is drawn as its area; a ticket's "area name" is the `name` property
of the smallest named feature that covers it (a community rather than the whole district).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from bot.settings import Settings

COLORS = ("#2563eb", "#ea580c", "#059669", "#9333ea", "#dc2626", "#ca8a04", "#0891b2")


@dataclass(frozen=True)
class NamedArea:
    name: str
    geometry: BaseGeometry
    size: float


class AreaIndex:
    def __init__(self, settings: Settings) -> None:
        self.layers: list[dict[str, Any]] = []
        named: dict[str, NamedArea] = {}
        drawn: dict[str, dict[str, Any]] = {}
        for department in settings.departments:
            path = settings.area_path(department)
            if path is None:
                continue
            key = str(path.resolve())
            if key in drawn:
                # Departments sharing an area file share its drawing too.
                drawn[key]["name"] += f"、{department.name}"
                drawn[key]["name_en"] += f", {department.name_en or department.name}"
                continue
            document = json.loads(path.read_text(encoding="utf-8"))
            drawn[key] = {
                "department": department.id, "name": department.name,
                "name_en": department.name_en or department.name,
                "color": COLORS[len(drawn) % len(COLORS)], "geojson": document}
            for feature in _features(document):
                name = str((feature.get("properties") or {}).get("name") or "").strip()
                geometry = feature.get("geometry")
                if name and geometry and name not in named:
                    area = shape(geometry)
                    named[name] = NamedArea(name, area, _size(area))
        self.layers = list(drawn.values())
        # Smallest first: the first covering area is the most precise name.
        self._named = sorted(named.values(), key=lambda a: a.size)
        for area in self._named:
            shapely.prepare(area.geometry)

    def name_at(self, lat: float | None, lon: float | None) -> str:
        if lat is None or lon is None:
            return ""
        point = Point(lon, lat)
        return next((a.name for a in self._named if a.geometry.covers(point)), "")

    def names_at(self, points: list[tuple[float | None, float | None]]) -> list[str]:
        """`name_at` for many points at once (one vectorised test per area)."""
        names = [""] * len(points)
        located = [i for i, (lat, lon) in enumerate(points) if lat is not None and lon is not None]
        if not located:
            return names
        shapes = shapely.points([points[i][1] for i in located],  # type: ignore[misc]
                                [points[i][0] for i in located])
        unnamed = set(range(len(located)))
        for area in self._named:
            if not unnamed:
                break
            inside = shapely.covers(area.geometry, shapes)
            for k in [k for k in unnamed if inside[k]]:
                names[located[k]] = area.name
                unnamed.discard(k)
        return names

    def find(self, text: str) -> tuple[float, float] | None:
        """A point inside the area the text names: an area called "东湖社区 Donghu" is found in
        "东湖社区南门" or "Donghu north gate". The smallest such area wins."""
        text = text.casefold()
        for area in self._named:
            if any(len(word) >= 2 and word in text for word in area.name.casefold().split()):
                point = area.geometry.representative_point()
                return point.y, point.x
        return None

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of every area, for the map's first view."""
        if not self._named:
            return None
        boxes = [a.geometry.bounds for a in self._named]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    def for_map(self, lang: str) -> list[dict[str, Any]]:
        return [{"department": layer["department"], "color": layer["color"],
                 "name": layer["name"] if lang == "zh" else layer["name_en"],
                 "geojson": layer["geojson"]} for layer in self.layers]


def _features(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    if document.get("type") == "FeatureCollection":
        return [f for f in document.get("features") or [] if isinstance(f, dict)]
    if document.get("type") == "Feature":
        return [document]
    return []


def _size(area: BaseGeometry) -> float:
    return area.area * math.cos(math.radians(area.centroid.y))

