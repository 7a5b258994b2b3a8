"""Opening hours of a place, as written in the configuration: "07:00-22:00", an overnight
range such as "22:00-06:00", several ranges ("07:00-11:30, 13:00-20:00"), or round the clock
("24h", "24小时", "全天", "00:00-24:00").

Pure: times are wall-clock times in the bot's timezone, given by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAY = 24 * 60
ALWAYS_WORDS = frozenset({"24h", "24 h", "24小时", "24 小时", "全天", "always", "24/7"})
_RANGE = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)\s*[-–~至到]\s*([01]?\d|2[0-4]):([0-5]\d)$")
_SEPARATORS = re.compile(r"\s*[,，;；、]\s*")


class HoursError(ValueError):
    """The text is not opening hours; the message says what is accepted."""


@dataclass(frozen=True)
class OpeningHours:
    # (start, end) in minutes after midnight; an overnight range ends after 1440.
    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        cleaned = text.strip()
        if cleaned.lower() in ALWAYS_WORDS:
            return ALWAYS
        if not cleaned:
            raise HoursError("empty: write e.g. \"07:00-22:00\", \"22:00-06:00\" or \"24h\"")
        ranges = []
        for part in _SEPARATORS.split(cleaned):
            match = _RANGE.match(part)
            if match is None:
                raise HoursError(f"not a time range: {part!r} (write e.g. \"07:00-22:00\", "
                                 f"\"22:00-06:00\" or \"24h\")")
            start = _minutes(match.group(1), match.group(2))
            end = _minutes(match.group(3), match.group(4))
            if start == DAY:
                raise HoursError(f"a range cannot start at 24:00: {part!r}")
            if end == start:
                raise HoursError(f"a range must not end when it starts: {part!r}")
            if end < start:
                end += DAY  # overnight: open past midnight into the next day
            ranges.append((start, end))
        if any(start == 0 and end >= DAY for start, end in ranges):
            return ALWAYS
        return cls(tuple(sorted(ranges)))

    @property
    def always(self) -> bool:
        return self.ranges == ((0, DAY),)

    def is_open(self, at: datetime) -> bool:
        minute = at.hour * 60 + at.minute
        # A range that started yesterday evening may still run this morning.
        return any(start <= m < end for start, end in self.ranges for m in (minute, minute + DAY))

    def closes_at(self, at: datetime) -> datetime | None:
        """When the range open at `at` ends (None when closed, or open round the clock)."""
        if self.always:
            return None
        minute = at.hour * 60 + at.minute
        midnight = _midnight(at)
        ends = [midnight + timedelta(minutes=end - shift)
                for start, end in self.ranges for shift in (0, DAY)
                if start <= minute + shift < end]
        return min(ends) if ends else None

    def opens_at(self, at: datetime) -> datetime | None:
        """The next moment it opens after `at` (None when open now)."""
        if self.is_open(at):
            return None
        midnight = _midnight(at)
        starts = [midnight + timedelta(days=day, minutes=start)
                  for day in (0, 1) for start, _ in self.ranges]
        return min(s for s in starts if s > at)

    def __str__(self) -> str:
        if self.always:
            return "24h"
        return ", ".join(f"{_clock(start)}-{_clock(end % DAY if end != DAY else end)}"
                         for start, end in self.ranges)


ALWAYS = OpeningHours(((0, DAY),))


def _minutes(hours: str, minutes: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if value > DAY:
        raise HoursError(f"not a time of day: {hours}:{minutes}")
    return value


def _midnight(at: datetime) -> datetime:
    # Wall-clock arithmetic in the caller's timezone: good for the bot's zone (no DST jumps
    # in China); elsewhere a range on a changeover night may be off by the hour of the change.
    return datetime.combine(at.date(), time(0), at.tzinfo)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
