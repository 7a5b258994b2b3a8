"""Reporting periods: whole local days in the bot's timezone, turned into UTC instants.

A period runs from midnight of its first day to midnight after its last day. Figures are taken
"as of" the period's end, or now when the period has not ended yet, so the same question asked
twice about a past period gets the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first_day: date
    last_day: date  # inclusive
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive

    @classmethod
    def of_days(cls, first_day: date, last_day: date, tz: tzinfo,
                kind: PeriodKind = PeriodKind.RANGE) -> Period:
        if last_day < first_day:
            raise PeriodError("the first day comes after the last")
        try:
            return cls(kind, first_day, last_day, local_midnight(first_day, tz),
                       local_midnight(last_day + timedelta(days=1), tz))
        except OverflowError as error:
            raise PeriodError("the days are out of range") from error

    def as_of(self, now: datetime) -> datetime:
        """The instant the figures describe: the end, unless the period is still running."""
        return min(self.end, now)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class PeriodError(ValueError):
    """The text does not name a period; the caller answers with the accepted forms."""


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def local_date(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def yesterday(now: datetime, tz: tzinfo) -> Period:
    day = local_date(now, tz) - timedelta(days=1)
    return Period.of_days(day, day, tz, PeriodKind.DAY)


def previous_week(now: datetime, tz: tzinfo) -> Period:
    """The seven days before today: on the weekly digest's morning, the week just ended."""
    today = local_date(now, tz)
    return Period.of_days(today - timedelta(days=7), today - timedelta(days=1), tz,
                          PeriodKind.WEEK)


_TODAY = {"today", "今天", "今日"}
_YESTERDAY = {"yesterday", "昨天", "昨日"}
_WEEK = {"week", "本周"}
_MONTH = {"month", "本月"}
_DAY = r"(\d{4}-\d{2}-\d{2})"
_RANGE = re.compile(rf"{_DAY}(?:\s*\.\.\s*{_DAY})?")


def parse_period(text: str, now: datetime, tz: tzinfo) -> Period:
    """`today`, `yesterday`, `week` (since Monday), `month` (since the 1st),
    `YYYY-MM-DD..YYYY-MM-DD` or a single `YYYY-MM-DD`; raises PeriodError otherwise."""
    word = text.strip().lower()
    today = local_date(now, tz)
    if word in _TODAY:
        return Period.of_days(today, today, tz, PeriodKind.DAY)
    if word in _YESTERDAY:
        return yesterday(now, tz)
    if word in _WEEK:
        return Period.of_days(today - timedelta(days=today.weekday()), today, tz,
                              PeriodKind.WEEK)
    if word in _MONTH:
        return Period.of_days(today.replace(day=1), today, tz, PeriodKind.MONTH)
    match = _RANGE.fullmatch(word)
    if match is None:
        raise PeriodError(f"not a period: {text!r}")
    first = _day(match.group(1))
    last = _day(match.group(2)) if match.group(2) else first
    kind = PeriodKind.DAY if first == last else PeriodKind.RANGE
    return Period.of_days(first, last, tz, kind)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise PeriodError(f"not a date: {text!r}") from error
