"""Places known by name: where a report is, when the platform cannot send a location.

A rider on a platform without location messages writes 「东湖暖心驿站门口路面鼓包」; the
configured places (`[[places]]`: names, English names, aliases) and the names of the areas
(the GeoJSON features' `name`) are looked for in the text. Positions here are WGS-84 (a place
configured in GCJ-02 is converted when the gazetteer is built).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Shorter names match too much of ordinary text (「东」, "a").
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class NamedPlace:
    name: str
    lat: float
    lon: float
    # Every way it may be written: its name, English name, aliases.
    names: tuple[str, ...] = ()
    # An area's name is a coarser answer than a place's: places are preferred.
    is_area: bool = False


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


class Gazetteer:
    def __init__(self, places: Iterable[NamedPlace]) -> None:
        self._places = list(places)
        entries: list[tuple[str, NamedPlace]] = []
        for place in self._places:
            for name in {place.name, *place.names}:
                folded = _fold(name)
                if len(folded) >= MIN_NAME_LENGTH:
                    entries.append((folded, place))
        # Places before areas, then the longest name first: 「东湖路与西坝街路口」 wins over
        # 「东湖社区」 in the same sentence.
        entries.sort(key=lambda entry: (entry[1].is_area, -len(entry[0])))
        self._entries = entries

    def __len__(self) -> int:
        return len(self._places)

    def match(self, text: str) -> NamedPlace | None:
        """The place a text names, ignoring case and spaces; None if it names none."""
        folded = _fold(text)
        if not folded:
            return None
        for name, place in self._entries:
            if name in folded:
                return place
        return None

    def is_only_a_name(self, text: str, place: NamedPlace) -> bool:
        """The text is the place's name and nothing else (not also a description)."""
        folded = _fold(text)
        return any(folded == _fold(name) for name in (place.name, *place.names))

    def examples(self, count: int = 3) -> list[str]:
        """A few place names to show when asking for one, in the configured order."""
        return list(dict.fromkeys(p.name for p in self._places if not p.is_area))[:count]
