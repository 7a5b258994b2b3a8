"""Reading GeoReport v2 arguments; a bad one is an `Open311Error` with the spec's HTTP code.

GET requests: `service_request_id` (comma separated; overrides every other argument),
`service_code`, `start_date`, `end_date` (W3C date-times; the range defaults to the last 90
days and may not span more), `status` (open, closed). At most 1000 requests are returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.web.numbers import as_number
from bot.web.open311.mapping import CLOSED, OPEN

MAX_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_IDS = 200
MAX_DESCRIPTION = 4000


class Open311Error(Exception):
    def __init__(self, http: int, description: str, code: int | None = None) -> None:
        super().__init__(description)
        self.http = http
        self.code = code or http
        self.description = description


@dataclass(frozen=True)
class RequestsQuery:
    numbers: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_datetime(value: str, name: str, tz: tzinfo) -> datetime:
    """A W3C date-time; one without an offset is read in the bot's timezone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(400, f"{name}: not a W3C date-time, e.g. 2010-01-01T00:00:00Z") \
            from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def requests_query(values: dict[str, str], now: datetime, tz: tzinfo) -> RequestsQuery:
    ids = comma_list(values.get("service_request_id", ""))
    if ids:
        numbers = [as_number(i) for i in ids]
        if len(ids) > MAX_IDS or None in numbers:
            raise Open311Error(400, "service_request_id: comma separated request ids")
        return RequestsQuery(numbers=tuple(n for n in numbers if n is not None))
    statuses = comma_list(values.get("status", "").lower())
    if any(s not in (OPEN, CLOSED) for s in statuses):
        raise Open311Error(400, "status: open or closed")
    start = parse_datetime(values["start_date"], "start_date", tz) \
        if values.get("start_date") else None
    end = parse_datetime(values["end_date"], "end_date", tz) if values.get("end_date") else None
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date to end_date may not span more than 90 days")
    return RequestsQuery(service_codes=tuple(comma_list(values.get("service_code", ""))),
                         start=start, end=end, statuses=tuple(statuses))


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    lat: float | None
    lon: float | None
    address: str
    description: str
    media_url: str
    name: str


def new_request(values: dict[str, str]) -> NewRequest:
    code = values.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    lat, lon = values.get("lat", "").strip(), values.get("long", "").strip()
    address = values.get("address_string", "").strip()[:300]
    position = _position(lat, lon) if lat or lon else None
    if position is None and not address:
        if values.get("address_id", "").strip():
            raise Open311Error(400, "address_id is not supported: send lat and long, or "
                                    "address_string")
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    description = values.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, "description: at most 4,000 characters")
    media = values.get("media_url", "").strip()
    if media and (not media.startswith(("http://", "https://")) or len(media) > 1000):
        raise Open311Error(400, "media_url: an http or https URL")
    name = " ".join(values.get(k, "").strip() for k in ("first_name", "last_name")).strip()
    return NewRequest(code, position[0] if position else None,
                      position[1] if position else None, address, description, media,
                      name[:100])


def _position(lat: str, lon: str) -> tuple[float, float]:
    try:
        point = float(lat), float(lon)
    except ValueError:
        raise Open311Error(400, "lat and long: both, as WGS84 decimal degrees") from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise Open311Error(400, "lat and long: outside the globe")
    return point
