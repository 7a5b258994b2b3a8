"""The map's data call: the tickets in view, as markers, or as clusters when there are many.

Clustering happens in the database (grouped by a coarser geohash cell, see `clustering`), so a
district of a million tickets sends the browser a few hundred points at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.web.clustering import precision_for_zoom, shift_for
from storage.repositories.console import Cluster, TicketFilter, TicketSummary
from storage.uow import UnitOfWork

MAX_MARKERS = 400
# Past this zoom every ticket gets its own marker, however many there are in view.
MARKER_ZOOM = 17

Describe = Callable[[TicketSummary], dict[str, Any]]


async def map_data(uow: UnitOfWork, wanted: TicketFilter, zoom: float,
                   describe: Describe, link: Callable[[int], str], *,
                   digits: int = 6) -> dict[str, Any]:
    """`digits`: decimals of the coordinates given out (fewer on the public map)."""
    assert wanted.box is not None, "the map always asks for what is in view"
    in_view = await uow.console.count(wanted, cap=MAX_MARKERS + 1)
    if in_view <= MAX_MARKERS or zoom >= MARKER_ZOOM:
        points = await uow.console.points(wanted, MAX_MARKERS)
        return {"mode": "markers", "total": len(points),
                "items": [describe(p) for p in points]}
    clusters = await uow.console.clusters(wanted, shift_for(precision_for_zoom(zoom)))
    return {"mode": "clusters", "total": sum(c.count for c in clusters),
            "items": [_cluster(c, link, digits) for c in clusters]}


def _cluster(cluster: Cluster, link: Callable[[int], str], digits: int) -> dict[str, Any]:
    item: dict[str, Any] = {"lat": round(cluster.lat, digits),
                            "lon": round(cluster.lon, digits),
                            "count": cluster.count, "overdue": cluster.overdue}
    if cluster.count == 1:
        # One ticket in the cell: it is shown as itself.
        item.update(n=cluster.number, label=f"#{cluster.number:04d}", status=cluster.status,
                    url=link(cluster.number))
    return item
