"""The console's filters, read from a page's query string (the same for the map and the list).

    ?status=open&department=roads&category=road&overdue=1&from=2026-06-01&to=2026-06-30
     &q=#0042&sort=-reported&page=2

`status` is a status or a group ("open", "settled", "all"), and may repeat, as may
`department` and `category`. Dates are the bot's local days, `to` included. Anything that
does not parse is left out rather than refused: a filter form always gets a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from bot.web.numbers import as_number
from domain.period import local_midnight
from domain.status import OPEN_STATUSES, Status
from storage.repositories.console_filter import SORTS, TicketFilter

STATUS_GROUPS: dict[str, frozenset[str] | None] = {
    "open": frozenset(s.value for s in OPEN_STATUSES),
    "settled": frozenset(s.value for s in Status if s not in OPEN_STATUSES),
    "all": None,
}
DEFAULT_SORT = "-reported"
_NUMBER = re.compile(r"^#?\s*([0-9]{1,9})$")
MAX_PAGE = 10_000


class Query(Protocol):
    """What a query string gives (aiohttp's MultiDict): one value, or all values of a name."""

    def get(self, key: str, default: str) -> str: ...

    def getall(self, key: str, default: list[str]) -> list[str]: ...


@dataclass(frozen=True)
class Choices:
    """The filter as the form shows it back."""

    statuses: tuple[str, ...] = ("open",)
    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    overdue: bool = False
    first_day: str = ""
    last_day: str = ""
    search: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def query(self, **changes: object) -> str:
        """This filter as a query string, with some values changed (for links)."""
        from urllib.parse import urlencode

        values = {"status": list(self.statuses), "department": list(self.departments),
                  "category": list(self.categories), "overdue": "1" if self.overdue else "",
                  "from": self.first_day, "to": self.last_day, "q": self.search,
                  "sort": self.sort, "page": str(self.page)}
        values.update(changes)  # type: ignore[arg-type]
        pairs = [(k, item) for k, v in values.items()
                 for item in (v if isinstance(v, list) else [v]) if item not in ("", None)]
        return urlencode(pairs)


def read_choices(query: Query, known_departments: Iterable[str],
                 known_categories: Iterable[str], default_status: str = "open") -> Choices:
    departments, categories = set(known_departments), set(known_categories)
    statuses = tuple(s for s in query.getall("status", []) if _known_status(s))
    sort = query.get("sort", DEFAULT_SORT)
    return Choices(
        statuses=statuses or (default_status,),
        departments=tuple(d for d in query.getall("department", []) if d in departments),
        categories=tuple(c for c in query.getall("category", []) if c in categories),
        overdue=query.get("overdue", "") in ("1", "on", "true"),
        first_day=_day_text(query.get("from", "")),
        last_day=_day_text(query.get("to", "")),
        search=query.get("q", "").strip()[:100],
        sort=sort if sort in SORTS else DEFAULT_SORT,
        page=_page(query.get("page", "1")),
    )


def to_filter(choices: Choices, now: datetime, tz: tzinfo) -> TicketFilter:
    statuses: set[str] | None = set()
    for name in choices.statuses:
        group = STATUS_GROUPS.get(name, frozenset({name}))
        if group is None or statuses is None:
            statuses = None
        else:
            statuses |= group
    number = None
    text = choices.search
    found = _NUMBER.match(text)
    if found:
        number, text = int(found.group(1)), ""
    first, last = _day(choices.first_day), _day(choices.last_day)
    return TicketFilter(
        now=now,
        statuses=frozenset(statuses) if statuses is not None else None,
        department_ids=choices.departments or None,
        category_ids=choices.categories or None,
        reported_from=local_midnight(first, tz) if first else None,
        reported_to=local_midnight(last + timedelta(days=1), tz) if last else None,
        overdue=choices.overdue,
        number=number,
        text=text,
    )


def _known_status(name: str) -> bool:
    return name in STATUS_GROUPS or name in {s.value for s in Status}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _day_text(text: str) -> str:
    day = _day(text.strip())
    return day.isoformat() if day else ""


def _page(text: str) -> int:
    number = as_number(text, 5)
    return min(max(number, 1), MAX_PAGE) if number is not None else 1
