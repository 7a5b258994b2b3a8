"""The /stats period parser: what it accepts, what it refuses, and what a period covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.period import (
    Period,
    PeriodError,
    PeriodKind,
    local_midnight,
    parse_period,
    previous_week,
    yesterday,
)

TZ = ZoneInfo("Asia/Shanghai")
# Wednesday 3 June 2026, 15:20 in Beijing.
NOW = datetime(2026, 6, 3, 7, 20, tzinfo=UTC)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
zones = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC",
                         "Pacific/Chatham"]).map(ZoneInfo)


@pytest.mark.parametrize(("text", "first", "last", "kind"), [
    ("today", date(2026, 6, 3), date(2026, 6, 3), PeriodKind.DAY),
    (" TODAY ", date(2026, 6, 3), date(2026, 6, 3), PeriodKind.DAY),
    ("今天", date(2026, 6, 3), date(2026, 6, 3), PeriodKind.DAY),
    ("yesterday", date(2026, 6, 2), date(2026, 6, 2), PeriodKind.DAY),
    ("week", date(2026, 6, 1), date(2026, 6, 3), PeriodKind.WEEK),
    ("本周", date(2026, 6, 1), date(2026, 6, 3), PeriodKind.WEEK),
    ("month", date(2026, 6, 1), date(2026, 6, 3), PeriodKind.MONTH),
    ("2026-05-01..2026-05-31", date(2026, 5, 1), date(2026, 5, 31), PeriodKind.RANGE),
    ("2026-05-01 .. 2026-05-31", date(2026, 5, 1), date(2026, 5, 31), PeriodKind.RANGE),
    ("2026-05-20", date(2026, 5, 20), date(2026, 5, 20), PeriodKind.DAY),
])
def test_accepted_forms(text, first, last, kind):
    period = parse_period(text, NOW, TZ)
    assert (period.first_day, period.last_day, period.kind) == (first, last, kind)


@pytest.mark.parametrize("text", [
    "", "tomorrow", "2026-05-31..2026-05-01", "2026-02-30", "2026-5-1", "20260501",
    "2026-W01-1", "2026-05-01..", "..2026-05-01", "2026-05-01...2026-05-02", "9999-12-31",
])
def test_refused_forms(text):
    with pytest.raises(PeriodError):
        parse_period(text, NOW, TZ)


@given(days, days, zones)
def test_a_range_covers_exactly_its_local_days(a, b, tz):
    first, last = min(a, b), max(a, b)
    period = parse_period(f"{first.isoformat()}..{last.isoformat()}", NOW, tz)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.days == (last - first).days + 1
    assert period.start.astimezone(tz).replace(tzinfo=None) == datetime.combine(
        first, datetime.min.time())
    assert period.end.astimezone(tz).replace(tzinfo=None) == datetime.combine(
        last + timedelta(days=1), datetime.min.time())
    assert period.start < period.end and period.start.tzinfo is UTC


@given(days, days, zones)
def test_a_backwards_range_is_refused(a, b, tz):
    if a == b:
        return
    first, last = max(a, b), min(a, b)
    with pytest.raises(PeriodError):
        parse_period(f"{first.isoformat()}..{last.isoformat()}", NOW, tz)


@given(st.text(max_size=40), zones)
def test_any_text_is_a_period_or_a_period_error(text, tz):
    try:
        period = parse_period(text, NOW, tz)
    except PeriodError:
        return
    assert period.first_day <= period.last_day


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                    timezones=st.just(UTC)), zones)
def test_named_periods_end_with_today_or_yesterday(now, tz):
    today = now.astimezone(tz).date()
    for word in ("today", "week", "month"):
        period = parse_period(word, now, tz)
        assert period.last_day == today and period.start <= now < period.end
        assert period.as_of(now) == now
    assert parse_period("week", now, tz).first_day.weekday() == 0
    assert parse_period("month", now, tz).first_day.day == 1
    day_before = yesterday(now, tz)
    assert day_before.last_day == today - timedelta(days=1)
    assert day_before.end == local_midnight(today, tz) and day_before.as_of(now) == day_before.end
    week = previous_week(now, tz)
    assert week.days == 7 and week.end == day_before.end


def test_days_are_whole_local_days_across_daylight_saving():
    berlin = ZoneInfo("Europe/Berlin")
    spring = Period.of_days(date(2026, 3, 29), date(2026, 3, 29), berlin)
    assert spring.end - spring.start == timedelta(hours=23)
