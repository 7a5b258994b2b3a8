"""The configuration turned into what the core works with: the handlers' typed rules, the
directory's roster, the stations' index and the department router. The one place that reads
the settings tree on the handlers' behalf.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import shapely

from bot.settings import Settings
from domain.opening_hours import OpeningHours
from domain.places import Gazetteer, NamedPlace
from domain.stations import Station, StationIndex, to_wgs84
from handlers.directory import Directory
from handlers.media import MediaStore
from handlers.routing.areas import (
    Area,
    AreaFileError,
    DepartmentScope,
    Router,
    load_area,
    named_areas,
)
from handlers.rules import DigestRules, IntakeRules, Roster, Rules, WebRules, WorkflowRules
from handlers.services import PeopleService, Services
from messaging.capabilities import Capabilities

log = logging.getLogger(__name__)


def rules(settings: Settings) -> Rules:
    intake, workflow, web = settings.intake, settings.workflow, settings.web
    return Rules(
        intake=IntakeRules(
            pair_window_minutes=intake.pair_window_minutes,
            duplicate_radius_m=intake.duplicate_radius_m,
            album_window_seconds=intake.album_window_seconds,
            reporter_limit_per_hour=intake.reporter_limit_per_hour,
            reporter_burst=intake.reporter_burst,
            grace_seconds=intake.grace_seconds),
        workflow=WorkflowRules(verify_hours=workflow.verify_hours,
                               reporter_reopen_days=workflow.reporter_reopen_days),
        digest=DigestRules(at=settings.digest.at, weekly_on=settings.digest.weekly_on),
        web=WebRules(enabled=web.enabled, public=web.public, link_base=web.link_base),
    )


def roster(settings: Settings) -> Roster:
    return Roster(
        admins=frozenset(settings.admins.user_ids),
        admin_chat_id=settings.admins.chat_id,
        groups=tuple(settings.groups),
        departments=tuple(settings.departments),
        categories=tuple(settings.categories),
        # Every account of a person, on whichever platform, answers to the person's name.
        people={account: p.name for p in settings.people for account in p.accounts},
        fallback_department=settings.routing.fallback_department,
        language=settings.bot.language,
        tz=settings.bot.tz,
        places=partial(places, settings),
    )


def places(settings: Settings) -> Gazetteer:
    """The places (`[[places]]`) and named areas a report's text may name, in WGS-84."""
    known: list[NamedPlace] = []
    for place in settings.places:
        lat, lon = to_wgs84(place.lat, place.lon, place.datum)
        names = tuple(n for n in (place.name_en, *place.aliases) if n)
        known.append(NamedPlace(place.name, lat, lon, names))
    paths = {settings.area_path(d) for d in settings.departments}
    for path in sorted(p for p in paths if p is not None):
        try:
            known.extend(named_areas(path))
        except AreaFileError as error:
            log.warning("area names not read", extra={"path": str(path), "reason": error.reason})
    return Gazetteer(known)


def directory(settings: Settings) -> Directory:
    return Directory(roster(settings))


def stations(settings: Settings) -> StationIndex:
    """The configured stations as the domain's index: positions in WGS-84, hours parsed."""
    found = []
    for entry in settings.stations:
        lat, lon = to_wgs84(entry.lat, entry.lon, entry.datum)
        found.append(Station(
            name=entry.name, name_en=entry.name_en, address=entry.address, lat=lat, lon=lon,
            hours=OpeningHours.parse(entry.hours), facilities=tuple(entry.facilities),
            contact=entry.contact))
    return StationIndex(found)


def router(settings: Settings) -> Router:
    scopes = []
    for department in settings.departments:
        path = settings.area_path(department)
        area = load_area(path) if path else None
        if area is not None and department.area_datum != "wgs84":
            area = area_in_wgs84(area, department.area_datum)
        scopes.append(DepartmentScope(
            id=department.id,
            categories=frozenset(department.categories),
            area=area,
        ))
    return Router(scopes, settings.routing.fallback_department)


def area_in_wgs84(area: Area, datum: str) -> Area:
    """An area drawn in another datum, every vertex shifted to WGS-84 (positions are)."""
    def shift(coords: np.ndarray) -> np.ndarray:
        return np.array([to_wgs84(lat, lon, datum)[::-1] for lon, lat in coords])
    return shapely.transform(area, shift)


def services(settings: Settings, media: MediaStore, *, areas: Router | None = None,
             capabilities_of: Callable[[Any], Capabilities] | None = None) -> Services:
    """What handlers are lent; `areas` defaults to the configured departments' router, and
    every chat can do everything unless the platforms say otherwise."""
    made = Services(rules=rules(settings), areas=areas if areas is not None else router(settings),
                    media=media, people=PeopleService(), stations=stations(settings))
    if capabilities_of is not None:
        made.capabilities_of = capabilities_of
    return made
