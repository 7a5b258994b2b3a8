"""The facilities a station may offer: a fixed vocabulary of ids, each with an icon and a name
in every catalog. The configuration may name them by id or by name in either language."""

from __future__ import annotations

from domain.stations import FACILITIES, FACILITY_ICONS
from handlers.texts import LANGUAGES, Texts


def facility_id(given: str) -> str | None:
    """The id of a facility given by id ("charging") or name ("充电", "Charging")."""
    wanted = given.strip().lower()
    if wanted in FACILITY_ICONS:
        return wanted
    for lang in LANGUAGES:
        texts = Texts(lang)
        for facility in FACILITIES:
            if texts(f"stations.facility.{facility}").lower() == wanted:
                return facility
    return None


def icons(facilities: tuple[str, ...]) -> str:
    return "".join(FACILITY_ICONS[f] for f in facilities if f in FACILITY_ICONS)


def legend(facilities: tuple[str, ...], texts: Texts) -> str:
    """"🔌充电 🚰饮水": what the icons shown mean."""
    return " ".join(f"{FACILITY_ICONS[f]}{texts(f'stations.facility.{f}')}"
                    for f in FACILITIES if f in facilities)
