"""The answer to "which warm stations are near me?": the nearest three, each with its
distance, whether it is open now (or when it opens), its facilities as icons and a map link.

Plain text with links, so that every platform shows it the same way.
"""

from __future__ import annotations

from datetime import datetime

from domain import geo
from domain.stations import Nearby, StationIndex
from handlers.stations.vocabulary import icons, legend
from handlers.texts import Texts

SHOWN = 3


def nearby_text(index: StationIndex, lat: float, lon: float, now: datetime,
                texts: Texts) -> str | None:
    """None when no station is configured. `now` is in the bot's timezone."""
    found = index.nearest(lat, lon, SHOWN)
    if not found:
        return None
    lines = [texts("stations.title")]
    offered: set[str] = set()
    for number, near in enumerate(found, start=1):
        lines += ["", *_entry(number, near, now, texts)]
        offered.update(near.station.facilities)
    if offered:
        ordered = tuple(sorted(offered))
        lines += ["", texts("stations.legend", legend=legend(ordered, texts))]
    return "\n".join(lines)


def _entry(number: int, near: Nearby, now: datetime, texts: Texts) -> list[str]:
    station = near.station
    name = station.display_name(texts.lang)
    lines = [texts("stations.entry", index=number, name=name,
                   distance=distance(near.distance_m, texts)),
             "   " + opening(near, now, texts)]
    if station.facilities:
        lines.append("   " + icons(station.facilities))
    if station.address:
        lines.append("   " + texts("stations.address", address=station.address))
    if station.contact:
        lines.append("   " + texts("stations.contact", contact=station.contact))
    link = geo.map_link(station.lat, station.lon, texts.lang, label=name)
    lines.append("   " + texts("stations.map", link=link))
    return lines


def opening(near: Nearby, now: datetime, texts: Texts) -> str:
    hours = near.station.hours
    if hours.always:
        return texts("stations.open_always")
    closes = hours.closes_at(now)
    if closes is not None:
        return texts("stations.open_until", time=_when(closes, now, texts))
    opens = hours.opens_at(now)
    assert opens is not None
    return texts("stations.closed_until", time=_when(opens, now, texts))


def _when(moment: datetime, now: datetime, texts: Texts) -> str:
    clock = f"{moment:%H:%M}"
    return clock if moment.date() == now.date() else texts("stations.tomorrow", time=clock)


def distance(metres: float, texts: Texts) -> str:
    """"350 米", "1.2 公里": metres to the nearest 10 below a kilometre."""
    if metres < 1000:
        return texts("stations.metres", value=int(round(metres, -1)))
    value = f"{metres / 1000:.1f}" if metres < 10_000 else f"{metres / 1000:.0f}"
    return texts("stations.kilometres", value=value)
