"""Which department handles a category of problem at a place.

Areas are GeoJSON, so coordinates are (longitude, latitude); every point built here is
`Point(lon, lat)`. A point on an area's boundary counts as inside (`covers`), so a hazard
on the street that separates two districts is never left without a department.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from domain.geo import validate_coordinates
from domain.places import NamedPlace

Area = Polygon | MultiPolygon


class AreaFileError(Exception):
    """An area file that cannot be used, with the reason in words an operator can act on."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class DepartmentScope:
    """What a department is responsible for; no area means everywhere."""

    id: str
    categories: frozenset[str]
    area: Area | None = None


def load_area(path: str | Path) -> Area:
    """Read a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection as one area."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AreaFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError(path, f"not valid JSON ({exc})") from exc
    try:
        return parse_area(document)
    except ValueError as exc:
        raise AreaFileError(path, str(exc)) from exc


def parse_area(document: Any) -> Area:
    """The area described by a parsed GeoJSON object; ValueError says what is wrong."""
    polygons = _polygons(document)
    if not polygons:
        raise ValueError("no polygons in the file")
    area = polygons[0] if len(polygons) == 1 else shapely.union_all(polygons)
    if not isinstance(area, Polygon | MultiPolygon) or area.is_empty:
        raise ValueError("the polygons do not enclose any area")
    return area


def _polygons(document: Any) -> list[BaseGeometry]:
    if not isinstance(document, dict):
        raise ValueError("expected a GeoJSON object")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise ValueError("FeatureCollection without a list of features")
        return [polygon for feature in features for polygon in _polygons(feature)]
    if kind == "Feature":
        geometry = document.get("geometry")
        if geometry is None:
            raise ValueError("a Feature has no geometry")
        return _polygons(geometry)
    if kind in ("Polygon", "MultiPolygon"):
        return [_geometry(document)]
    if kind == "GeometryCollection":
        members = document.get("geometries")
        if not isinstance(members, list):
            raise ValueError("GeometryCollection without a list of geometries")
        return [polygon for member in members for polygon in _polygons(member)]
    raise ValueError(f"unsupported GeoJSON type {kind!r}; areas must be polygons")


def _geometry(document: dict[str, Any]) -> BaseGeometry:
    try:
        geometry = shape(document)
    except Exception as exc:  # shapely raises a mix of types for malformed coordinates
        raise ValueError(f"malformed {document.get('type')} coordinates ({exc})") from exc
    if geometry.is_empty:
        raise ValueError(f"empty {geometry.geom_type}")
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        hint = (
            " — the coordinates look like [latitude, longitude]; GeoJSON wants"
            " [longitude, latitude]"
            if -90 <= west <= east <= 90 and -180 <= south <= north <= 180
            else ""
        )
        raise ValueError(f"coordinates outside longitude/latitude range{hint}")
    if not geometry.is_valid:
        raise ValueError(f"invalid {geometry.geom_type}: {explain_validity(geometry)}")
    return geometry


def _size(area: Area) -> float:
    """Comparable area size: square degrees scaled by cos(latitude), close to true area."""
    return area.area * math.cos(math.radians(area.centroid.y))


class Router:
    """Built once from the configured scopes; routing a point is then an index lookup."""

    def __init__(self, scopes: Sequence[DepartmentScope], fallback: str | None) -> None:
        ids = [scope.id for scope in scopes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"department ids configured twice: {', '.join(duplicates)}")
        self._fallback = fallback
        self._everywhere = [scope for scope in scopes if scope.area is None]
        self._located: list[DepartmentScope] = []
        self._areas: list[Area] = []
        for scope in scopes:
            if scope.area is None:
                continue
            if not isinstance(scope.area, Polygon | MultiPolygon) or scope.area.is_empty:
                raise ValueError(f"department {scope.id!r}: the area must be a polygon")
            # Many lookups against few, possibly detailed, boundaries: prepare them once.
            shapely.prepare(scope.area)
            self._located.append(scope)
            self._areas.append(scope.area)
        self._sizes = [_size(area) for area in self._areas]
        self._tree = shapely.STRtree(self._areas)
        # The last point looked up and its answer: filing a report asks twice about the
        # same place (is it served, then by whom).
        self._last: tuple[float, float, tuple[int, ...]] | None = None

    def _covering(self, lat: float, lon: float) -> tuple[int, ...]:
        """Indexes of the located scopes whose area covers the point, in configured order."""
        last = self._last
        if last is not None and last[0] == lat and last[1] == lon:
            return last[2]
        valid_lat, valid_lon = validate_coordinates(lat, lon)
        point = Point(valid_lon, valid_lat)
        candidates = sorted(int(i) for i in self._tree.query(point))  # bounding boxes only
        covering = tuple(i for i in candidates if self._areas[i].covers(point))
        self._last = (lat, lon, covering)
        return covering

    def route(self, category_id: str, lat: float, lon: float) -> str | None:
        """The responsible department: smallest matching area first, then area-less ones.

        Equal sizes (or several area-less departments) go to the first configured.
        """
        best: int | None = None
        for index in self._covering(lat, lon):
            if category_id in self._located[index].categories and (
                best is None or self._sizes[index] < self._sizes[best]
            ):
                best = index
        if best is not None:
            return self._located[best].id
        for scope in self._everywhere:
            if category_id in scope.categories:
                return scope.id
        return self._fallback

    def in_service_area(self, lat: float, lon: float) -> bool:
        """Inside some department's area; True when no department has an area."""
        return not self._located or bool(self._covering(lat, lon))


def named_areas(path: str | Path) -> list[NamedPlace]:
    """Each named feature of an area file as a place: its name (and the words of a name
    written in two languages, 「东湖社区 Donghu」) at a point inside it."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError(path, str(exc)) from exc
    features = document.get("features", []) if isinstance(document, dict) else []
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    found: list[NamedPlace] = []
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict):
            continue
        name = str((feature.get("properties") or {}).get("name") or "").strip()
        if not name or feature.get("geometry") is None:
            continue
        try:
            polygons = _polygons(feature)
        except ValueError:
            continue
        area = polygons[0] if len(polygons) == 1 else shapely.union_all(polygons)
        inside = area.representative_point()
        found.append(NamedPlace(name=name, lat=inside.y, lon=inside.x,
                                names=(name, *name.split()), is_area=True))
    return found
